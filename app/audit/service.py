"""Recording writes in the audit log, in the writer's transaction."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.ids import new_id


def record(
    session: Session,
    *,
    key_id: str,
    action: str,
    resource_type: str,
    resource_id: str,
    at: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            id=new_id("aud"),
            key_id=key_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            at=at,
            details=details or {},
        )
    )
