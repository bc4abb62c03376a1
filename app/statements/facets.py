"""The facets of the statement list, counted by the one facet engine (app/api/facets.py)."""

from sqlalchemy import select

from app.api.facets import AnySelect, Facet, FacetSet, utc_year
from app.statements import queries
from app.statements.models import (
    Statement,
    StatementTranslation,
    statement_places,
    statement_terms,
    statement_topics,
)
from app.taxonomy import service as taxonomy_service


def _types(ids: AnySelect) -> AnySelect:
    return select(Statement.id, Statement.type).where(Statement.id.in_(ids))


def _topics(ids: AnySelect) -> AnySelect:
    tags = statement_topics.c
    return select(tags.statement_id, tags.topic_slug).where(
        tags.statement_id.in_(ids), tags.topic_slug.in_(taxonomy_service.live_topic_slugs())
    )


def _places(ids: AnySelect) -> AnySelect:
    tags = statement_places.c
    return select(tags.statement_id.label("item_id"), tags.place_code.label("code")).where(
        tags.statement_id.in_(ids)
    )


def _terms(ids: AnySelect) -> AnySelect:
    tags = statement_terms.c
    return select(tags.statement_id.label("item_id"), tags.term_code.label("code")).where(
        tags.statement_id.in_(ids)
    )


def _years(ids: AnySelect) -> AnySelect:
    return select(Statement.id, utc_year(Statement.published_at)).where(Statement.id.in_(ids))


def _langs(ids: AnySelect) -> AnySelect:
    texts = StatementTranslation
    return select(texts.statement_id, texts.lang).where(texts.statement_id.in_(ids))


# Each facet's own filter is the list filter of the same values (`year`: the publication
# dates, `lang`: `available_lang`), so a value's count is the total of the list filtered by it.
STATEMENT_FACETS = FacetSet(
    facets=(
        Facet("type", _types, own=("types",)),
        Facet("topic", _topics, own=("topics",), labels=taxonomy_service.topic_labels),
        Facet(
            "place",
            _places,
            own=("places",),
            rollup=taxonomy_service.place_closure,
            labels=taxonomy_service.place_labels,
        ),
        Facet(
            "term",
            _terms,
            own=("terms",),
            rollup=taxonomy_service.term_closure,
            labels=taxonomy_service.term_labels,
        ),
        Facet("year", _years, own=("published_from", "published_to")),
        Facet("lang", _langs, own=("available_lang",)),
    ),
    ids=queries.matching_ids,
)
