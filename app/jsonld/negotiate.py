"""Choosing between JSON and JSON-LD, and what both representations then have in common.

An `Accept` that names neither keeps JSON (RFC 9110 lets a server ignore what it cannot
satisfy; a client that asks for HTML still gets something it can read), so no 406 is sent.
"""

import json
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import Query
from starlette.requests import Request

from app.api.responses import Encoded, Fresh

MEDIA_TYPE = "application/ld+json"
VARY = "Accept, Accept-Language"
CONTEXT = "https://schema.org"
MAX_ACCEPT_ITEMS = 32

FormatQuery = Annotated[
    Literal["json", "jsonld"] | None,
    Query(
        description="`jsonld` for the schema.org JSON-LD representation (`application/ld+json`), "
        "as `Accept: application/ld+json` asks; `json` for the plain one. Wins over `Accept`."
    ),
]


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def prefers_jsonld(accept: str) -> bool:
    """Whether `Accept` ranks `application/ld+json` above plain JSON.

    On a tie, a type named exactly beats one matched by a wildcard, and between the two exact
    types JSON (the default) wins.
    """
    best: dict[str, tuple[float, int]] = {"ld": (0.0, 0), "json": (0.0, 0)}
    for part in accept.split(",")[:MAX_ACCEPT_ITEMS]:
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        quality = _quality(params)
        if media == MEDIA_TYPE:
            best["ld"] = max(best["ld"], (quality, 2))
        elif media == "application/json":
            best["json"] = max(best["json"], (quality, 2))
        elif media in ("application/*", "*/*"):
            best["json"] = max(best["json"], (quality, 1))
    return best["ld"][0] > 0 and best["ld"] > best["json"]


def wanted(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "jsonld"
    return prefers_jsonld(request.headers.get("accept", ""))


def variant(jsonld: bool) -> str:
    """The response cache's name for the representation (one URL, two bodies)."""
    return "jsonld" if jsonld else ""


def varying(fresh: Fresh) -> Fresh:
    """Either representation depends on `Accept` as well as the language."""
    return replace(fresh, headers={**fresh.headers, "Vary": VARY})


def document(fresh: Fresh, body: dict[str, Any], lang: str) -> Fresh:
    data = json.dumps({"@context": CONTEXT, **body}, ensure_ascii=False, separators=(",", ":"))
    return varying(replace(fresh, payload=Encoded(data.encode(), MEDIA_TYPE, lang=lang)))


def response_doc(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The JSON-LD media type of a route's 200 response, with its example."""
    return {
        200: {
            "content": {
                MEDIA_TYPE: {
                    "schema": {"type": "object", "additionalProperties": True},
                    "example": {"@context": CONTEXT, **example},
                }
            }
        }
    }
