"""Commitment lists and items shaped by `profile=`, `fields=` and `include=`.

Every embed is one batched query for the whole page, whatever its size; the full profile on a
list is the item route's own code over the whole page at once (`detail.details`).
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from app.api.facets import FacetedPage
from app.api.language import Language
from app.api.pagination import Page, PageRequest
from app.api.shaping import Profile, Shape, fields_query, page_keep, parse_fields, profile_query
from app.commitments import detail, service, shapes
from app.commitments.schemas import (
    CommitmentDetail,
    CommitmentListItem,
    CommitmentSort,
    CommitmentSummary,
)
from app.search.schemas import Relevance
from app.taxonomy import service as taxonomy_service

CommitmentInclude = Literal["progress", "terms"]
INCLUDES: tuple[str, ...] = get_args(CommitmentInclude)
EMBED_FIELDS = {"progress": "progress_updates", "terms": "term_details"}
ITEM_FIELDS = [name for name in CommitmentSummary.model_fields if name not in EMBED_FIELDS.values()]
# A searched list's items also carry their relevance (`q`); the item route has none.
LIST_FIELDS = [*ITEM_FIELDS, *Relevance.model_fields]
FULL_FIELDS = [*ITEM_FIELDS, "text", "event", "indicators", "resources", "progress_updates"]
assert set(FULL_FIELDS) | {"term_details"} == set(CommitmentDetail.model_fields)


def allowed_fields(shape: Shape) -> list[str]:
    return FULL_FIELDS if shape.profile == "full" else LIST_FIELDS


def keep(shape: Shape, *, natural: str, page: bool) -> Any:
    """The serialization filter for this shape; None for the route's default representation."""
    if shape.fields is None and shape.profile == natural:
        return None
    kept = shape.keep(allowed_fields(shape), EMBED_FIELDS)
    return page_keep(kept) if page else kept


def embed(
    session: Session, items: Sequence[CommitmentSummary], shape: Shape, *, language: Language
) -> None:
    """Fill the asked embeds of a page of commitments (or of one): a query per embed."""
    wanting = [item for item in items if item.progress_updates is None]
    if "progress" in shape.include and wanting:
        updates = detail.updates_of(session, [item.id for item in wanting], language)
        for item in wanting:
            item.progress_updates = updates[item.id]
    if "terms" in shape.include:
        terms = taxonomy_service.term_reads(session, [c for i in items for c in i.terms], language)
        for item in items:
            item.term_details = {code: terms[code] for code in item.terms if code in terms}


def list_commitments(
    session: Session,
    *,
    filters: service.CommitmentFilters,
    sort: CommitmentSort | None,
    language: Language,
    page: PageRequest,
    now: datetime,
    shape: Shape,
    preview: bool = False,
    facets: Sequence[str] | None = None,
) -> tuple[Page[CommitmentListItem] | Page[CommitmentDetail], datetime | None]:
    """A page in the list shape, or (`profile=full`) each commitment as its item route serves
    it; embeds filled. A fixed number of queries, whatever the page size. With `facets` (even
    none asked for), a `FacetedPage` counting those asked for under the same filters."""
    listed = service.page_rows(
        session,
        filters=filters,
        sort=sort,
        page=page,
        now=now,
        language=language,
        preview=preview,
        facets=facets or (),
    )
    rows, next_cursor, total = listed.rows, listed.next_cursor, listed.total
    ids = [row.id for row in rows]
    # Only the lists that offer facets carry the `facets` member (a statement's commitments
    # list keeps its plain page).
    extra: dict[str, Any] = {} if facets is None else {"facets": listed.facets}
    result: Page[CommitmentListItem] | Page[CommitmentDetail]
    if shape.profile == "full":
        details = detail.full_page(session, ids, language=language, now=now, preview=preview)
        full = Page[CommitmentDetail] if facets is None else FacetedPage[CommitmentDetail]
        result = full(items=details, next_cursor=next_cursor, total=total, **extra)
    else:
        summaries = shapes.summaries(session, rows, language=language, now=now)
        snippets = listed.snippets
        items = [
            CommitmentListItem.model_validate(
                {
                    **summary.__dict__,
                    **({"score": row.score, "snippet": snippets[row.id]} if snippets else {}),
                }
            )
            for row, summary in zip(rows, summaries, strict=True)
        ]
        plain = Page[CommitmentListItem] if facets is None else FacetedPage[CommitmentListItem]
        result = plain(items=items, next_cursor=next_cursor, total=total, **extra)
    embed(session, result.items, shape, language=language)
    return result, max((row.updated_at for row in rows), default=None)


FieldsQuery = Annotated[str | None, fields_query(LIST_FIELDS, FULL_FIELDS)]
IncludeQuery = Annotated[
    list[CommitmentInclude] | None,
    Query(
        description="Embed related resources (repeat for several): `progress` (its progress "
        "updates; always on the full item), `terms` (its framework terms in full). One query "
        "per embed for a whole page. Actors, labels and the source statement's title and slug "
        "are always there."
    ),
]


def _shape(profile: Profile, include: list[CommitmentInclude] | None, fields: str | None) -> Shape:
    shape = Shape(profile=profile, include=frozenset(include or ()))
    return replace(shape, fields=parse_fields(fields, allowed_fields(shape)))


def list_shape(
    include: IncludeQuery = None,
    fields: FieldsQuery = None,
    profile: Annotated[Profile, profile_query("list")] = "list",
) -> Shape:
    return _shape(profile, include, fields)


def item_shape(
    include: IncludeQuery = None,
    fields: FieldsQuery = None,
    profile: Annotated[Profile, profile_query("full")] = "full",
) -> Shape:
    return _shape(profile, include, fields)


ListShapeDep = Annotated[Shape, Depends(list_shape)]
ItemShapeDep = Annotated[Shape, Depends(item_shape)]
