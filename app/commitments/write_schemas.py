"""Shapes editors send to create and change commitments and to report progress."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

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

CommitmentCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=64)
]

_EXAMPLE: dict[str, JsonValue] = {
    "code": "LAD-2026-IOM-10",
    "kinds": ["technical"],
    "actors": [{"actor": "iom", "role": "lead"}],
    "places": ["HND"],
    "terms": ["gcm:21"],
    "made_on": "2026-11-20",
    "due_on": "2027-12-31",
    "due_precision": "year",
    "source": {"statement": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4", "anchor": "support"},
    "translations": {
        "en": {"title": "Reintegration support", "summary": "S.", "text": "T.", "quote": "..."}
    },
}


class Strict(Input):
    """Unknown fields refused, numbers finite (`app.api.text.Input`)."""


class ActorIn(Strict):
    actor: Code = Field(description="Actor id or slug.")
    role: ActorRole


class SourceIn(Strict):
    statement: Code | None = Field(default=None, description="Statement id.")
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
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
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


class CommitmentEditorial(BaseModel):
    """A commitment as editors see it, all languages at once; its ETag is what `If-Match` takes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_EXAMPLE, "id": "cmt_x"}]})

    id: str
    code: str
    version: int
    publication_status: str
    published_at: Any
    deleted_at: Any
    implementation_status: ImplementationStatus
    made_on: date
    due_on: date | None
    due_precision: DuePrecision | None
    kinds: list[str]
    actors: list[dict[str, str]]
    places: list[str]
    terms: list[str]
    source: dict[str, str | None]
    translations: dict[str, dict[str, str | None]]
    indicators: list[dict[str, Any]]
    resources: dict[str, str] | None
    updated_at: Any
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
