"""Read endpoints for statements."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.problems import problem_responses
from app.api.responses import Fresh, public_response
from app.changes.dependencies import ContentVersionDep
from app.db import SessionDep
from app.statements import service
from app.statements.models import StatementType
from app.statements.schemas import StatementDetail, StatementSort, StatementSummary

router = APIRouter(prefix="/statements", tags=["statements"])
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` ETag still matches."}
}


@router.get(
    "",
    response_model=Page[StatementSummary],
    summary="List published statements",
    responses={**NOT_MODIFIED, **problem_responses(400, 422)},
)
async def list_statements(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    type: Annotated[
        list[StatementType] | None,
        Query(description="Only these types (repeat the parameter for several)."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Topic slugs; any of them matches.",
            examples=["counter-trafficking"],
        ),
    ] = None,
    place: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Alpha-3 or M49 codes; a region matches every place inside it.",
            examples=["019"],
        ),
    ] = None,
    term: Annotated[
        list[str] | None,
        Query(
            max_length=20,
            description="Framework term codes; a term matches its sub-terms (`sdg:10` covers "
            "`sdg:10.7`).",
            examples=["gcm:21"],
        ),
    ] = None,
    published_from: Annotated[
        date | None, Query(description="Published on or after this day (UTC).")
    ] = None,
    published_to: Annotated[
        date | None, Query(description="Published on or before this day (UTC).")
    ] = None,
    available_lang: Annotated[
        str | None,
        Query(max_length=35, description="Only statements translated into this language."),
    ] = None,
    sort: Annotated[StatementSort, Query(description="Sort order; `-` means newest first.")] = (
        "-published_at"
    ),
) -> Response:
    """Published statements, newest first, in the requested language where translated.

    Filters combine with AND; repeated values of one filter combine with OR. Items not
    translated into the requested language are served in the default language (or another
    available one) and say so in `fallback`.
    """
    now = request.app.state.clock()
    filters = service.StatementFilters(
        types=type or [],
        topics=topic or [],
        places=place or [],
        terms=term or [],
        published_from=published_from,
        published_to=published_to,
        available_lang=available_lang.lower() if available_lang else None,
    )

    def compute() -> Fresh:
        result, last_modified = service.list_statements(
            session, filters=filters, sort=sort, language=language, page=page, now=now
        )
        return Fresh(result, last_modified, service.next_go_live(session, now))

    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/{id_or_slug}",
    response_model=StatementDetail,
    summary="Get a statement",
    responses={**NOT_MODIFIED, **problem_responses(404, 422)},
)
async def get_statement(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    id_or_slug: Annotated[
        str,
        Path(
            max_length=160,
            description="The id, or the slug in any language.",
            examples=["iom-statement-los-angeles-declaration-migration-and-protection"],
        ),
    ],
) -> Response:
    """One published statement with its body paragraphs.

    A slug in any language resolves. `?lang=` picks the translation; without it, a slug serves
    its own language, and an id serves the `Accept-Language` choice.
    """
    now = request.app.state.clock()
    return public_response(
        request,
        version=version,
        now=now,
        language=language,
        compute=lambda: Fresh(
            *service.get_statement(session, id_or_slug=id_or_slug, language=language, now=now)
        ),
    )
