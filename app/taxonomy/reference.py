"""Reference taxonomies shipped with the code: countries, M49 regions, frameworks, topics.

`newsroom migrate` brings the database in line with these files after the schema migrations,
so a new SDG target or a renamed country is a code change, reviewed like any other.
"""

import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import pycountry
from babel import Locale, UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cdn import models as cdn
from app.cdn.keys import SITE
from app.changes import service as changes_service
from app.db import Base
from app.taxonomy.models import Framework, FrameworkTerm, Place, Topic

M = TypeVar("M", bound=Base)
# Place names are stored in the UN's six official languages and in every served language.
UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")


def _data(name: str) -> Any:
    return json.loads(resources.files("app.taxonomy").joinpath("data", name).read_text("utf-8"))


@cache
def _territory_names(lang: str) -> dict[str, str]:
    """CLDR's names of territories (ISO alpha-2 and M49 codes) in one language, via babel;
    empty for a language CLDR does not know."""
    try:
        return dict(Locale.parse(lang, sep="-").territories)
    except (UnknownLocaleError, ValueError):
        return {}


def _place_names(code: str, shipped: dict[str, str], languages: Iterable[str]) -> dict[str, str]:
    """The shipped names (English country names from ISO 3166 via pycountry, the UN's own
    M49 region names) completed from CLDR in every other language; a language missing
    from both stays missing, so the API honestly reports a fallback."""
    names = dict(shipped)
    for lang in languages:
        cldr = _territory_names(lang).get(code)
        if lang not in names and cldr:
            names[lang] = cldr
    return names


def _upsert(
    session: Session,
    model: type[M],
    key: Callable[[M], str],
    rows: Iterable[dict[str, Any]],
    key_field: str,
    update: bool = True,
) -> int:
    """Insert missing rows, update changed ones (unless `update` is off); returns how many rows
    were written."""
    existing = {key(row): row for row in session.scalars(select(model))}
    written = 0
    for values in rows:
        current = existing.get(values[key_field])
        if current is None:
            session.add(model(**values))
            written += 1
            continue
        if not update:
            continue
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        for name, value in changed.items():
            setattr(current, name, value)
        written += bool(changed)
    session.flush()
    return written


def place_rows(languages: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every place, named in the UN languages and `languages`."""
    wanted = list(dict.fromkeys([*UN_LANGUAGES, *languages]))
    rows = [
        {
            "code": r["code"],
            "kind": "region",
            "alpha2": None,
            "m49": r["code"],
            "parent_code": r["parent"],
            "names": _place_names(r["code"], r["names"], wanted),
        }
        for r in _data("regions.json")
    ]
    regions_of = _data("country_regions.json")
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        rows.append(
            {
                "code": country.alpha_3,
                "kind": "country",
                "alpha2": country.alpha_2,
                "m49": country.numeric,
                "parent_code": regions_of[country.alpha_3],
                "names": _place_names(
                    country.alpha_2,
                    {"en": getattr(country, "common_name", None) or country.name},
                    wanted,
                ),
            }
        )
    return rows


def sync_reference_data(session: Session, languages: Iterable[str] = ()) -> dict[str, int]:
    """Idempotent: a second run writes nothing. Place names come in the UN languages and in
    `languages` (the served ones); names the shipped data changed are rewritten."""
    places = place_rows(languages)
    counts = {"places": _upsert(session, Place, lambda p: p.code, places, "code")}
    topics = [
        {"slug": t["slug"], "position": i, "names": t["names"], "descriptions": t["descriptions"]}
        for i, t in enumerate(_data("topics.json"))
    ]
    # Topics are editorial once they exist (editors rename and delete them over the API): the
    # shipped list only seeds the missing ones.
    counts["topics"] = _upsert(session, Topic, lambda t: t.slug, topics, "slug", update=False)
    frameworks = _data("frameworks.json")
    framework_rows = [
        {
            "code": f["code"],
            "position": i,
            "names": f["names"],
            "descriptions": f["description"],
            "url": f.get("url"),
            "adopted_on": _date(f.get("adopted_on")),
        }
        for i, f in enumerate(frameworks)
    ]
    counts["frameworks"] = _upsert(session, Framework, lambda f: f.code, framework_rows, "code")
    term_rows = [
        {
            "code": t["code"],
            "framework_code": f["code"],
            "parent_code": t["parent"],
            "kind": t["kind"],
            "notation": t["notation"],
            "position": i,
            "names": t["names"],
        }
        for f in frameworks
        for i, t in enumerate(f["terms"])
    ]
    counts["terms"] = _upsert(session, FrameworkTerm, lambda t: t.code, term_rows, "code")
    if any(counts.values()):  # labels are everywhere: purge everything
        cdn.enqueue(session, [SITE], changes_service.bump(session))
    return counts


def _date(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None
