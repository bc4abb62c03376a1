"""The audit log table."""

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(32))
    resource_type: Mapped[str] = mapped_column(String(32))
    # Ids (32) and topic slugs (64).
    resource_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
    details: Mapped[dict[str, Any]]
