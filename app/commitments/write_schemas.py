"""Shapes editors send to create and change commitments and to report progress."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    WithJsonSchema,
)

from app.api.text import (
    Code,
    Day,
    Input,
    LangTag,
    LongText,
    RichText,
    ShortText,
    Title,
    WebUrl,
)
from app.commitments.models import ActorRole, CommitmentKind, DuePrecision, ImplementationStatus
from app.commitments.schemas import AMOUNT_PATTERN, Resources
from app.publication import PublicationStatus

CommitmentCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=64)
]

_EXAMPLE: dict[str, JsonValue] = {
    "code": "LAD-2026-IOM-10",
    "kinds": ["technical"],
    "actors": [{"id": "iom", "role": "lead"}],
    "places": ["HND"],
    "terms": ["gcm:21"],
    "made_on": "2026-11-20",
    "due_on": "2027-12-31",
    "due_precision": "year",
    "source": {"statement_id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4", "anchor": "support"},
    "translations": {
        "en": {"title": "Reintegration support", "summary": "S.", "text": "T.", "quote": "..."}
    },
    "resources": {"amount": "1500000.00", "currency": "USD"},
}


def _decimal_string(value: object) -> object:
    """Amounts travel as decimal strings both ways: a JSON number (a binary float to most
    clients) is refused rather than rounded."""
    if not isinstance(value, str) or re.fullmatch(AMOUNT_PATTERN, value) is None:
        raise ValueError("an amount is a decimal string with at most two decimals, e.g. 1500000.00")
    return value


AmountIn = Annotated[
    Decimal,
    BeforeValidator(_decimal_string),
    Field(ge=0, max_digits=18, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": "Decimal string, at most two decimals, e.g. `1500000.00`.",
        }
    ),
]


class Strict(Input):
    """Unknown fields refused, numbers finite (`app.api.text.Input`)."""


class ActorIn(Strict):
    """An actor and its role, named as in the public `actors[]` (`id`, `role`)."""

    id: Code = Field(description="Actor id (its slug is taken too).")
    role: ActorRole


class SourceIn(Strict):
    """The public `source` without its `quote` (quotes are per language, in `translations`)."""

    statement_id: Code | None = Field(default=None, description="Statement id.")
    anchor: Code | None = Field(default=None, description="Paragraph anchor in that statement.")
    url: WebUrl | None = None


class CommitmentTextIn(Strict):
    title: Title
    summary: LongText
    text: RichText = Field(description="Inline HTML; sanitized to a small allowlist.")
    quote: LongText | None = Field(
        default=None, description="Verbatim span of the cited paragraph in this language."
    )


class IndicatorIn(Strict):
    names: dict[LangTag, ShortText] = Field(min_length=1, max_length=20)
    unit: ShortText | None = None
    baseline: float | None = None
    target: float | None = None
    current: float | None = None


class ResourcesIn(Strict):
    """As the public `resources`: the amount is a decimal string, not a JSON number."""

    amount: AmountIn
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class CommitmentCreate(Strict):
    """A new commitment, created as a draft (status `announced`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    code: CommitmentCode
    kinds: list[CommitmentKind] = Field(default_factory=list, max_length=7)
    actors: list[ActorIn] = Field(min_length=1, max_length=100)
    places: list[Code] = Field(default_factory=list, max_length=100)
    terms: list[Code] = Field(default_factory=list, max_length=50)
    made_on: Day
    due_on: Day | None = None
    due_precision: DuePrecision | None = None
    source: SourceIn = Field(default_factory=SourceIn)
    translations: dict[LangTag, CommitmentTextIn] = Field(min_length=1, max_length=20)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=50)
    resources: ResourcesIn | None = None


class CommitmentUpdate(Strict):
    """Fields left out stay as they are; a translation set to null is removed. The status
    changes only through progress reports."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"due_on": "2028-06-30"}]}
    )

    kinds: list[CommitmentKind] | None = Field(default=None, max_length=7)
    actors: list[ActorIn] | None = Field(default=None, min_length=1, max_length=100)
    places: list[Code] | None = Field(default=None, max_length=100)
    terms: list[Code] | None = Field(default=None, max_length=50)
    due_on: Day | None = None
    due_precision: DuePrecision | None = None
    source: SourceIn | None = None
    translations: dict[LangTag, CommitmentTextIn | None] | None = Field(default=None, max_length=20)
    indicators: list[IndicatorIn] | None = Field(default=None, max_length=50)
    resources: ResourcesIn | None = None


class EvidenceIn(Strict):
    url: WebUrl
    title: ShortText | None = None
    kind: Annotated[str, StringConstraints(pattern=r"^(document|dataset|news|media)$")] | None = (
        None
    )


class ProgressIn(Strict):
    """A progress report: a date, optionally a new status, a narrative and evidence."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reported_on": "2026-11-20",
                    "status": "in_progress",
                    "reporter": "iom",
                    "narrative": {"en": "Training started in three countries."},
                    "evidence": [{"url": "https://www.iom.int/news", "kind": "news"}],
                }
            ]
        },
    )

    reported_on: Day
    status: ImplementationStatus | None = None
    reporter: Code | None = Field(default=None, description="Actor id or slug.")
    narrative: dict[LangTag, LongText] = Field(default_factory=dict, max_length=20)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=50)


def evidence_json(items: list[EvidenceIn]) -> list[dict[str, Any]]:
    return [{"url": str(e.url), "title": e.title, "kind": e.kind} for e in items]


class EditorialActor(BaseModel):
    """The public `actors[]` member's `id` and `role`: what `ActorIn` takes back."""

    id: str
    role: ActorRole


class EditorialSource(BaseModel):
    """The public `source` less its per-language `quote` (in `translations`)."""

    statement_id: str | None
    anchor: str | None
    url: str | None


class EditorialText(BaseModel):
    """One language of a commitment, as `CommitmentTextIn` takes it back."""

    title: str
    summary: str
    text: str
    quote: str | None


class EditorialIndicator(BaseModel):
    """An indicator with its name in every language, as `IndicatorIn` takes it back."""

    names: dict[str, str]
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    current: float | None = None


class CommitmentEditorial(BaseModel):
    """A commitment as editors see it, all languages at once; its ETag is what `If-Match` takes.
    Fields keep their public names and formats; `actors`, `source`, `translations`,
    `indicators` and `resources` can be sent back as they are read."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "id": "cmt_0f3k9x2m7q4v8c1n6r5t0w3y8z",
                    "version": 3,
                    "publication_status": "draft",
                    "published_at": None,
                    "deleted_at": None,
                    "implementation_status": "announced",
                    "actors": [{"id": "act_2k8v0c3n6q1x9m4r7t2w5y8z0b", "role": "lead"}],
                    "source": {
                        "statement_id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
                        "anchor": "support",
                        "url": None,
                    },
                    "indicators": [],
                    "updated_at": "2026-11-20T10:00:00Z",
                }
            ]
        }
    )

    id: str
    code: str
    version: int
    publication_status: PublicationStatus
    published_at: datetime | None
    deleted_at: datetime | None
    implementation_status: ImplementationStatus
    made_on: date
    due_on: date | None
    due_precision: DuePrecision | None
    kinds: list[CommitmentKind]
    actors: list[EditorialActor]
    places: list[str]
    terms: list[str]
    source: EditorialSource
    translations: dict[str, EditorialText]
    indicators: list[EditorialIndicator]
    resources: Resources | None
    updated_at: datetime
    pending: dict[str, Any] | None = Field(
        default=None,
        description="The pending working copy of a live commitment (edits by keys without "
        "`content:publish`), as it would read once published; null when there is none.",
    )
    pending_changes: list[str] = Field(
        default_factory=list,
        description="JSON pointers to what the working copy would change when published.",
    )


class ProgressRecorded(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "pgu_x", "sequence": 3, "status": "in_progress", "commitment_version": 7}
            ]
        }
    )

    id: str
    sequence: int
    status: ImplementationStatus | None
    commitment_version: int
