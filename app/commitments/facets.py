"""The facets of the commitment list and of its dashboard summary, counted by the one facet
engine (app/api/facets.py)."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select

from app.actors import service as actors_service
from app.actors.models import Actor
from app.api.facets import AnySelect, Facet, FacetSet, utc_year
from app.commitments import queries
from app.commitments.lifecycle import HealthCutoffs
from app.commitments.models import (
    TERMINAL_STATUSES,
    Commitment,
    ReportingHealth,
    commitment_actors,
    commitment_kinds,
    commitment_places,
    commitment_terms,
)
from app.statements import service as statements_service
from app.taxonomy import service as taxonomy_service

_basis = func.coalesce(Commitment.last_reported_on, Commitment.made_on)
# The SQL twin of lifecycle.reporting_health, with the day's cutoffs as parameters.
HEALTH = case(
    (Commitment.implementation_status.in_(sorted(TERMINAL_STATUSES)), ReportingHealth.CLOSED),
    (_basis > bindparam("due_cut"), ReportingHealth.CURRENT),
    (_basis > bindparam("inactive_cut"), ReportingHealth.DUE),
    else_=ReportingHealth.INACTIVE,
)


def health_params(now: datetime) -> dict[str, Any]:
    """The parameters the `health` facet reads (the reporting cutoffs of the day)."""
    cutoffs = HealthCutoffs.on(now.date())
    return {"due_cut": cutoffs.due_on_or_before, "inactive_cut": cutoffs.inactive_on_or_before}


def _of(value: Any) -> Any:
    def pairs(ids: AnySelect) -> AnySelect:
        return select(Commitment.id, value).where(Commitment.id.in_(ids))

    return pairs


def _actors(ids: AnySelect) -> AnySelect:
    named = commitment_actors.c
    return (
        select(named.commitment_id, named.actor_id)
        .join(Actor, Actor.id == named.actor_id)
        .where(named.commitment_id.in_(ids), Actor.deleted_at.is_(None))
    )


def _actor_types(ids: AnySelect) -> AnySelect:
    named = commitment_actors.c
    return (
        select(named.commitment_id, Actor.type)
        .join(Actor, Actor.id == named.actor_id)
        .where(named.commitment_id.in_(ids))
    )


def _places(ids: AnySelect) -> AnySelect:
    tags = commitment_places.c
    return select(tags.commitment_id.label("item_id"), tags.place_code.label("code")).where(
        tags.commitment_id.in_(ids)
    )


def _terms(ids: AnySelect) -> AnySelect:
    tags = commitment_terms.c
    return select(tags.commitment_id.label("item_id"), tags.term_code.label("code")).where(
        tags.commitment_id.in_(ids)
    )


def _kinds(ids: AnySelect) -> AnySelect:
    tags = commitment_kinds.c
    return select(tags.commitment_id, tags.kind).where(tags.commitment_id.in_(ids))


def _statements(ids: AnySelect) -> AnySelect:
    """Source statements public now only: a hidden one is never named nor counted."""
    source = Commitment.source_statement_id
    return select(Commitment.id, source).where(
        Commitment.id.in_(ids), source.in_(statements_service.public_ids_query())
    )


def _regions(pairs: AnySelect) -> AnySelect:
    return taxonomy_service.place_closure(pairs, regions_only=True)


STATUS = Facet("status", _of(Commitment.implementation_status), own=("statuses",))
HEALTH_FACET = Facet("health", _of(HEALTH), own=("health",))
ACTOR_TYPE = Facet("actor_type", _actor_types, own=("actor_types",))
TERM = Facet(
    "term",
    _terms,
    own=("terms",),
    rollup=taxonomy_service.term_closure,
    labels=taxonomy_service.term_labels,
)

# Each facet's own filter is the list filter of the same values (`health`: `reporting_health`,
# `year`: `made_from`/`made_to`), so a value's count is the total of the list filtered by it.
COMMITMENT_FACETS = FacetSet(
    facets=(
        STATUS,
        HEALTH_FACET,
        Facet("actor", _actors, own=("actors",), labels=actors_service.labels),
        ACTOR_TYPE,
        Facet(
            "place",
            _places,
            own=("places",),
            rollup=taxonomy_service.place_closure,
            labels=taxonomy_service.place_labels,
        ),
        TERM,
        Facet("kind", _kinds, own=("kinds",)),
        Facet("year", _of(utc_year(Commitment.made_on)), own=("made_from", "made_to")),
        Facet("statement", _statements, own=("statement",), labels=statements_service.titles),
    ),
    ids=queries.matching_ids,
)

# The dashboard (GET /v1/commitments/summary): regions only, every value (no cap).
SUMMARY_FACETS = FacetSet(
    facets=(
        STATUS,
        HEALTH_FACET,
        ACTOR_TYPE,
        TERM,
        Facet("region", _places, own=("places",), rollup=_regions),
    ),
    ids=queries.matching_ids,
)
