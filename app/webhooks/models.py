"""Subscriptions, their messages (one per change-log event) and every delivery attempt."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

SUBSCRIPTION_PREFIX = "whk"


class WebhookSubscription(Base):
    """Where to send which events. `last_seq` is the outbox cursor: the change-log position up
    to which messages have been made for this subscription (the change log itself is written
    in the same transaction as every public change, so it is the transactional outbox)."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    event_types: Mapped[list[str]]
    lang: Mapped[str | None] = mapped_column(String(35))
    description: Mapped[str | None] = mapped_column(String(500))
    paused: Mapped[bool] = mapped_column(default=False)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # Signing secrets are derived (HMAC of the server secret key and this random seed), never
    # stored: a copy of the database alone cannot sign or verify anything.
    secret_seed: Mapped[str] = mapped_column(String(64))
    previous_secret_seed: Mapped[str | None] = mapped_column(String(64))
    previous_secret_until: Mapped[datetime | None]
    last_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config


class WebhookMessage(Base):
    """One logical delivery: its id is the `webhook-id` every attempt repeats."""

    __tablename__ = "webhook_messages"
    __table_args__ = (
        Index("ix_webhook_messages_subscription", "subscription_id", "created_at", "id"),
        # The worker's scan: what is due, soonest first.
        Index("ix_webhook_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    seq: Mapped[int | None] = mapped_column(BigInteger)  # None for a test ping
    event_type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and sent, every attempt
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)
    # Failures since the last success or redelivery: the step of the retry schedule reached.
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """One try at sending a message: what came back, how long it took, what happens next."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_message", "message_id", "number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"))
    number: Mapped[int]
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(64))  # the failure's class, never its text
    next_attempt_at: Mapped[datetime | None]
