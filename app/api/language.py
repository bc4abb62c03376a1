"""Language negotiation: `?lang=` wins over `Accept-Language`; the chain ends at the default."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request

from app.api.problems import FieldError, InvalidParameters
from app.config import Settings

V = TypeVar("V")
_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Language:
    """What the client asked for, resolved to a supported language."""

    requested: str
    default: str
    explicit: bool

    def pick(self, available: Mapping[str, V]) -> tuple[str, V] | None:
        """The best available entry: the requested language, then the default, then any."""
        for lang in (self.requested, self.default):
            if lang in available:
                return lang, available[lang]
        if not available:
            return None
        first = min(available)
        return first, available[first]


def parse_accept_language(header: str, supported: tuple[str, ...]) -> str | None:
    """Highest-weighted supported language in an `Accept-Language` header (RFC 9110 §12.5.4)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                continue
        if weight <= 0 or not tag:
            continue
        primary = tag.split("-", 1)[0]
        match = tag if tag in supported else primary if primary in supported else None
        if match is None and tag == "*":
            match = supported[0]
        if match and (best is None or (weight, -position) > (best[0], best[1])):
            best = (weight, -position, match)
    return best[2] if best else None


async def negotiate_language(
    request: Request,
    lang: Annotated[
        str | None,
        Query(
            max_length=35,
            description="Language to serve (BCP 47). Wins over `Accept-Language`.",
            examples=["fr"],
        ),
    ] = None,
) -> Language:
    settings: Settings = request.app.state.settings
    supported = settings.languages
    if lang is not None:
        normalized = lang.lower()
        if not _TAG.match(lang) or normalized not in supported:
            raise InvalidParameters(
                "This language is not served.",
                errors=[
                    FieldError(
                        detail="Unsupported language; use one of the allowed values.",
                        parameter="lang",
                        allowed=list(supported),
                    )
                ],
            )
        return Language(requested=normalized, default=settings.default_language, explicit=True)
    header = request.headers.get("accept-language", "")
    negotiated = parse_accept_language(header, supported) if header else None
    return Language(
        requested=negotiated or settings.default_language,
        default=settings.default_language,
        explicit=False,
    )


LanguageDep = Annotated[Language, Depends(negotiate_language)]
