"""Input hygiene for everything users write: NFC, no control characters, bounded lengths, and
rich text cut down to a small allowlist by a maintained sanitizer (nh3, i.e. Ammonia)."""

import re
import unicodedata
from typing import Annotated

import nh3
from pydantic import AfterValidator, BeforeValidator, StringConstraints

# C0 controls but tab, newline and carriage return; DEL; C1 controls. NUL among them: psycopg
# refuses it, so without this check it would be a 500 on PostgreSQL only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INLINE_TAGS = {"a", "abbr", "b", "br", "cite", "code", "em", "i", "q", "strong", "sub", "sup"}
INLINE_ATTRIBUTES = {"a": {"href", "hreflang"}, "abbr": {"title"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _clean(value: object) -> object:
    if not isinstance(value, str):
        return value
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL) are not allowed")
    return unicodedata.normalize("NFC", value)


def sanitize_html(value: str) -> str:
    """Inline HTML reduced to the allowlist: scripts, event handlers, `javascript:` links,
    iframes and SVG are removed; links get `rel="noopener noreferrer"`."""
    return nh3.clean(
        value,
        tags=INLINE_TAGS,
        attributes=INLINE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


Title = Annotated[
    str,
    BeforeValidator(_clean),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
]
ShortText = Annotated[
    str,
    BeforeValidator(_clean),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
]
LongText = Annotated[
    str,
    BeforeValidator(_clean),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
]
RichText = Annotated[
    str,
    BeforeValidator(_clean),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20000),
    AfterValidator(sanitize_html),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9:._-]{1,64}$")]
