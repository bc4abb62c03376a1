"""Counts for dashboards, under the same filters as the commitment list: the facet engine's
counts (app/api/facets.py) in the dashboard's buckets."""

from datetime import datetime

from sqlalchemy.orm import Session

from app.api.facets import count_values
from app.commitments.facets import SUMMARY_FACETS, health_params
from app.commitments.schemas import Bucket, CommitmentSummaryCounts
from app.commitments.service import CommitmentFilters, shape_and_params

BUCKETS = {
    "by_status": "status",
    "by_reporting_health": "health",
    "by_actor_type": "actor_type",
    "by_term": "term",
    "by_region": "region",
}


def summarize(
    session: Session, *, filters: CommitmentFilters, now: datetime, preview: bool = False
) -> CommitmentSummaryCounts:
    """One query per bucket list; every value, most frequent first (then by key)."""
    shape, params = shape_and_params(session, filters, "-made_on", now, preview)
    params = {**params, **health_params(now)}
    buckets: dict[str, list[Bucket]] = {}
    for bucket, facet in BUCKETS.items():
        counted = count_values(
            session, SUMMARY_FACETS, facet, shape=shape, params=params, limit=None
        )
        found = [Bucket(key=c.value, count=c.count) for c in counted if c.count]
        buckets[bucket] = sorted(found, key=lambda b: (-b.count, b.key))
    total = sum(bucket.count for bucket in buckets["by_status"])
    return CommitmentSummaryCounts(total=total, **buckets)
