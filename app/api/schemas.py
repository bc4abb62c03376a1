"""Response building blocks every domain shares: the schema base and per-item language metadata."""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.api.language import Language

V = TypeVar("V")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LanguageFallback(Schema):
    """Present when some localized fields are not in the reader's first choice of language."""

    requested_lang: str = Field(description="The reader's first choice among served languages.")
    fields: list[str] = Field(description="Fields served in `lang` instead.")


class Localized(Schema):
    lang: str = Field(description="Language of the localized fields served (BCP 47).")
    available_langs: list[str] = Field(
        description="Served languages this item exists in: each can be asked for with `?lang=`."
    )
    fallback: LanguageFallback | None = Field(
        description="Null when everything is in the reader's first choice of language."
    )


def localize(
    available: Mapping[str, V], language: Language, fields: Sequence[str]
) -> tuple[V, dict[str, Any]] | None:
    """The best entry of a `{lang: value}` map plus the `Localized` fields describing it;
    `None` when the map is empty."""
    picked = language.pick(available)
    if picked is None:
        return None
    lang, value = picked
    fallback = (
        LanguageFallback(requested_lang=language.requested, fields=list(fields))
        if lang != language.requested
        else None
    )
    return value, {
        "lang": lang,
        "available_langs": language.askable(available),
        "fallback": fallback,
    }


class Label(Schema):
    """The name of a code an item carries (a place, topic, term), in the language served."""

    label: str = Field(description="The name, in the served language where it exists.")
    fallback: bool = Field(description="True when `label` is in another language than asked.")


def label_of(names: Mapping[str, str], language: Language, code: str) -> Label:
    """A code's label through the one localizer; a code with no name at all shows itself."""
    found = localize(names, language, ["label"])
    if found is None:
        return Label(label=code, fallback=True)
    name, meta = found
    return Label(label=name, fallback=meta["fallback"] is not None)


def localize_names(
    names: dict[str, str], language: Language, field: str = "name"
) -> tuple[str, dict[str, Any]]:
    """The best label from a `{lang: text}` map plus the `Localized` fields describing it."""
    found = localize(names, language, [field])
    if found is not None:
        return found
    fallback = (
        LanguageFallback(requested_lang=language.requested, fields=[field])
        if language.default != language.requested
        else None
    )
    return "", {"lang": language.default, "available_langs": [], "fallback": fallback}
