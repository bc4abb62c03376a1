"""Public shapes of commitments, their progress updates and the dashboard summary."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, JsonValue, PlainSerializer, WithJsonSchema

from app.actors.schemas import ActorRef
from app.api.schemas import Localized, Schema
from app.api.shaping import embed_field, sparse_model
from app.commitments.models import (
    ActorRole,
    CommitmentKind,
    DuePrecision,
    ImplementationStatus,
    ReportingHealth,
)
from app.search.schemas import Relevance
from app.taxonomy.schemas import TagLabels, TermRead

CommitmentSort = Literal["relevance", "-made_on", "made_on", "-updated_at", "updated_at", "code"]

_EXAMPLE: dict[str, JsonValue] = {
    "id": "cmt_0f3k9x2m7q4v8c1n6r5t0w3y8z",
    "code": "LAD-2022-IOM-01",
    "title": "Support reintegration of returnees in the Americas",
    "summary": "IOM supports governments of the Americas in the sustainable reintegration of "
    "returning migrants.",
    "kinds": ["technical"],
    "implementation_status": "in_progress",
    "reporting_health": "current",
    "made_on": "2022-06-10",
    "due_on": "2025-12-31",
    "due_precision": "year",
    "actors": [
        {
            "id": "act_2k8v0c3n6q1x9m4r7t2w5y8z0b",
            "slug": "iom",
            "type": "igo",
            "name": "International Organization for Migration",
            "acronym": "IOM",
            "role": "lead",
        }
    ],
    "places": ["019"],
    "terms": ["gcm:21", "sdg:10.7"],
    "labels": {
        "places": {"019": {"label": "Americas", "fallback": False}},
        "topics": {},
        "terms": {
            "gcm:21": {"label": "Safe and dignified return and readmission", "fallback": False},
            "sdg:10.7": {"label": "Well-managed migration policies", "fallback": False},
        },
    },
    "source": {
        "statement_id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
        "anchor": "drivers",
        "url": None,
        "quote": "IOM remains committed to supporting governments in the Americas",
        "title": "IOM Statement on the Los Angeles Declaration",
        "slug": "iom-statement-los-angeles-declaration-migration-and-protection",
        "fallback": False,
    },
    "last_reported_on": "2026-03-02",
    "updated_at": "2026-03-02T10:00:00Z",
    "lang": "en",
    "available_langs": ["en", "es", "fr"],
    "fallback": None,
}


class CommitmentActor(ActorRef):
    role: ActorRole


class Source(Schema):
    """Where the commitment was made: a statement's paragraph (quoted), or a document."""

    statement_id: str | None
    anchor: str | None = Field(description="Anchor of the paragraph in the statement's body.")
    url: str | None
    quote: str | None = Field(
        description="The pledge as worded in that paragraph, in the served language, verbatim."
    )
    title: str | None = Field(
        description="Title of the source statement in the served language; null like "
        "`statement_id` (no statement, or one the public cannot see).",
    )
    slug: str | None = Field(
        description="Slug of the source statement in the same language as `title`."
    )
    fallback: bool | None = Field(
        description="True when `title` and `slug` are in another language than asked; null "
        "without them.",
    )


class CommitmentSummary(Localized):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str
    code: str = Field(description="Human reference, e.g. `LAD-2022-IOM-01`.")
    title: str
    summary: str
    kinds: list[CommitmentKind]
    implementation_status: ImplementationStatus
    reporting_health: ReportingHealth = Field(
        description="current (< 12 months since the last report), due (12 to 24), inactive "
        "(over 24), closed (terminal status)."
    )
    made_on: date
    due_on: date | None
    due_precision: DuePrecision | None
    actors: list[CommitmentActor]
    places: list[str]
    terms: list[str]
    labels: TagLabels = Field(
        description="Labels of `places` and `terms` in the served language, keyed by code "
        "(`topics` stays empty: commitments carry none)."
    )
    source: Source
    last_reported_on: date | None
    updated_at: datetime
    progress_updates: list["ProgressUpdateRead"] | None = embed_field(
        "Its progress updates, oldest first: on lists with `include=progress` (always on the "
        "full item)."
    )
    term_details: dict[str, TermRead] | None = embed_field(
        "Its framework terms in full (framework, parent, kind, notation, name), keyed by "
        "code, with `include=terms`."
    )


class CommitmentListItem(CommitmentSummary, Relevance):
    """A commitment in the list, with its relevance when the list was searched (`q`)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_EXAMPLE, "score": None, "snippet": None}]}
    )


class Indicator(Schema):
    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    current: float | None


# What a body may send (a whole number or up to two decimals) and what is served (two, always).
AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$"
_SERVED_AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,15})\.[0-9]{2}$"

Amount = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _SERVED_AMOUNT_PATTERN,
            "description": "Decimal string with two decimals, e.g. `1500000.00` (never a JSON "
            "number, which most clients read as a binary float).",
        }
    ),
]


class Resources(Schema):
    """Money pledged. Editors send and read the same shape."""

    amount: Amount
    currency: str = Field(description="ISO 4217 code.")


class Evidence(Schema):
    url: str
    title: str | None
    kind: str | None


class ProgressUpdateRead(Schema):
    id: str
    sequence: int
    reported_on: date
    reporter: ActorRef | None
    status_before: ImplementationStatus
    status: ImplementationStatus | None = Field(description="The new status, if it changed.")
    narrative: str | None
    narrative_lang: str | None
    evidence: list[Evidence]


class EventRef(Schema):
    id: str
    slug: str
    name: str
    starts_on: date
    ends_on: date | None
    place: str | None = Field(description="Where it took place (ISO 3166-1 alpha-3 or M49).")
    place_label: str | None = Field(
        description="Name of `place` in the served language (null without a place)."
    )


class CommitmentDetail(CommitmentSummary):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "text": "IOM will support governments in the Americas ...",
                    "event": None,
                    "indicators": [],
                    "resources": None,
                    "progress_updates": [],
                }
            ]
        }
    )

    text: str
    event: EventRef | None
    indicators: list[Indicator]
    resources: Resources | None
    progress_updates: list[ProgressUpdateRead] = Field(description="Oldest first.")


class CommitmentRef(Localized):
    """A commitment as embedded in a statement (`include=commitments`). `lang` and `fallback`
    describe its own title and quote, against the reader's preferences."""

    id: str
    code: str
    title: str
    implementation_status: ImplementationStatus
    anchor: str | None
    quote: str | None
    actors: list[CommitmentActor] | None = embed_field(
        "Who commits, with `include=commitments.actors`."
    )


CommitmentFields = sparse_model(
    CommitmentDetail,
    "CommitmentFields",
    {"id": _EXAMPLE["id"], "code": _EXAMPLE["code"]},  # ?fields=code
)


class Bucket(Schema):
    key: str
    count: int


class CommitmentSummaryCounts(Schema):
    """Counts for dashboards, under the same filters as the list. A commitment counts once in
    each bucket it belongs to; a term or region bucket counts everything beneath it, as the
    `term` and `place` filters do."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total": 22,
                    "by_status": [{"key": "in_progress", "count": 6}],
                    "by_reporting_health": [{"key": "current", "count": 9}],
                    "by_actor_type": [{"key": "state", "count": 12}],
                    "by_term": [{"key": "gcm:21", "count": 4}],
                    "by_region": [{"key": "019", "count": 20}],
                }
            ]
        }
    )

    total: int
    by_status: list[Bucket]
    by_reporting_health: list[Bucket]
    by_actor_type: list[Bucket]
    by_term: list[Bucket]
    by_region: list[Bucket]


def indicator_fields(raw: dict[str, Any], name: str) -> dict[str, Any]:
    return {
        "name": name,
        "unit": raw.get("unit"),
        "baseline": raw.get("baseline"),
        "target": raw.get("target"),
        "current": raw.get("current"),
    }
