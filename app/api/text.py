"""Input hygiene, written once: the text rule every string obeys (path, query, headers and body),
the annotated types every write schema builds on, and rich text cut down to a small allowlist by a
maintained sanitizer (nh3, i.e. Ammonia). `app.api.hygiene` applies the same rule to the parts of
a request that no schema sees."""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Annotated

import nh3
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    HttpUrl,
    StringConstraints,
    UrlConstraints,
)

# C0 controls but tab, newline and carriage return; DEL; C1 controls; lone surrogates (which no
# encoder accepts). NUL among them: psycopg refuses it, so it would be a 500 on PostgreSQL only.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_DETAIL = "Control characters (such as NUL) and lone surrogates are not allowed."


def text_is_clean(value: str) -> bool:
    """The one rule: no control characters, no NUL, no lone surrogates."""
    return _FORBIDDEN.search(value) is None


def clean_text(value: str) -> str:
    """`value` in NFC; ValueError if it breaks the rule."""
    if not text_is_clean(value):
        raise ValueError(CONTROL_DETAIL)
    return unicodedata.normalize("NFC", value)


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


# --- Rich text -------------------------------------------------------------------------------

INLINE_TAGS = {"a", "abbr", "b", "br", "cite", "code", "em", "i", "q", "strong", "sub", "sup"}
INLINE_ATTRIBUTES = {"a": {"href", "hreflang"}, "abbr": {"title"}, "q": {"cite"}}
URL_ATTRIBUTES = {"href", "cite", "src"}
URL_SCHEMES = {"http", "https", "mailto"}
# What a browser ignores when it reads a URL: leading and trailing C0 controls and spaces, and
# tabs and newlines anywhere (so `java\tscript:` is `javascript:` to it, and to us).
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def url_is_allowed(value: str) -> bool:
    """A relative URL, or an absolute one with an allowlisted scheme (any case)."""
    seen = _URL_INSIDE.sub("", value.strip(_URL_EDGES))
    scheme = _SCHEME.match(seen)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _filter_attribute(_element: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES and not url_is_allowed(value):
        return None
    return value


def _clean_html(value: str) -> str:
    return nh3.clean(
        value,
        tags=INLINE_TAGS,
        attributes=INLINE_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def sanitize_html(value: str) -> str:
    """Inline HTML reduced to the allowlist: scripts, event handlers, iframes and SVG are
    removed, every URL attribute (`href`, `cite`, `src`) keeps only allowlisted schemes, and
    links get `rel="noopener noreferrer"`. Idempotent: cleaning is repeated until the output is
    stable (HTML parsing can rearrange a malformed fragment once more on a second pass)."""
    cleaned = _clean_html(value)
    for _ in range(3):
        again = _clean_html(cleaned)
        if again == cleaned:
            return cleaned
        cleaned = again
    return cleaned


def _sanitize_rich(value: str) -> str:
    # Again through the text rule: character references decode (`&#1;` is a control character,
    # `e&#769;` is not in NFC) once the sanitizer has parsed them.
    cleaned = clean_text(sanitize_html(value)).strip()
    if not cleaned:
        raise ValueError("Nothing is left once the markup is sanitized.")
    return cleaned


# --- Languages -------------------------------------------------------------------------------

_served: ContextVar[frozenset[str] | None] = ContextVar("served_languages", default=None)


@contextmanager
def serving(languages: Iterable[str]) -> Iterator[None]:
    """Within it, language keys in bodies must be one of `languages` (set per request by
    `app.api.hygiene`, since schemas cannot see the settings). Outside, any well-formed tag."""
    token = _served.set(frozenset(languages))
    try:
        yield
    finally:
        _served.reset(token)


def _served_language(value: str) -> str:
    served = _served.get()
    if served is not None and value not in served:
        raise ValueError(f"This language is not served; use one of: {', '.join(sorted(served))}.")
    return value


# --- Dates -----------------------------------------------------------------------------------

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def _sane_year(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Dates must fall between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value


# --- Menu routes -----------------------------------------------------------------------------


def _relative_route(value: str) -> str:
    if value.startswith("//") or "//" in value:
        raise ValueError("A route is a path on this site: one leading `/`, no empty segment.")
    if any(segment in (".", "..") for segment in value.split("/")):
        raise ValueError("A route may not contain `.` or `..` segments.")
    return value


# --- The types write schemas use -------------------------------------------------------------


class Input(BaseModel):
    """Base of every request body: unknown fields are refused and numbers must be finite
    (Python's JSON parser reads `NaN` and `Infinity`, which PostgreSQL's JSON refuses)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Title = Annotated[str, BeforeValidator(_clean), _text(300)]
ShortText = Annotated[str, BeforeValidator(_clean), _text(120)]
Name = Annotated[str, BeforeValidator(_clean), _text(100)]
Note = Annotated[str, BeforeValidator(_clean), _text(1000)]
LongText = Annotated[str, BeforeValidator(_clean), _text(4000)]
RichText = Annotated[str, BeforeValidator(_clean), _text(20000), AfterValidator(_sanitize_rich)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9:._-]{1,64}$")]
LangTag = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35),
    AfterValidator(_served_language),
]
Day = Annotated[date, AfterValidator(_sane_year)]
Moment = Annotated[AwareDatetime, AfterValidator(_sane_year)]
Route = Annotated[
    str,
    StringConstraints(pattern=r"^/[A-Za-z0-9/_.~-]*$", max_length=300),
    AfterValidator(_relative_route),
]


def _stored_url_fits(value: HttpUrl) -> HttpUrl:
    # Checked again once normalized: percent-encoding can make a URL longer than it was sent.
    if len(str(value)) > MAX_URL_LENGTH:
        raise ValueError(f"URL should have at most {MAX_URL_LENGTH} characters once encoded.")
    return value


MAX_URL_LENGTH = 500  # the URL columns' size
WebUrl = Annotated[
    HttpUrl, UrlConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_stored_url_fits)
]
HttpsUrl = Annotated[
    HttpUrl,
    UrlConstraints(max_length=MAX_URL_LENGTH, allowed_schemes=["https"]),
    AfterValidator(_stored_url_fits),
]
