"""The rich-text sanitizer: an inline allowlist, URL attributes with allowlisted schemes only
(however the scheme is disguised), and idempotent."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.api.text import RichText, sanitize_html, url_is_allowed

RICH_TEXT: TypeAdapter[str] = TypeAdapter(RichText)

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]
# The same schemes as an HTML author could write them: entities decode before the URL is read.
ENCODED_URLS = [
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "&#x20;javascript:alert(1)",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_schemes_are_refused(url: str) -> None:
    assert not url_is_allowed(url)


@pytest.mark.parametrize("url", ["https://www.iom.int/", "HTTP://x.org", "mailto:a@b.c", "/news"])
def test_allowlisted_and_relative_urls_are_kept(url: str) -> None:
    assert url_is_allowed(url)


@pytest.mark.parametrize("url", HOSTILE_URLS + ENCODED_URLS)
@pytest.mark.parametrize(
    "template", ['<q cite="{}">q</q>', '<a href="{}">a</a>', '<img src="{}">', '<a cite="{}">a</a>']
)
def test_no_url_attribute_keeps_a_hostile_scheme(template: str, url: str) -> None:
    cleaned = sanitize_html(template.format(url.replace('"', "&quot;")))
    assert "script:" not in cleaned.lower()
    assert "data:" not in cleaned.lower()
    for attribute in ("cite=", "src=", "href="):
        assert attribute not in cleaned


def test_safe_markup_survives() -> None:
    cleaned = sanitize_html(
        '<q cite="https://www.iom.int/x">Q</q> <a href="/news/x">n</a> <em>e</em> a &amp; b'
    )
    assert cleaned == (
        '<q cite="https://www.iom.int/x">Q</q> '
        '<a href="/news/x" rel="noopener noreferrer">n</a> <em>e</em> a &amp; b'
    )


MARKUP = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<a href='javascript:x'>",
                '<a href="https://x.org">',
                "</a>",
                "<q cite=' JAVA\tSCRIPT:x'>",
                "<q>",
                "</q>",
                "<b>",
                "</b>",
                "<i>",
                "</i>",
                "<script>",
                "</script>",
                "<table><tr><td>",
                "<p>",
                "<!--",
                "-->",
                "&amp;",
                "&",
                "<",
                ">",
                '"',
                "<br/>",
                "<svg onload=x>",
                "<style>",
                "<template>",
                "<noscript>",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=25,
).map("".join)


@settings(derandomize=True, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP)
# One pass of HTML parsing is not always a fixed point: a nested link inside a table moves.
@example("<a href='javascript:x'><table><tr><td><a href='javascript:x'>")
def test_sanitizing_twice_changes_nothing(html: str) -> None:
    once = sanitize_html(html)
    assert sanitize_html(once) == once


@pytest.mark.parametrize("reference", ["&#1;", "&#x7f;", "&#x1b;"])
def test_character_references_cannot_smuggle_control_characters(reference: str) -> None:
    with pytest.raises(ValidationError):
        RICH_TEXT.validate_python(f"a{reference}b")


def test_character_references_come_out_in_nfc() -> None:
    assert RICH_TEXT.validate_python("Cafe&#769;") == "Caf\u00e9"


@settings(derandomize=True, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP)
def test_a_stored_rich_text_validates_to_itself(html: str) -> None:
    try:
        stored = RICH_TEXT.validate_python(html)
    except ValidationError:
        return  # refused (empty once sanitized, or breaking the text rule)
    assert RICH_TEXT.validate_python(stored) == stored
