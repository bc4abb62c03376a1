"""Public shapes of statements: the list item and the full item."""

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field, JsonValue

from app.api.schemas import Localized, Schema
from app.commitments.schemas import CommitmentRef
from app.statements.models import StatementType

StatementSort = Literal["-published_at", "published_at", "-updated_at", "updated_at"]

_SUMMARY_EXAMPLE: dict[str, JsonValue] = {
    "id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
    "type": "statement",
    "published_at": "2022-06-10T18:00:00Z",
    "updated_at": "2022-06-10T18:00:00Z",
    "slug": "communique-de-loim-propos-de-la-declaration-de-los-angeles-sur-la-migration-"
    "et-la-protection",
    "title": "Communiqué de l'OIM sur la Déclaration de Los Angeles",
    "summary": "L'OIM salue l'adoption de la Déclaration de Los Angeles.",
    "dateline": {"place": "USA", "text": "Los Angeles"},
    "places": ["019"],
    "topics": ["migration-governance", "counter-trafficking"],
    "terms": ["gcm:2", "sdg:10.7", "lad:pillar-1"],
    "lang": "fr",
    "available_langs": ["en", "es", "fr"],
    "fallback": None,
}


class Dateline(Schema):
    place: str | None = Field(description="Country of the dateline city (ISO 3166-1 alpha-3).")
    text: str | None = Field(description="The dateline as printed, in the served language.")


class Paragraph(Schema):
    anchor: str = Field(description="Stable id of the paragraph, usable as a URL fragment.")
    text: str


class TranslationRef(Schema):
    lang: str
    slug: str
    title: str


class StatementSummary(Localized):
    """A statement as it appears in lists: everything but the body."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})

    id: str = Field(description="Stable public id; never changes once published.")
    type: StatementType
    published_at: datetime
    updated_at: datetime
    slug: str = Field(description="URL slug in the served language.")
    title: str
    summary: str
    dateline: Dateline
    places: list[str] = Field(description="Places it concerns (alpha-3 or M49 codes).")
    topics: list[str] = Field(description="Topic slugs.")
    terms: list[str] = Field(description="Framework term codes, e.g. `gcm:21`.")


class StatementDetail(StatementSummary):
    """A whole statement in one language, with links to its other translations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "body": [
                        {
                            "anchor": "welcome",
                            "text": "L'OIM salue l'adoption de la Déclaration de Los Angeles.",
                        }
                    ],
                    "translations": [
                        {
                            "lang": "en",
                            "slug": "iom-statement-los-angeles-declaration-migration-and-"
                            "protection",
                            "title": "IOM Statement on the Los Angeles Declaration",
                        }
                    ],
                }
            ]
        }
    )

    body: list[Paragraph]
    translations: list[TranslationRef] = Field(
        description="Every language this statement exists in, with its slug there."
    )
    commitments: list[CommitmentRef] | None = Field(
        default=None,
        description="The commitments made in it, with `include=commitments`; null otherwise.",
    )
