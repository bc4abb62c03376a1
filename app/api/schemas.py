"""Response building blocks every domain shares: the schema base and per-item language metadata."""

from pydantic import BaseModel, ConfigDict, Field

from app.api.language import Language


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LanguageFallback(Schema):
    """Present when some localized fields are not in the requested language."""

    requested_lang: str = Field(description="The language the client asked for.")
    fields: list[str] = Field(description="Fields served in `lang` instead.")


class Localized(Schema):
    lang: str = Field(description="Language of the localized fields served (BCP 47).")
    available_langs: list[str] = Field(description="Languages this item exists in.")
    fallback: LanguageFallback | None = Field(
        description="Null when everything is in the requested language."
    )


def localize_names(
    names: dict[str, str], language: Language, field: str = "name"
) -> tuple[str, dict[str, object]]:
    """The best label from a `{lang: text}` map plus the `Localized` fields describing it."""
    picked = language.pick(names)
    text, lang = (picked[1], picked[0]) if picked else ("", language.default)
    fallback = (
        LanguageFallback(requested_lang=language.requested, fields=[field])
        if lang != language.requested
        else None
    )
    return text, {"lang": lang, "available_langs": sorted(names), "fallback": fallback}
