"""Progress reports on commitments: dated, checked by the lifecycle rules, logged when public."""

from datetime import datetime

from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.auth.service import Principal
from app.commitments import editing
from app.commitments.lifecycle import ProgressReport, record_progress
from app.commitments.models import Commitment, ProgressUpdate
from app.commitments.publishing import COMMITMENTS
from app.commitments.write_schemas import ProgressIn, evidence_json
from app.db import touch


def report(
    session: Session,
    commitment: Commitment,
    data: ProgressIn,
    *,
    principal: Principal,
    now: datetime,
) -> ProgressUpdate:
    """A progress report through the lifecycle rules (refused changes are 409 problems).
    On live content it changes what the public sees at once, so it needs `content:publish`."""
    editing.require_publisher(principal, commitment, now)
    reporter = None
    if data.reporter is not None:
        reporter = actors_service.resolve_keys(session, [data.reporter], pointer="#/reporter")[0]
    update = record_progress(
        session,
        commitment,
        ProgressReport(
            reported_on=data.reported_on,
            status=data.status,
            reporter_actor_id=reporter,
            narrative=dict(data.narrative),
            evidence=evidence_json(data.evidence),
        ),
        today=now.date(),
    )
    touch(session, commitment, now)
    COMMITMENTS.edited(session, commitment, now)
    editing.record_audit(session, principal, "report_progress", commitment, now)
    return update
