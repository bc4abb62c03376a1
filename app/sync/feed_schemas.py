"""The change feed's representation."""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

WITHDRAWAL_EXAMPLE: JsonDict = {
    "seq": 44,
    "type": "commitment",
    "id": "cmt_01jd6k2m8v3q4r5s6t7u8v9w0y",
    "op": "delete",
    "reason": "withdrawn",
    "note": "Published in error.",
    "version": 5,
    "at": "2026-12-03T09:05:00Z",
    "url": "https://api.example.org/v1/commitments/cmt_01jd6k2m8v3q4r5s6t7u8v9w0y",
}


class ChangeType(StrEnum):
    STATEMENT = "statement"
    COMMITMENT = "commitment"
    MENU = "menu"


class ChangeEvent(BaseModel):
    """One change to public content, as the reader's filter sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [WITHDRAWAL_EXAMPLE]})

    seq: int = Field(description="Position in the feed: strictly increasing, with gaps.")
    type: ChangeType
    id: str = Field(description="The item's id (a menu's key).")
    op: Literal["upsert", "delete"] = Field(
        description="`upsert`: fetch `url` and store it. `delete`: drop the item."
    )
    reason: Literal["unpublished", "withdrawn", "deleted", "filtered_out"] | None = Field(
        description="Why a `delete`: `filtered_out` means the item left this reader's filter "
        "(e.g. lost its translation under `lang`), not that it left public view."
    )
    note: str | None = Field(description="A withdrawal's public note.")
    version: int = Field(
        description="The item's version after the change. An upsert may repeat a version when "
        "only something embedded changed (a cited statement's visibility): fetch anyway."
    )
    at: datetime = Field(description="When the change took effect (a go-live: its time).")
    url: str = Field(description="The item in the public API.")


class ChangePage(BaseModel):
    """Events after `after`, oldest first. Go on with `after=next_after`; you have caught up
    when `next_after` equals `latest_seq`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "seq": 41,
                            "type": "statement",
                            "id": "stm_01jd6k2m8v3q4r5s6t7u8v9w0x",
                            "op": "upsert",
                            "reason": None,
                            "note": None,
                            "version": 3,
                            "at": "2026-12-03T09:00:00Z",
                            "url": "https://api.example.org/v1/statements/stm_01jd6k2m8v3q4r5s6t7u8v9w0x",
                        },
                        WITHDRAWAL_EXAMPLE,
                    ],
                    "next_after": 44,
                    "latest_seq": 44,
                }
            ]
        }
    )

    items: list[ChangeEvent]
    next_after: int = Field(description="The `after` of the next request (past skipped entries).")
    latest_seq: int = Field(description="The newest position in the feed, whatever the filter.")
