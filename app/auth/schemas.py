"""Shapes of API keys as administrators see them (never with a secret, but once)."""

from datetime import datetime

from pydantic import ConfigDict, Field

from app.api.schemas import Schema
from app.api.text import Input, Moment, Name
from app.auth.models import Scope


class ApiKeyCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Partner: ReliefWeb mirror", "scopes": ["content:preview"]}]
        },
    )

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: Moment | None = Field(
        default=None,
        description="When the key stops working: with a time zone, and in the future.",
    )
    rate_limit: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Requests this key may make per rate-limit window; null: the default.",
    )


class ApiKeyRead(Schema):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "key_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "prefix": "nwsk_key_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "name": "Editorial tool",
                    "scopes": ["statements:write", "content:publish"],
                    "created_at": "2026-11-27T10:00:00Z",
                    "expires_at": None,
                    "revoked_at": None,
                    "last_used_at": None,
                    "rate_limit": None,
                }
            ]
        },
    )

    id: str
    prefix: str = Field(description="The token's visible start, to recognize it in a vault.")
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    rate_limit: int | None = Field(
        description="Requests per rate-limit window for this key; null: the configured default."
    )


class ApiKeyCreated(ApiKeyRead):
    token: str = Field(description="The secret token. Shown this once; store it now.")
