"""Taxonomy queries other domains build on: subtrees, rollups and filter validation."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BindParameter, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.api.facets import label_of
from app.api.language import Language
from app.api.problems import FieldError, InvalidParameters
from app.taxonomy.models import FrameworkTerm, Place, Topic


def _codes(codes: Iterable[str] | BindParameter[Any]) -> Any:
    return codes if isinstance(codes, BindParameter) else list(codes)


def place_subtree(codes: Iterable[str] | BindParameter[Any]) -> Select[tuple[str]]:
    """The given places and every place inside them (so `019` covers Honduras)."""
    roots = (
        select(Place.code).where(Place.code.in_(_codes(codes))).cte("place_tree", recursive=True)
    )
    child = aliased(Place)
    tree = roots.union_all(select(child.code).where(child.parent_code == roots.c.code))
    return select(tree.c.code)


def term_subtree(codes: Iterable[str] | BindParameter[Any]) -> Select[tuple[str]]:
    """The given terms and their descendants (so `sdg:10` covers `sdg:10.7`)."""
    roots = (
        select(FrameworkTerm.code)
        .where(FrameworkTerm.code.in_(_codes(codes)))
        .cte("term_tree", recursive=True)
    )
    child = aliased(FrameworkTerm)
    tree = roots.union_all(select(child.code).where(child.parent_code == roots.c.code))
    return select(tree.c.code)


def live_topic_slugs() -> Select[str]:
    """Topics not deleted: the ones a `topic` filter accepts."""
    return select(Topic.slug).where(Topic.deleted_at.is_(None))


def require_known(
    session: Session,
    column: InstrumentedAttribute[str],
    codes: Sequence[str],
    *,
    parameter: str | None = None,
    pointers: Sequence[str] | None = None,
) -> None:
    """422 for codes that name nothing: a typo should not look like an empty result.

    A query filter names its `parameter`; codes from a request body give one JSON pointer per
    code (`item_pointers`), so each unknown one is reported where it was written."""
    query = select(column).where(column.in_(codes))
    if column is Topic.slug:  # deleted topics name nothing any more
        query = query.where(Topic.deleted_at.is_(None))
    found = set(session.scalars(query))
    missing = [index for index, code in enumerate(codes) if code not in found]
    if not missing:
        return
    detail = f"Unknown code; see the /v1/{_catalogue(column)} endpoint."
    if pointers is None:
        errors = [FieldError(parameter=parameter, detail=detail)]
    else:
        errors = [FieldError(pointer=pointers[index], detail=detail) for index in missing]
    where = f"`{parameter}`" if pointers is None else "the body"
    raise InvalidParameters(f"{len(missing)} unknown value(s) in {where}.", errors=errors)


def item_pointers(pointer: str, count: int) -> list[str]:
    """JSON pointers to each item of the body list at `pointer` (`#/places` → `#/places/0`...)."""
    return [f"{pointer}/{index}" for index in range(count)]


def known_place_codes(
    session: Session,
    codes: Sequence[str],
    *,
    parameter: str = "place",
    pointers: Sequence[str] | None = None,
) -> list[str]:
    """Canonical place codes; 422 (at the query `parameter` or the body `pointers`) if one
    names no place."""
    canonical = [canonical_place_code(code) for code in codes]
    require_known(session, Place.code, canonical, parameter=parameter, pointers=pointers)
    return canonical


def known_term_codes(
    session: Session,
    codes: Sequence[str],
    *,
    parameter: str = "term",
    pointers: Sequence[str] | None = None,
) -> list[str]:
    """Canonical term codes; 422 (at the query `parameter` or the body `pointers`) if one
    names no term."""
    canonical = [code.lower() for code in codes]
    require_known(session, FrameworkTerm.code, canonical, parameter=parameter, pointers=pointers)
    return canonical


def _catalogue(column: InstrumentedAttribute[str]) -> str:
    if column is Place.code:
        return "places"
    return "topics" if column is Topic.slug else "frameworks"


def canonical_place_code(code: str) -> str:
    return code.upper() if code.isalpha() else code


def _closure(pairs: Select[Any], model: type[Place] | type[FrameworkTerm]) -> Select[Any]:
    """`(item_id, value)` for each item at its nodes and at all their ancestors.

    `pairs` selects (item_id, code). Counting distinct items per value then matches what the
    subtree filters return, so a facet's or a dashboard's number for a region or a goal equals
    the length of the list filtered by it.
    """
    base = pairs.cte("pairs")
    ancestry = (
        select(base.c.item_id, model.code.label("code"), model.parent_code.label("parent"))
        .join(model, model.code == base.c.code)
        .cte("ancestry", recursive=True)
    )
    up = aliased(model)
    ancestry = ancestry.union(
        select(ancestry.c.item_id, up.code, up.parent_code).join(up, up.code == ancestry.c.parent)
    )
    return select(ancestry.c.item_id, ancestry.c.code.label("value"))


def term_closure(pairs: Select[Any]) -> Select[Any]:
    """Items at their terms and at every broader term (`sdg:10.7` counts for `sdg:10`)."""
    return _closure(pairs, FrameworkTerm)


def place_closure(pairs: Select[Any], *, regions_only: bool = False) -> Select[Any]:
    """Items at their places and at every region containing them (`HND` counts for `019`)."""
    closure = _closure(pairs, Place)
    if regions_only:
        value = closure.selected_columns.value
        closure = closure.join(Place, Place.code == value).where(Place.kind == "region")
    return closure


def _labels(
    session: Session, column: InstrumentedAttribute[str], codes: Sequence[str], language: Language
) -> dict[str, tuple[str, bool]]:
    model: Any = column.class_
    found: dict[str, tuple[str, bool]] = {}
    if codes:
        for code, localized in session.execute(
            select(column, model.names).where(column.in_(codes))
        ):
            label = label_of(localized, language)
            if label is not None:
                found[code] = label
    return found


def topic_labels(
    session: Session, codes: Sequence[str], language: Language
) -> dict[str, tuple[str, bool]]:
    """`{slug: (name, fell back)}` in the reader's language or its fallback: one query."""
    return _labels(session, Topic.slug, codes, language)


def place_labels(
    session: Session, codes: Sequence[str], language: Language
) -> dict[str, tuple[str, bool]]:
    """`{code: (name, fell back)}` in the reader's language or its fallback: one query."""
    return _labels(session, Place.code, codes, language)


def term_labels(
    session: Session, codes: Sequence[str], language: Language
) -> dict[str, tuple[str, bool]]:
    """`{code: (name, fell back)}` in the reader's language or its fallback: one query."""
    return _labels(session, FrameworkTerm.code, codes, language)


def names(
    session: Session,
    *,
    places: Iterable[str] = (),
    topics: Iterable[str] = (),
    terms: Iterable[str] = (),
    language: Language,
) -> dict[str, dict[str, str]]:
    """`{"places"|"topics"|"terms": {code: name}}` in the reader's language (or its fallback),
    for tags an item already carries: at most three small queries."""
    found: dict[str, dict[str, str]] = {"places": {}, "topics": {}, "terms": {}}
    wanted = (
        ("places", Place.code, Place.names, sorted(set(places))),
        ("topics", Topic.slug, Topic.names, sorted(set(topics))),
        ("terms", FrameworkTerm.code, FrameworkTerm.names, sorted(set(terms))),
    )
    for kind, key, labels, codes in wanted:
        if codes:
            for code, localized in session.execute(select(key, labels).where(key.in_(codes))):
                picked = language.pick(localized)
                if picked is not None:
                    found[kind][code] = picked[1]
    return found
