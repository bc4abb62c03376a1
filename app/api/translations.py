"""The one rule for PATCHing a per-language map (`translations`, `names`, `labels`, ...).

A PATCH merges per language: a language left out is kept, a language given is replaced, a
language set to `null` is removed. Maps a resource cannot exist without (its translations, a
name, a label) must keep at least one language. Every resource's PATCH goes through here.
"""

from collections.abc import Mapping
from typing import TypeVar

from app.api.problems import FieldError, InvalidParameters

T = TypeVar("T")


def merge_translations(
    current: Mapping[str, T],
    patch: Mapping[str, T | None] | None,
    *,
    pointer: str,
    required: bool = True,
) -> dict[str, T]:
    """The map after the PATCH (a new dict: JSON columns see the change). `pointer` names the
    field in the 422 a `required` map gets when the PATCH would remove its last language."""
    merged = dict(current)
    for lang, value in (patch or {}).items():
        if value is None:
            merged.pop(lang, None)
        else:
            merged[lang] = value
    if required and not merged:
        raise InvalidParameters(
            "At least one language must remain.",
            errors=[FieldError(pointer=pointer, detail="Keep at least one language.")],
        )
    return merged
