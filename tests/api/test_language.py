"""Accept-Language negotiation (RFC 9110 §12.5.4) against the served languages."""

import pytest

from app.api.language import Language, parse_accept_language

SUPPORTED = ("en", "fr", "es")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("de, es;q=0.5", "es"),
        ("en;q=0.2, fr;q=0.8", "fr"),
        ("es, fr", "es"),
        ("fr;q=0, es;q=0.1", "es"),
        ("de, it", None),
        ("*", "en"),
        ("fr;q=abc, es", "es"),
        ("", None),
    ],
)
def test_best_supported_language(header: str, expected: str | None) -> None:
    assert parse_accept_language(header, SUPPORTED) == expected


def test_pick_prefers_requested_then_default_then_any() -> None:
    language = Language(requested="fr", default="en", explicit=True)
    assert language.pick({"en": 1, "fr": 2}) == ("fr", 2)
    assert language.pick({"en": 1, "es": 3}) == ("en", 1)
    assert language.pick({"es": 3}) == ("es", 3)
    assert language.pick({}) is None
