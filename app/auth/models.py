"""The API keys table. Only a keyed hash of each secret is stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

TOKEN_PREFIX = "nwsk"
ID_PREFIX = "key"


class Scope(StrEnum):
    STATEMENTS_WRITE = "statements:write"
    COMMITMENTS_WRITE = "commitments:write"
    NAVIGATION_WRITE = "navigation:write"
    TAXONOMIES_WRITE = "taxonomies:write"
    CONTENT_PUBLISH = "content:publish"
    CONTENT_PREVIEW = "content:preview"
    KEYS_ADMIN = "keys:admin"
    WEBHOOKS_MANAGE = "webhooks:manage"
    METRICS_READ = "metrics:read"


class ApiKey(Base):
    __tablename__ = "api_keys"

    # `key_<26 chars>`, the public part of the token (`nwsk_<id>_<secret>`); safe to log and
    # to show.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]]
    # HMAC-SHA256(server secret, token secret), hex. Fast on purpose: secrets are 256 random
    # bits, so a slow hash would only make every request slower.
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    # Requests per rate-limit window for this key; None: the configured default.
    rate_limit: Mapped[int | None]
