"""Shapes of webhook subscriptions and their delivery log (the secret appears only once)."""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, JsonValue

from app.api.schemas import Schema
from app.api.text import Input, LangTag, LongText, WebUrl


class EventType(StrEnum):
    STATEMENT = "statement"
    COMMITMENT = "commitment"
    MENU = "menu"


EventTypes = list[EventType]
_TYPES = Field(
    min_length=1,
    max_length=len(EventType),
    description="Which resources' changes to send: `statement`, `commitment`, `menu`.",
)
_LANG = Field(
    default=None,
    description="Send changes as a reader of this language sees them (an item leaving it is "
    "a `delete` with reason `filtered_out`); null: every language.",
)
_SUBSCRIPTION_EXAMPLE: dict[str, JsonValue] = {
    "url": "https://partner.example.org/hooks/newsroom",
    "event_types": ["statement"],
    "lang": "fr",
    "description": "French mirror",
}


class SubscriptionCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUBSCRIPTION_EXAMPLE]})

    url: WebUrl = Field(description="Where to POST events (https, or http).")
    event_types: EventTypes = _TYPES
    lang: LangTag | None = _LANG
    paused: bool = Field(default=False, description="Created paused: nothing is sent yet.")
    description: LongText | None = None


class SubscriptionUpdate(Input):
    """Only the fields sent change. `paused: false` also re-enables a disabled subscription."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"paused": True}]})

    url: WebUrl | None = None
    event_types: EventTypes | None = Field(default=None, min_length=1, max_length=3)
    lang: LangTag | None = _LANG
    paused: bool | None = None
    description: LongText | None = None


class SubscriptionRead(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "whk_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    **_SUBSCRIPTION_EXAMPLE,
                    "status": "active",
                    "paused": False,
                    "disabled_at": None,
                    "disabled_reason": None,
                    "last_seq": 1042,
                    "previous_secret_expires_at": None,
                    "owner_key_id": "key_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "created_at": "2026-12-03T10:00:00Z",
                    "updated_at": "2026-12-03T10:00:00Z",
                }
            ]
        }
    )

    id: str
    url: str
    event_types: list[str]
    lang: str | None
    description: str | None
    status: Literal["active", "paused", "disabled"]
    paused: bool
    disabled_at: datetime | None
    disabled_reason: str | None = Field(description="Why the worker disabled it, if it did.")
    last_seq: int = Field(description="The change-log position messages have been made up to.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation still signs (alongside)."
    )
    owner_key_id: str
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="The `whsec_` signing secret. Shown this once; store it now.")


class SecretRotated(Schema):
    secret: str = Field(description="The new `whsec_` secret. Shown this once; store it now.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until then every message carries a signature with each secret."
    )


class DeliveryRead(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "msg_01j0c3d2e8f7g6h5j4k3m2n1p0_1043",
                    "event_type": "statement.upsert",
                    "seq": 1043,
                    "status": "delivered",
                    "attempts": 3,
                    "next_attempt_at": None,
                    "created_at": "2026-12-03T10:00:00Z",
                    "delivered_at": "2026-12-03T10:05:09Z",
                    "payload": {
                        "type": "statement.upsert",
                        "timestamp": "2026-12-03T10:00:00Z",
                        "data": {"seq": 1043, "type": "statement", "id": "stm_01j0c3d2e8f7g6"},
                    },
                }
            ]
        }
    )

    id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: str
    seq: int | None = Field(description="The change-feed sequence number (null for a ping).")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any] = Field(description="The JSON body sent (and signed).")


class AttemptRead(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "att_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "number": 1,
                    "attempted_at": "2026-12-03T10:00:01Z",
                    "status_code": 500,
                    "duration_ms": 84,
                    "error": None,
                    "next_attempt_at": "2026-12-03T10:00:04Z",
                }
            ]
        }
    )

    id: str
    number: int
    attempted_at: datetime
    status_code: int | None = Field(description="The target's HTTP status; null if none came.")
    duration_ms: int
    error: str | None = Field(description="What failed when no answer came (`ConnectError`, …).")
    next_attempt_at: datetime | None
