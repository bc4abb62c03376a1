"""Response building blocks every domain shares: the schema base and per-item language metadata."""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.api.language import Language
from app.api.problems import NotFound

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


class _Required:
    """Marker: a localized value that must exist (its absence is a 404, not an empty label)."""


REQUIRED = _Required()


def localize(
    available: Mapping[str, V],
    language: Language,
    fields: Sequence[str],
    *,
    empty: V | _Required = REQUIRED,
) -> tuple[V, dict[str, Any]]:
    """The one localizer: the best entry of a `{lang: value}` map for this reader, plus the
    `Localized` fields (`lang`, `available_langs`, `fallback` naming `fields`) describing it.

    An empty map gives `empty`, reported in the default language (a label nobody wrote yet);
    without `empty` it is a 404, since content with no text in any language is never public.
    """
    picked = language.pick(available)
    if picked is None:
        if isinstance(empty, _Required):
            raise NotFound("This item has no text in any language.")
        fallback = (
            LanguageFallback(requested_lang=language.requested, fields=list(fields))
            if language.default != language.requested
            else None
        )
        return empty, {"lang": language.default, "available_langs": [], "fallback": fallback}
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


def also_fell_back(meta: dict[str, Any], *others: dict[str, Any]) -> dict[str, Any]:
    """One item's `Localized` block after more of its fields were localized on their own:
    the first block's language, with every field that fell back anywhere listed once."""
    fallen = [
        name
        for block in (meta, *others)
        if block["fallback"] is not None
        for name in block["fallback"].fields
    ]
    if not fallen:
        return {**meta, "fallback": None}
    first = next(block["fallback"] for block in (meta, *others) if block["fallback"] is not None)
    return {**meta, "fallback": first.model_copy(update={"fields": list(dict.fromkeys(fallen))})}


class Label(Schema):
    """The name of a code an item carries (a place, topic, term), in the language served."""

    label: str = Field(description="The name, in the served language where it exists.")
    fallback: bool = Field(description="True when `label` is in another language than asked.")


def label_of(names: Mapping[str, str], language: Language) -> Label | None:
    """A `{lang: name}` map as a label for this reader, through the one localizer; None when
    nothing is named."""
    if not names:
        return None
    name, meta = localize(names, language, ["label"])
    return Label(label=name, fallback=meta["fallback"] is not None)


def code_label(names: Mapping[str, str], language: Language, code: str) -> Label:
    """A code's label; a code with no name at all shows itself, flagged as a fallback."""
    return label_of(names, language) or Label(label=code, fallback=True)
