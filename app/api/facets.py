"""The facet engine: how many items of a list have each value, under the list's filters.

It knows no domain. A domain describes its facets (`Facet`: which (item, value) pairs to
count, the shape fields that are the facet's own filter, how to label values) and how to select
the ids its list matches for a query shape; the engine builds one statement per facet and shape,
cached, with every filter value a bound parameter, and runs one query per facet plus one label
query per labelled facet, whatever the number of values or items.

Counts are disjunctive: `count` honours every filter of the request, the facet's own included;
`count_if_selected` drops the facet's own filter and keeps the others, which is the count the
value would have if the reader added it to that filter (or chose it instead). Values are ordered
by `count` descending, then `count_if_selected` descending, then value, at most `MAX_VALUES` per
facet; with the facet's own filter set, values outside it are listed too (`count` 0) so that a
reader can widen the selection.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from typing import Annotated, Any, Generic

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Date, Integer, Select, case, cast, distinct, extract, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.api.language import Language
from app.api.pagination import Page, T
from app.api.problems import FieldError, InvalidParameters
from app.api.schemas import Label

MAX_VALUES = 100
AnySelect = Select[*tuple[Any, ...]]
# `{value: label}`: a value's name in the language served, flagged when it is in another
# language than the reader's first choice.
Labels = dict[str, Label]
LabelResolver = Callable[[Session, list[str], Language], Labels]


class FacetValue(BaseModel):
    value: str = Field(description="The value, as the list's filter takes it.")
    label: str | None = Field(
        default=None, description="Its name in the language served; null if it has none."
    )
    fallback: bool = Field(description="True when the label is not in the reader's language.")
    count: int = Field(description="Items matching every filter of the request with this value.")
    count_if_selected: int = Field(
        description="Items with this value under every other filter: what `count` would be "
        "with this value added to the facet's own filter."
    )


FACETS_EXAMPLE = {
    "place": [
        {
            "value": "019",
            "label": "Americas",
            "fallback": False,
            "count": 12,
            "count_if_selected": 12,
        },
        {
            "value": "HND",
            "label": "Honduras",
            "fallback": False,
            "count": 3,
            "count_if_selected": 3,
        },
    ],
    "year": [
        {"value": "2024", "label": None, "fallback": False, "count": 7, "count_if_selected": 9}
    ],
}


class FacetedPage(Page[T], Generic[T]):
    """A page of a list that offers facets: `facets` is null unless `facets=` asked for some."""

    facets: dict[str, list[FacetValue]] | None = Field(
        default=None,
        description=(
            "Per facet asked for, its values with counts: most frequent first (then by "
            f"`count_if_selected`, then value), at most {MAX_VALUES} per facet. Hierarchical "
            "codes roll up: a region counts every item in its countries, a goal every item "
            "tagged with its targets, as the `place` and `term` filters do."
        ),
        examples=[FACETS_EXAMPLE],
    )


@dataclass(frozen=True)
class Facet:
    """One facet of one list.

    `pairs(ids)` selects `(item_id, value)` for the items whose ids `ids` selects (a NULL value
    is not counted); `rollup`, if given, extends those pairs to the broader values a value lies
    under (regions of a country, goals of a target); `own` names the shape fields that filter on
    this facet (reset to their defaults for `count_if_selected`); `labels` names values.
    """

    name: str
    pairs: Callable[[AnySelect], AnySelect]
    own: tuple[str, ...] = ()
    rollup: Callable[[AnySelect], AnySelect] | None = None
    labels: LabelResolver | None = None

    def without_own_filter(self, shape: Any) -> Any:
        """The same query shape without this facet's own filter (a frozen dataclass)."""
        return replace(shape, **{f.name: f.default for f in fields(shape) if f.name in self.own})


@dataclass(frozen=True, eq=False)
class FacetSet:
    """The facets a list offers, and how to select the ids it matches for a query shape."""

    facets: tuple[Facet, ...]
    ids: Callable[[Any], AnySelect]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(facet.name for facet in self.facets)

    def get(self, name: str) -> Facet:
        return next(facet for facet in self.facets if facet.name == name)

    @cached_property
    def query(self) -> Any:
        """The route's `facets=` parameter (a dependency giving the names asked for)."""
        return facets_query(self.names)


@dataclass(frozen=True)
class Counted:
    value: str
    count: int
    count_if_selected: int


@lru_cache(maxsize=512)
def _statement(facets: FacetSet, name: str, shape: Hashable, limit: int | None) -> AnySelect:
    facet = facets.get(name)
    wider = facet.without_own_filter(shape)
    pairs = facet.pairs(facets.ids(wider))
    if facet.rollup is not None:
        pairs = facet.rollup(pairs)
    found = pairs.subquery("facet_pairs")
    item, value = found.c[0], found.c[1]
    if_selected = func.count(distinct(item)).label("n_if_selected")
    count = if_selected.element.label("n")
    if wider != shape:  # the own filter is set: count within it
        count = func.count(distinct(case((item.in_(facets.ids(shape)), item)))).label("n")
    query = (
        select(value, count, if_selected)
        .where(value.is_not(None))
        .group_by(value)
        .order_by(count.desc(), if_selected.desc(), value)
    )
    return query if limit is None else query.limit(limit)


def count_values(
    session: Session,
    facets: FacetSet,
    name: str,
    *,
    shape: Hashable,
    params: dict[str, Any],
    limit: int | None = MAX_VALUES,
) -> list[Counted]:
    """One facet's values with their counts: one query."""
    rows = session.execute(_statement(facets, name, shape, limit), params)
    return [Counted(str(value), count, if_selected) for value, count, if_selected in rows]


def facet_values(
    session: Session,
    facets: FacetSet,
    names: Sequence[str],
    *,
    shape: Hashable,
    params: dict[str, Any],
    language: Language,
) -> dict[str, list[FacetValue]]:
    """The facets asked for, counted and labelled: at most two queries per facet."""
    result: dict[str, list[FacetValue]] = {}
    for name in names:
        counted = count_values(session, facets, name, shape=shape, params=params)
        resolver = facets.get(name).labels
        labels = resolver(session, [c.value for c in counted], language) if resolver else {}
        result[name] = [
            FacetValue(
                value=c.value,
                label=labels[c.value].label if c.value in labels else None,
                fallback=labels[c.value].fallback if c.value in labels else False,
                count=c.count,
                count_if_selected=c.count_if_selected,
            )
            for c in counted
        ]
    return result


class utc_year(FunctionElement[int]):
    """The UTC calendar year of a date or a timestamp column, as an integer on both databases
    (PostgreSQL would otherwise read a timestamp's year in the session's time zone)."""

    type = Integer()
    inherit_cache = True
    name = "utc_year"


@compiles(utc_year)
def _year(element: utc_year, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(cast(extract("year", column), Integer), **kw)


@compiles(utc_year, "postgresql")
def _year_postgresql(element: utc_year, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    if isinstance(column.type, Date):  # a date has no zone; a timestamp is read at UTC
        return compiler.process(cast(extract("year", column), Integer), **kw)
    return compiler.process(cast(extract("year", func.timezone("UTC", column)), Integer), **kw)


def facets_query(allowed: Sequence[str]) -> Any:
    """A `facets=` query parameter offering `allowed`: comma-separated and/or repeated names;
    an unknown or empty name is a 422 listing the allowed ones."""
    choices = "|".join(allowed)
    listed = ", ".join(f"`{name}`" for name in allowed)

    def parse(
        facets: Annotated[
            list[str],
            Query(
                max_length=len(allowed),
                description=(
                    f"Count the matching items per value of these facets: {listed} "
                    "(comma-separated or repeated). See `facets` in the response."
                ),
                examples=[[",".join(allowed)]],
                json_schema_extra={
                    "items": {"type": "string", "pattern": f"^({choices})(,({choices}))*$"}
                },
            ),
        ] = [],  # noqa: B006 - FastAPI copies a default, never shares it
    ) -> list[str]:
        names = [name for given in facets for name in given.split(",")]
        if any(name not in allowed for name in names):
            raise InvalidParameters(
                "Unknown facet.",
                errors=[FieldError(parameter="facets", detail=f"Allowed facets: {listed}.")],
            )
        return list(dict.fromkeys(names))

    return Depends(parse)
