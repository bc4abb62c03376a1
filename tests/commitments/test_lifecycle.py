"""Lifecycle rules, enforced by the service: status changes only through progress updates."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import InvalidParameters
from app.commitments.lifecycle import (
    InvalidStatusChange,
    ProgressReport,
    months_before,
    record_progress,
    reporting_health,
)
from app.commitments.models import (
    Commitment,
    ImplementationStatus,
    ProgressUpdate,
    ReportingHealth,
)
from tests.factories import make_commitment

S = ImplementationStatus
TODAY = date(2026, 11, 27)


def advance(session: Session, commitment: Commitment, *steps: tuple[str, S | None]) -> None:
    for day, status in steps:
        record_progress(
            session, commitment, ProgressReport(date.fromisoformat(day), status), today=TODAY
        )


@pytest.fixture
def commitment(session: Session) -> Commitment:
    return make_commitment(session, made_on=date(2024, 1, 10), due_on=date(2026, 6, 30))


class TestStatusChanges:
    def test_the_happy_path_to_fulfilled(self, session: Session, commitment: Commitment) -> None:
        advance(
            session,
            commitment,
            ("2024-03-01", S.PLANNING),
            ("2024-09-01", S.IN_PROGRESS),
            ("2025-02-01", None),
            ("2026-01-15", S.FULFILLED),
        )
        assert commitment.implementation_status is S.FULFILLED
        assert commitment.last_reported_on == date(2026, 1, 15)
        assert commitment.status_changed_on == date(2026, 1, 15)
        updates = session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.commitment_id == commitment.id)
            .order_by(ProgressUpdate.sequence)
        ).all()
        assert [(u.sequence, u.status_before, u.status) for u in updates] == [
            (1, S.ANNOUNCED, S.PLANNING),
            (2, S.PLANNING, S.IN_PROGRESS),
            (3, S.IN_PROGRESS, None),
            (4, S.IN_PROGRESS, S.FULFILLED),
        ]

    @pytest.mark.parametrize(
        "terminal", [S.FULFILLED, S.PARTIALLY_FULFILLED, S.NOT_FULFILLED, S.CANCELLED]
    )
    def test_terminal_statuses_accept_no_change(
        self, session: Session, commitment: Commitment, terminal: S
    ) -> None:
        advance(session, commitment, ("2024-03-01", S.IN_PROGRESS), ("2026-07-01", terminal))
        with pytest.raises(InvalidStatusChange) as refused:
            advance(session, commitment, ("2026-08-01", S.IN_PROGRESS))
        assert f"{terminal.value} cannot become in_progress" in refused.value.detail
        assert "terminal" in refused.value.detail
        assert refused.value.status == 409
        assert commitment.implementation_status is terminal

    def test_terminal_status_still_takes_a_narrative_report(
        self, session: Session, commitment: Commitment
    ) -> None:
        advance(session, commitment, ("2024-03-01", S.IN_PROGRESS), ("2026-07-01", S.FULFILLED))
        advance(session, commitment, ("2026-08-01", None))
        assert commitment.implementation_status is S.FULFILLED
        assert commitment.last_reported_on == date(2026, 8, 1)

    def test_suspended_returns_to_the_status_before_it(
        self, session: Session, commitment: Commitment
    ) -> None:
        advance(session, commitment, ("2024-03-01", S.PLANNING), ("2024-04-01", S.SUSPENDED))
        with pytest.raises(InvalidStatusChange):
            advance(session, commitment, ("2024-05-01", S.IN_PROGRESS))
        advance(session, commitment, ("2024-05-01", S.PLANNING))
        assert commitment.implementation_status is S.PLANNING
        assert commitment.status_before_suspension is None

    def test_skipping_ahead_is_refused(self, session: Session, commitment: Commitment) -> None:
        with pytest.raises(InvalidStatusChange):
            advance(session, commitment, ("2024-03-01", S.FULFILLED))
        assert commitment.implementation_status is S.ANNOUNCED

    def test_partial_fulfilment_is_judged_at_the_due_date(
        self, session: Session, commitment: Commitment
    ) -> None:
        advance(session, commitment, ("2024-03-01", S.IN_PROGRESS))
        with pytest.raises(InvalidStatusChange):
            advance(session, commitment, ("2026-06-29", S.PARTIALLY_FULFILLED))
        advance(session, commitment, ("2026-06-30", S.PARTIALLY_FULFILLED))
        assert commitment.implementation_status is S.PARTIALLY_FULFILLED


class TestReportDates:
    @pytest.mark.parametrize("day", ["2024-01-09", "2026-11-28"])
    def test_before_the_commitment_or_in_the_future(
        self, session: Session, commitment: Commitment, day: str
    ) -> None:
        with pytest.raises(InvalidParameters):
            advance(session, commitment, (day, S.PLANNING))

    def test_reports_are_appended_in_date_order(
        self, session: Session, commitment: Commitment
    ) -> None:
        advance(session, commitment, ("2024-06-01", S.PLANNING))
        with pytest.raises(InvalidParameters):
            advance(session, commitment, ("2024-05-01", None))


class TestReportingHealth:
    @pytest.mark.parametrize(
        ("last_report", "expected"),
        [
            (date(2025, 11, 28), ReportingHealth.CURRENT),  # a day under 12 months
            (date(2025, 11, 27), ReportingHealth.DUE),  # exactly 12 months
            (date(2025, 11, 26), ReportingHealth.DUE),  # a day over 12 months
            (date(2024, 11, 28), ReportingHealth.DUE),  # a day under 24 months
            (date(2024, 11, 27), ReportingHealth.INACTIVE),  # exactly 24 months
            (date(2024, 11, 26), ReportingHealth.INACTIVE),  # a day over 24 months
        ],
    )
    def test_boundaries(self, last_report: date, expected: ReportingHealth) -> None:
        assert reporting_health(S.IN_PROGRESS, last_report, date(2020, 1, 1), TODAY) is expected

    def test_without_a_report_the_commitment_date_counts(self) -> None:
        made = date(2024, 1, 1)
        assert reporting_health(S.ANNOUNCED, None, made, TODAY) is ReportingHealth.INACTIVE
        assert reporting_health(S.ANNOUNCED, None, date(2026, 1, 1), TODAY) is (
            ReportingHealth.CURRENT
        )

    def test_terminal_is_closed_however_old(self) -> None:
        old = date(2015, 1, 1)
        assert reporting_health(S.CANCELLED, old, old, TODAY) is ReportingHealth.CLOSED

    def test_month_arithmetic_clamps_to_the_month_end(self) -> None:
        assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)
        assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
        assert months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)
