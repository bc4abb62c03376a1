"""Counts for dashboards, under the same filters as the commitment list."""

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, case, distinct, func, select
from sqlalchemy.orm import Session

from app.actors.models import Actor
from app.commitments import queries
from app.commitments.lifecycle import HealthCutoffs
from app.commitments.models import (
    TERMINAL_STATUSES,
    Commitment,
    ReportingHealth,
    commitment_actors,
    commitment_places,
    commitment_terms,
)
from app.commitments.schemas import Bucket, CommitmentSummaryCounts
from app.commitments.service import CommitmentFilters, shape_and_params
from app.taxonomy import service as taxonomy_service


@lru_cache(maxsize=128)
def _statements(shape: queries.ListShape) -> dict[str, Select[Any]]:
    ids = queries.matching_ids(shape)
    basis = func.coalesce(Commitment.last_reported_on, Commitment.made_on)
    health = case(
        (Commitment.implementation_status.in_(sorted(TERMINAL_STATUSES)), ReportingHealth.CLOSED),
        (basis > bindparam("due_cut"), ReportingHealth.CURRENT),
        (basis > bindparam("inactive_cut"), ReportingHealth.DUE),
        else_=ReportingHealth.INACTIVE,
    )
    in_scope = Commitment.id.in_(ids)
    return {
        "by_status": select(Commitment.implementation_status, func.count())
        .where(in_scope)
        .group_by(Commitment.implementation_status),
        "by_reporting_health": select(health, func.count()).where(in_scope).group_by(health),
        "by_actor_type": select(Actor.type, func.count(distinct(commitment_actors.c.commitment_id)))
        .join(Actor, Actor.id == commitment_actors.c.actor_id)
        .where(commitment_actors.c.commitment_id.in_(ids))
        .group_by(Actor.type),
        "by_term": taxonomy_service.term_rollup(
            select(
                commitment_terms.c.commitment_id.label("item_id"),
                commitment_terms.c.term_code.label("code"),
            ).where(commitment_terms.c.commitment_id.in_(ids))
        ),
        "by_region": taxonomy_service.region_rollup(
            select(
                commitment_places.c.commitment_id.label("item_id"),
                commitment_places.c.place_code.label("code"),
            ).where(commitment_places.c.commitment_id.in_(ids))
        ),
    }


def summarize(
    session: Session, *, filters: CommitmentFilters, now: datetime, preview: bool = False
) -> CommitmentSummaryCounts:
    shape, params = shape_and_params(session, filters, "-made_on", now, preview)
    cutoffs = HealthCutoffs.on(now.date())
    params = {
        **params,
        "due_cut": cutoffs.due_on_or_before,
        "inactive_cut": cutoffs.inactive_on_or_before,
    }
    buckets: dict[str, list[Bucket]] = {}
    for name, statement in _statements(shape).items():
        rows = session.execute(statement, params).all()
        counted = [Bucket(key=str(key), count=count) for key, count in rows if count]
        buckets[name] = sorted(counted, key=lambda b: (-b.count, b.key))
    total = sum(bucket.count for bucket in buckets["by_status"])
    return CommitmentSummaryCounts(total=total, **buckets)
