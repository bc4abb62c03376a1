"""Taxonomy queries other domains build on: subtrees, rollups and filter validation."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import BindParameter, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.api.language import Language
from app.api.problems import FieldError, InvalidParameters
from app.api.schemas import Label, code_label, label_of, localize
from app.taxonomy.models import FrameworkTerm, Place, Topic
from app.taxonomy.schemas import TagLabels, TermRead


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


TagNames = dict[str, dict[str, dict[str, str]]]


def tag_names(
    session: Session,
    *,
    places: Iterable[str] = (),
    topics: Iterable[str] = (),
    terms: Iterable[str] = (),
) -> TagNames:
    """`{"places"|"topics"|"terms": {code: {lang: name}}}` for the tags of a whole page (or
    export batch) at once: one query per kind that has codes, at most three, whatever the
    number of items. Localize them with `tag_labels`, per item and language, with no query."""
    found: TagNames = {"places": {}, "topics": {}, "terms": {}}
    wanted = (
        ("places", Place.code, Place.names, sorted(set(places))),
        ("topics", Topic.slug, Topic.names, sorted(set(topics))),
        ("terms", FrameworkTerm.code, FrameworkTerm.names, sorted(set(terms))),
    )
    for kind, key, localized, codes in wanted:
        if codes:
            rows = session.execute(select(key, localized).where(key.in_(codes))).all()
            found[kind] = dict(rows)
    return found


def tag_labels(
    names_: TagNames, tags: dict[str, list[str]], language: Language, *extra_places: str | None
) -> TagLabels:
    """One item's labels: exactly the codes it carries (plus `extra_places`, e.g. its dateline
    place), each named through the one localizer."""
    chosen: dict[str, dict[str, Label]] = {}
    wanted = [(kind, code) for kind, codes in tags.items() if kind in names_ for code in codes]
    wanted += [("places", code) for code in extra_places if code is not None]
    for kind, code in wanted:
        chosen.setdefault(kind, {})[code] = code_label(names_[kind].get(code, {}), language, code)
    return TagLabels.model_validate({kind: dict(sorted(by.items())) for kind, by in chosen.items()})


def _labels_of(kind: str) -> Callable[[Session, Sequence[str], Language], dict[str, Label]]:
    def resolve(session: Session, codes: Sequence[str], language: Language) -> dict[str, Label]:
        """`{code: label}` of one kind in the reader's language or its fallback: one query."""
        found = tag_names(session, **{kind: codes})[kind]
        named = {code: label_of(by_lang, language) for code, by_lang in found.items()}
        return {code: label for code, label in named.items() if label is not None}

    return resolve


# Facet labels: the same names query as an item's labels, one kind at a time.
topic_labels = _labels_of("topics")
place_labels = _labels_of("places")
term_labels = _labels_of("terms")


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
    found = tag_names(session, places=places, topics=topics, terms=terms)
    return {
        kind: {code: code_label(names_, language, code).label for code, names_ in by_code.items()}
        for kind, by_code in found.items()
    }


def term_read(term: Any, language: Language) -> dict[str, Any]:
    """A framework term's public fields, named in the reader's language."""
    name, meta = localize(term.names, language, ["name"], empty="")
    return {
        "code": term.code,
        "framework": term.framework_code,
        "parent_code": term.parent_code,
        "kind": term.kind,
        "notation": term.notation,
        "name": name,
        **meta,
    }


def term_reads(session: Session, codes: Iterable[str], language: Language) -> dict[str, TermRead]:
    """The terms with these codes as `/v1/frameworks/{code}/terms` shows them (`include=terms`):
    one query for a whole page, none without codes."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = session.scalars(select(FrameworkTerm).where(FrameworkTerm.code.in_(wanted)))
    return {term.code: TermRead.model_validate(term_read(term, language)) for term in rows}
