"""Language negotiation: RFC 4647 "lookup" of the reader's preferences over the served languages.

`?lang=` wins over `Accept-Language` and stands alone when given. Each preference is matched by
truncation (`fr-CA` finds `fr`), so the reader's wishes become an ordered list of served
languages; an item is then served in the first of those it has, else in the default language,
else in any language it has, and says it fell back whenever that is not the first preference.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request

from app.api.problems import FieldError, InvalidParameters
from app.config import Settings

V = TypeVar("V")
MAX_TAG_LENGTH = 35
MAX_ACCEPT_ITEMS = 32  # a longer header is cut short rather than parsed at length
_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_QUALITY = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)

_LANG_DESCRIPTION = (
    "Language to serve (BCP 47); wins over `Accept-Language`. A more specific tag is looked up "
    "by truncation (RFC 4647): `fr-CA` serves `fr`. A language that is not served is a 422 "
    "listing the served ones."
)


@dataclass(frozen=True)
class Language:
    """The reader's served languages, best first, and how to choose among an item's languages."""

    preferences: tuple[str, ...]  # served languages, never empty; the default when nothing matched
    default: str
    served: tuple[str, ...]
    explicit: bool = False  # chosen with `?lang=`

    @property
    def requested(self) -> str:
        """The first preference: what `fallback.requested_lang` and a list's language report."""
        return self.preferences[0]

    def led_by(self, lang: str) -> "Language":
        """The same reader, with `lang` (e.g. the language of a slug or a path) put first."""
        return replace(self, preferences=(lang, *(p for p in self.preferences if p != lang)))

    def pick(self, available: Mapping[str, V]) -> tuple[str, V] | None:
        """The best entry: the first preference it has, then the default, then any language."""
        for lang in (*self.preferences, self.default, *self.served):
            if lang in available:
                return lang, available[lang]
        if not available:
            return None
        first = min(available)
        return first, available[first]

    def askable(self, langs: Iterable[str]) -> list[str]:
        """Those of `langs` a client can ask for (`available_langs`): the served ones, sorted."""
        return sorted(lang for lang in set(langs) if lang in self.served)


def lookup(tag: str, served: tuple[str, ...]) -> str | None:
    """RFC 4647 §3.4 lookup of one language range: the served tag it truncates to, if any."""
    by_lower = {lang.lower(): lang for lang in served}
    subtags = tag.lower().split("-")
    while subtags:
        match = by_lower.get("-".join(subtags))
        if match is not None:
            return match
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:  # never end on a singleton such as `x`
            subtags.pop()
    return None


def parse_accept_language(header: str, served: tuple[str, ...], default: str) -> tuple[str, ...]:
    """The served languages an `Accept-Language` header asks for, best first (RFC 9110 §12.5.4).

    Higher q-values first, ties in header order; `q=0` refuses a language, also for `*`; `*`
    stands for every served language not named otherwise (the default first). Malformed
    entries are skipped, as RFC 9110 lets a recipient do.
    """
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:MAX_ACCEPT_ITEMS]):
        tag, *params = (piece.strip() for piece in part.split(";"))
        if not tag or (tag != "*" and not _TAG.fullmatch(tag)) or len(tag) > MAX_TAG_LENGTH:
            continue
        quality = 1.0
        for param in params:
            if param.lower().startswith("q"):
                matched = _QUALITY.fullmatch(param.replace(" ", ""))
                quality = float(matched.group(1)) if matched else -1.0
        if quality >= 0:
            weighted.append((quality, position, tag))
    weighted.sort(key=lambda entry: (-entry[0], entry[1]))
    refused = {lookup(tag, served) for quality, _, tag in weighted if quality == 0}
    named = {lookup(tag, served) for _, _, tag in weighted}
    wildcard = [default, *(lang for lang in served if lang != default)]
    preferences: list[str] = []
    for quality, _, tag in weighted:
        if quality == 0:
            continue
        if tag == "*":
            matches = [lang for lang in wildcard if lang not in named and lang not in refused]
        else:
            match = lookup(tag, served)
            matches = [match] if match is not None else []
        preferences.extend(lang for lang in matches if lang not in preferences)
    return tuple(preferences)


def lang_parameter_schema(served: tuple[str, ...]) -> dict[str, Any]:
    """The documented schema of `?lang=`: exactly the values the server accepts.

    A served tag, in any letter case, optionally followed by more subtags (which lookup drops).
    An enum of the served tags would document `fr-CA`, which is served, as invalid.
    """
    spelled = (
        "-".join(
            "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in sub)
            for sub in lang.split("-")
        )
        for lang in served
    )
    return {
        "type": "string",
        "maxLength": MAX_TAG_LENGTH,
        "pattern": f"^(?:{'|'.join(spelled)})(?:-[A-Za-z0-9]{{1,8}})*$",
        "examples": list(served),
    }


def document_lang_parameter(openapi: dict[str, Any], served: tuple[str, ...]) -> None:
    """Give every `lang` query parameter of an OpenAPI document the served languages."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "lang" and parameter.get("in") == "query":
                    parameter["schema"] = lang_parameter_schema(served)
                    described = parameter.get("description", _LANG_DESCRIPTION)
                    if described not in (_LANG_DESCRIPTION, _FILTER_DESCRIPTION):
                        described = _LANG_DESCRIPTION
                    parameter["description"] = f"{described} Served languages: {', '.join(served)}."
                    parameter.pop("examples", None)


async def negotiate_language(
    request: Request,
    lang: Annotated[str | None, Query(description=_LANG_DESCRIPTION)] = None,
) -> Language:
    settings: Settings = request.app.state.settings
    served = settings.languages
    default = settings.default_language
    if lang is not None:
        match = negotiated_tag(lang, served)
        return Language(preferences=(match,), default=default, served=served, explicit=True)
    header = request.headers.get("accept-language", "")
    preferences = parse_accept_language(header, served, default) if header else ()
    return Language(preferences=preferences or (default,), default=default, served=served)


LanguageDep = Annotated[Language, Depends(negotiate_language)]

_FILTER_DESCRIPTION = (
    "Only items that have a translation in this language (looked up by truncation: `fr-CA` "
    "means `fr`); an item that loses it leaves the filter."
)


async def language_filter(
    request: Request,
    lang: Annotated[str | None, Query(description=_FILTER_DESCRIPTION)] = None,
) -> str | None:
    """`?lang=` as a filter (the change feed, exports): a served language, never negotiated
    from `Accept-Language`, since a filter must not change with the reader's browser."""
    if lang is None:
        return None
    settings: Settings = request.app.state.settings
    return negotiated_tag(lang, settings.languages)


def negotiated_tag(lang: str, served: tuple[str, ...]) -> str:
    match = lookup(lang, served) if len(lang) <= MAX_TAG_LENGTH and _TAG.fullmatch(lang) else None
    if match is None:
        raise InvalidParameters(
            "This language is not served.",
            errors=[
                FieldError(
                    detail="Unsupported language; use one of the allowed values.",
                    parameter="lang",
                    allowed=list(served),
                )
            ],
        )
    return match


LanguageFilterDep = Annotated[str | None, Depends(language_filter)]
