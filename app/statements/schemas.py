"""Public shapes of statements: the list item and the full item."""

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, JsonValue

from app.api.schemas import Localized, Schema
from app.api.shaping import embed_field, sparse_model
from app.api.text import (
    Code,
    Input,
    LangTag,
    LongText,
    Moment,
    Note,
    RichText,
    ShortText,
    Slug,
    Title,
)
from app.commitments.schemas import CommitmentRef
from app.search.schemas import Relevance
from app.statements.models import StatementType
from app.taxonomy.schemas import TagLabels, TermRead

StatementSort = Literal["relevance", "-published_at", "published_at", "-updated_at", "updated_at"]

_SUMMARY_EXAMPLE: dict[str, JsonValue] = {
    "id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
    "type": "statement",
    "published_at": "2022-06-10T18:00:00Z",
    "updated_at": "2022-06-10T18:00:00Z",
    "slug": "communique-de-loim-propos-de-la-declaration-de-los-angeles-sur-la-migration-"
    "et-la-protection",
    "title": "Communiqué de l'OIM sur la Déclaration de Los Angeles",
    "summary": "L'OIM salue l'adoption de la Déclaration de Los Angeles.",
    "dateline": {"place": "USA", "text": "Los Angeles", "label": "États-Unis d'Amérique"},
    "places": ["019"],
    "topics": ["counter-trafficking", "migration-governance"],
    "terms": ["gcm:2", "lad:pillar-1", "sdg:10.7"],
    "labels": {
        "places": {
            "019": {"label": "Amériques", "fallback": False},
            "USA": {"label": "États-Unis d'Amérique", "fallback": False},
        },
        "topics": {
            "counter-trafficking": {"label": "Lutte contre la traite", "fallback": False},
            "migration-governance": {"label": "Gouvernance des migrations", "fallback": False},
        },
        "terms": {
            "gcm:2": {"label": "Minimiser les facteurs négatifs", "fallback": False},
            "lad:pillar-1": {"label": "Stability and assistance", "fallback": True},
            "sdg:10.7": {"label": "Politiques migratoires bien gérées", "fallback": False},
        },
    },
    "lang": "fr",
    "available_langs": ["en", "es", "fr"],
    "fallback": None,
}


class Dateline(Schema):
    place: str | None = Field(description="Country of the dateline city (ISO 3166-1 alpha-3).")
    text: str | None = Field(description="The dateline as printed, in the served language.")
    label: str | None = Field(
        description="Name of `place` in the served language (its fallback flag is in "
        "`labels.places`); null without a place."
    )


class Paragraph(Schema):
    anchor: str = Field(description="Stable id of the paragraph, usable as a URL fragment.")
    text: str


class TranslationRef(Schema):
    """A translation as the public item links to it (the editorial one adds its texts)."""

    slug: str
    title: str


class DatelinePlace(Schema):
    """Where a statement is datelined; each translation carries the printed `dateline` text."""

    place: str | None = Field(description="Country of the dateline city (ISO 3166-1 alpha-3).")


class DatelineIn(Input):
    place: Code | None = Field(
        default=None, description="Country of the dateline city (ISO 3166-1 alpha-3)."
    )


class StatementSummary(Localized):
    """A statement as it appears in lists: everything but the body."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY_EXAMPLE]})

    id: str = Field(description="Stable public id; never changes once published.")
    type: StatementType
    published_at: datetime | None = Field(
        description="The public date; null only for drafts, which only previews show."
    )
    updated_at: datetime
    slug: str = Field(description="URL slug in the served language.")
    title: str
    summary: str
    dateline: Dateline
    places: list[str] = Field(description="Places it concerns (alpha-3 or M49 codes).")
    topics: list[str] = Field(description="Topic slugs.")
    terms: list[str] = Field(description="Framework term codes, e.g. `gcm:21`.")
    labels: TagLabels = Field(
        description="Labels of the codes above (and of the dateline place) in the served "
        "language, keyed by code."
    )
    translations: dict[str, TranslationRef] | None = embed_field(
        "Every language it exists in, with its slug and title there: on lists with "
        "`include=translations` (always on the full item)."
    )
    commitments: list[CommitmentRef] | None = embed_field(
        "The public commitments made in it, with `include=commitments` (each with its "
        "`actors` with `include=commitments.actors`)."
    )
    term_details: dict[str, TermRead] | None = embed_field(
        "Its framework terms in full (framework, parent, kind, notation, name), keyed by "
        "code, with `include=terms`."
    )


class StatementListItem(StatementSummary, Relevance):
    """A statement in the list, with its relevance when the list was searched (`q`)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUMMARY_EXAMPLE, "score": None, "snippet": None}]}
    )


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
                    "translations": {
                        "en": {
                            "slug": "iom-statement-los-angeles-declaration-migration-and-"
                            "protection",
                            "title": "IOM Statement on the Los Angeles Declaration",
                        }
                    },
                }
            ]
        }
    )

    body: list[Paragraph]
    translations: dict[str, TranslationRef] = Field(
        description="Every language this statement exists in, with its slug and title there "
        "(the editorial representation's `translations`, without the texts)."
    )
    commitments: list[CommitmentRef] | None = Field(
        default=None,
        description="The public commitments made in it, with `include=commitments` (each "
        "with its `actors` with `include=commitments.actors`); null otherwise.",
    )


StatementFields = sparse_model(
    StatementDetail,
    "StatementFields",
    {"id": _SUMMARY_EXAMPLE["id"], "title": _SUMMARY_EXAMPLE["title"]},  # ?fields=id,title
)


# --- Editorial shapes (writes and the editorial read) -------------------------------------


class ParagraphIn(Input):
    anchor: Slug | None = Field(
        default=None, description="Kept as given; a new paragraph without one gets `p-<n>`."
    )
    text: RichText = Field(description="Inline HTML; sanitized to a small allowlist.")


class TranslationIn(Input):
    slug: Slug
    title: Title
    dateline: ShortText | None = None
    summary: LongText
    body: list[ParagraphIn] = Field(min_length=1, max_length=200)


_WRITE_EXAMPLE: dict[str, JsonValue] = {
    "type": "press_release",
    "dateline": {"place": "CHE"},
    "places": ["019"],
    "topics": ["migration-governance"],
    "terms": ["gcm:23"],
    "translations": {
        "en": {
            "slug": "iom-welcomes-new-regional-framework",
            "title": "IOM welcomes a new regional framework",
            "dateline": "Geneva",
            "summary": "A short summary.",
            "body": [{"anchor": "welcome", "text": "IOM <em>welcomes</em> the framework."}],
        }
    },
}


class StatementCreate(Input):
    """A new statement: created as a draft; publish it with the publish action."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_WRITE_EXAMPLE]})

    type: StatementType
    dateline: DatelineIn | None = None
    places: list[Code] = Field(default_factory=list, max_length=50)
    topics: list[Code] = Field(default_factory=list, max_length=20)
    terms: list[Code] = Field(default_factory=list, max_length=50)
    translations: dict[LangTag, TranslationIn] = Field(min_length=1, max_length=20)


class StatementUpdate(Input):
    """A partial update: fields left out stay; a translation set to null is removed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"translations": {"fr": None}, "topics": ["displacement"]}]
        },
    )

    type: StatementType | None = None
    dateline: DatelineIn | None = None
    places: list[Code] | None = Field(default=None, max_length=50)
    topics: list[Code] | None = Field(default=None, max_length=20)
    terms: list[Code] | None = Field(default=None, max_length=50)
    translations: dict[LangTag, TranslationIn | None] | None = Field(default=None, max_length=20)


class WithdrawIn(Input):
    note: Note = Field(description="Shown to the public in place of the statement.")


class ScheduleIn(Input):
    publish_at: Moment = Field(
        description="When it goes live (and its public date): with a time zone, 1900 to 2200."
    )


class EditorialTranslation(Schema):
    slug: str
    title: str
    dateline: str | None
    summary: str
    body: list[Paragraph]


class StatementEditorial(Schema):
    """Everything an editor works with, all languages at once. Its ETag is what `If-Match`
    takes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_WRITE_EXAMPLE, "id": "stm_x"}]})

    id: str
    version: int
    type: StatementType
    publication_status: str
    published_at: datetime | None
    scheduled: bool = Field(description="Published with a date still ahead (or embargoed).")
    withdrawn_at: datetime | None
    withdrawal_note: str | None
    deleted_at: datetime | None
    dateline: DatelinePlace
    places: list[str]
    topics: list[str]
    terms: list[str]
    translations: dict[str, EditorialTranslation]
    created_at: datetime
    updated_at: datetime
    pending: dict[str, Any] | None = Field(
        default=None,
        description="The pending working copy of a live statement (edits by keys without "
        "`content:publish`), as it would read once published; null when there is none.",
    )
    pending_changes: list[str] = Field(
        default_factory=list,
        description="JSON pointers to what the working copy would change when published.",
    )


class RevisionList(Schema):
    """A statement's public versions, oldest first."""

    items: list["RevisionRead"]


class RevisionRead(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 3,
                    "operation": "update",
                    "note": None,
                    "revised_at": "2026-11-27T10:00:00Z",
                    "langs": ["en", "fr"],
                }
            ]
        }
    )

    version: int
    operation: str = Field(description="publish, update, unpublish, withdraw or delete.")
    note: str | None
    revised_at: datetime
    langs: list[str]
