"""What `include=` adds to statements, and which keys a `fields=` / `profile=` answer keeps.

Every embed is one batched query for the whole page (or none), whatever its size, and
embeds only what the public may see now: commitments through the commitments service's public
filter, translations of the (already public) items themselves.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.shaping import Shape, page_keep
from app.commitments import service as commitments_service
from app.search.schemas import Relevance
from app.statements import service
from app.statements.schemas import StatementDetail, StatementSummary
from app.taxonomy import service as taxonomy_service

StatementInclude = Literal["commitments", "commitments.actors", "translations", "terms"]
INCLUDES: tuple[str, ...] = get_args(StatementInclude)
# The field each include value fills.
EMBED_FIELDS = {
    "commitments": "commitments",
    "translations": "translations",
    "terms": "term_details",
}
ITEM_FIELDS = [name for name in StatementSummary.model_fields if name not in EMBED_FIELDS.values()]
# A searched list's items also carry their relevance (`q`); the item route has none.
LIST_FIELDS = [*ITEM_FIELDS, *Relevance.model_fields]
FULL_FIELDS = [*ITEM_FIELDS, "body", "translations", "commitments"]
assert set(FULL_FIELDS) | {"term_details"} == set(StatementDetail.model_fields)


def allowed_fields(shape: Shape) -> list[str]:
    return FULL_FIELDS if shape.profile == "full" else LIST_FIELDS


def keep(shape: Shape, *, natural: str, page: bool) -> Any:
    """The serialization filter for this shape; None when the route's natural profile is
    served whole (the default representation, unchanged)."""
    if shape.fields is None and shape.profile == natural:
        return None
    kept = shape.keep(allowed_fields(shape), EMBED_FIELDS)
    return page_keep(kept) if page else kept


def embed(
    session: Session,
    items: Sequence[StatementSummary],
    shape: Shape,
    *,
    language: Language,
    now: datetime,
    preview: bool = False,
) -> None:
    """Fill the asked embeds of a page of statements (or of one): a query per embed."""
    ids = [item.id for item in items]
    if shape.includes("commitments"):
        refs = commitments_service.refs_for_statements(
            session,
            statement_ids=ids,
            language=language,
            now=now,
            with_actors="commitments.actors" in shape.include,
        )
        for item in items:
            item.commitments = refs.get(item.id, [])
    wanting = [item for item in items if item.translations is None]
    if "translations" in shape.include and wanting:
        links = service.translation_refs(session, [item.id for item in wanting], now, preview)
        for item in wanting:
            item.translations = links.get(item.id, {})
    if "terms" in shape.include:
        terms = taxonomy_service.term_reads(session, [c for i in items for c in i.terms], language)
        for item in items:
            item.term_details = {code: terms[code] for code in item.terms if code in terms}
