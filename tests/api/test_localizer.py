"""The one localizer: which text a reader gets, and how the fallback is reported."""

import pytest

from app.api.language import Language
from app.api.problems import NotFound
from app.api.schemas import also_fell_back, localize

SERVED = ("en", "fr", "es")


def reader(*preferences: str) -> Language:
    return Language(preferences=preferences, default="en", served=SERVED)


def test_first_preference_is_served_without_fallback() -> None:
    text, meta = localize({"en": "Migration", "fr": "Migration FR"}, reader("fr"), ["title"])
    assert text == "Migration FR"
    assert meta == {"lang": "fr", "available_langs": ["en", "fr"], "fallback": None}


def test_missing_language_falls_back_to_the_default_and_names_the_fields() -> None:
    text, meta = localize({"en": "Migration", "es": "Migración"}, reader("fr"), ["title"])
    assert text == "Migration"
    assert meta["lang"] == "en"
    assert meta["fallback"].requested_lang == "fr"
    assert meta["fallback"].fields == ["title"]


def test_content_without_any_text_is_a_404() -> None:
    with pytest.raises(NotFound):
        localize({}, reader("fr"), ["title"])


def test_an_unwritten_label_is_the_given_empty_value_in_the_default_language() -> None:
    label, meta = localize({}, reader("fr"), ["label"], empty="")
    assert label == ""
    assert meta["lang"] == "en"
    assert meta["fallback"].fields == ["label"]


def test_fields_localized_apart_report_every_fallback_once() -> None:
    _, name = localize({"fr": "Nom"}, reader("fr"), ["name"])
    _, blurb = localize({"en": "Blurb"}, reader("fr"), ["blurb"])
    _, other = localize({"en": "More"}, reader("fr"), ["blurb"])
    merged = also_fell_back(name, blurb, other)
    assert merged["lang"] == "fr"
    assert merged["fallback"].fields == ["blurb"]
    assert also_fell_back(name)["fallback"] is None
