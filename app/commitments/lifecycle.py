"""The commitment lifecycle: status changes only through progress updates, and reporting health.

    announced -> planning -> in_progress -> fulfilled | partially_fulfilled | not_fulfilled
    any non-terminal status -> suspended -> (back to the status before) | cancelled
    any non-terminal status -> cancelled

Terminal statuses (fulfilled, partially_fulfilled, not_fulfilled, cancelled) accept no further
status change; a report without a status change (narrative, evidence) is still accepted.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.problems import Conflict, FieldError, InvalidParameters
from app.cdn import models as cdn
from app.changes import service as changes_service
from app.commitments.models import (
    TERMINAL_STATUSES,
    UPDATE_ID_PREFIX,
    Commitment,
    ImplementationStatus,
    ProgressUpdate,
    ReportingHealth,
)
from app.ids import new_id

S = ImplementationStatus
FORWARD: dict[ImplementationStatus, frozenset[ImplementationStatus]] = {
    S.ANNOUNCED: frozenset({S.PLANNING, S.IN_PROGRESS, S.SUSPENDED, S.CANCELLED}),
    S.PLANNING: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset(
        {S.FULFILLED, S.PARTIALLY_FULFILLED, S.NOT_FULFILLED, S.SUSPENDED, S.CANCELLED}
    ),
    S.SUSPENDED: frozenset({S.CANCELLED}),  # plus the status it was suspended from
}
JUDGED_AT_DUE_DATE = frozenset({S.PARTIALLY_FULFILLED, S.NOT_FULFILLED})


class InvalidStatusChange(Conflict):
    slug = "invalid-status-change"
    title = "This status change is not allowed"
    description = (
        "A commitment's implementation status moves only along its lifecycle (announced, "
        "planning, in progress, then a final status), and some final statuses can only be "
        "reported once the due date has come. `detail` names what is allowed."
    )


def allowed_next(commitment: Commitment) -> frozenset[ImplementationStatus]:
    current = commitment.implementation_status
    if current in TERMINAL_STATUSES:
        return frozenset()
    allowed = FORWARD[current]
    if current is S.SUSPENDED and commitment.status_before_suspension is not None:
        allowed = allowed | {commitment.status_before_suspension}
    return allowed


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (31 March -> 28/29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class HealthCutoffs:
    """Last-report dates on or before these are due, or inactive, respectively."""

    due_on_or_before: date
    inactive_on_or_before: date

    @classmethod
    def on(cls, today: date) -> "HealthCutoffs":
        return cls(months_before(today, 12), months_before(today, 24))


def reporting_health(
    status: ImplementationStatus,
    last_reported_on: date | None,
    made_on: date,
    today: date,
) -> ReportingHealth:
    """current under 12 months since the last report (or since it was made), due from 12 months,
    inactive from 24 months; closed once the status is terminal."""
    if status in TERMINAL_STATUSES:
        return ReportingHealth.CLOSED
    basis = last_reported_on or made_on
    cutoffs = HealthCutoffs.on(today)
    if basis <= cutoffs.inactive_on_or_before:
        return ReportingHealth.INACTIVE
    if basis <= cutoffs.due_on_or_before:
        return ReportingHealth.DUE
    return ReportingHealth.CURRENT


@dataclass(frozen=True)
class ProgressReport:
    reported_on: date
    status: ImplementationStatus | None = None
    reporter_actor_id: str | None = None
    narrative: dict[str, str] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)


def _invalid_date(detail: str) -> InvalidParameters:
    return InvalidParameters(
        "The report's date is not possible.",
        errors=[FieldError(pointer="#/reported_on", detail=detail)],
    )


def record_progress(
    session: Session, commitment: Commitment, report: ProgressReport, *, today: date
) -> ProgressUpdate:
    """Append a progress update and apply its status change, or refuse with a problem."""
    last = session.execute(
        select(func.max(ProgressUpdate.sequence), func.max(ProgressUpdate.reported_on)).where(
            ProgressUpdate.commitment_id == commitment.id
        )
    ).one()
    last_sequence, last_reported = last[0] or 0, last[1]
    if report.reported_on > today:
        raise _invalid_date("A progress report cannot be dated in the future.")
    if report.reported_on < commitment.made_on:
        raise _invalid_date("A progress report cannot precede the commitment.")
    if last_reported is not None and report.reported_on < last_reported:
        raise _invalid_date("Progress reports are appended in date order.")

    before = commitment.implementation_status
    new_status = report.status if report.status != before else None
    if new_status is not None:
        if new_status not in allowed_next(commitment):
            allowed = ", ".join(sorted(allowed_next(commitment))) or "none (terminal status)"
            raise InvalidStatusChange(
                f"A commitment that is {before.value} cannot become {new_status.value}; "
                f"allowed: {allowed}."
            )
        if (
            new_status in JUDGED_AT_DUE_DATE
            and commitment.due_on is not None
            and report.reported_on < commitment.due_on
        ):
            raise InvalidStatusChange(
                f"{new_status.value} can only be reported on or after the due date."
            )
        commitment.status_before_suspension = before if new_status is S.SUSPENDED else None
        commitment.implementation_status = new_status
        commitment.status_changed_on = report.reported_on

    update = ProgressUpdate(
        id=new_id(UPDATE_ID_PREFIX),
        commitment_id=commitment.id,
        sequence=last_sequence + 1,
        reported_on=report.reported_on,
        reporter_actor_id=report.reporter_actor_id,
        status_before=before,
        status=new_status,
        narrative=report.narrative,
        evidence=report.evidence,
    )
    session.add(update)
    commitment.last_reported_on = report.reported_on
    session.flush()
    cdn.enqueue(session, [commitment.id, "commitments"], changes_service.bump(session))
    return update
