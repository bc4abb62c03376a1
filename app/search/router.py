"""`GET /v1/search`: statements, commitments and actors in one relevance-ordered list."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.facets import FacetedPage
from app.api.language import LanguageDep
from app.api.pagination import PageDep
from app.api.responses import Fresh, public_response, read_responses
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.commitments import service as commitments_service
from app.db import ON_REPLICA, SessionDep
from app.search import service
from app.search.facets import SEARCH_FACETS
from app.search.query import MAX_LENGTH
from app.search.schemas import Q_DESCRIPTION, SearchResult, SearchType
from app.statements import service as statements_service

router = APIRouter(tags=["search"], dependencies=[ON_REPLICA])


@router.get(
    "/search",
    response_model=FacetedPage[SearchResult],
    summary="Search statements, commitments and actors",
    responses=read_responses(400, 422),
)
async def search(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_LENGTH,
            description=Q_DESCRIPTION,
            examples=['"human trafficking" -libya'],
        ),
    ],
    type: Annotated[
        list[SearchType] | None,
        Query(description="Only these kinds (repeat for several); all three by default."),
    ] = None,
    facets: list[str] = SEARCH_FACETS.query,
) -> Response:
    """Public statements, commitments and actors matching `q`, best first: `score` 3 when the
    title holds every searched term, 2 when title and summary together do, 1 otherwise; newer
    first within a tier.

    Each result gives its `type`, `id`, `url`, title and a highlighted `snippet` in the
    language served, and says which language that is and whether it fell back.

    `facets=type` counts the hits of each kind: `count` within the kinds asked for,
    `count_if_selected` as if that kind were asked for too.
    """
    now = request.app.state.clock()

    def compute() -> Fresh:
        result = service.search(
            session,
            q=q,
            kinds=list(type or []),
            language=language,
            page=page,
            now=now,
            facets=facets,
        )
        upcoming = [
            moment
            for moment in (
                statements_service.next_go_live(session, now),
                commitments_service.next_go_live(session, now),
            )
            if moment is not None
        ]
        return Fresh(result, None, min(upcoming, default=None))

    # A hit of any kind may appear on any page: each kind's collection purges them all.
    compute = tagged(compute, "statements", "commitments", "actors")
    return public_response(request, version=version, now=now, language=language, compute=compute)
