"""Read endpoints for places, topics, frameworks and framework terms."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.problems import problem_responses
from app.api.responses import Fresh, public_response, read_responses
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.db import ON_REPLICA, SessionDep
from app.taxonomy import catalogue as service
from app.taxonomy.schemas import (
    FrameworkRead,
    PlaceDetail,
    PlaceKind,
    PlaceRead,
    TermDetail,
    TermRead,
    TopicRead,
)

router = APIRouter(tags=["taxonomies"], dependencies=[ON_REPLICA])
LIST_ERRORS = read_responses(400, 422)
ITEM_ERRORS = read_responses(404, 422)


@router.get(
    "/places",
    response_model=Page[PlaceRead],
    summary="List places",
    responses=LIST_ERRORS,
)
async def list_places(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    kind: Annotated[PlaceKind | None, Query(description="Only countries or only regions.")] = None,
    within: Annotated[
        str | None,
        Query(
            max_length=3,
            description="Only places inside this region (at any depth).",
            examples=["019"],
        ),
    ] = None,
) -> Response:
    """Countries (ISO 3166-1 alpha-3) and UN M49 regions, by code, with localized names."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(
                *service.list_places(
                    session, language=language, page=page, kind=kind, within=within
                )
            ),
            "taxonomy",
        ),
    )


@router.get(
    "/places/{code}",
    response_model=PlaceDetail,
    summary="Get a place",
    responses=ITEM_ERRORS,
)
async def get_place(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    code: Annotated[
        str, Path(max_length=3, description="Alpha-3 or M49 code.", examples=["HND", "019"])
    ],
) -> Response:
    """One place with the regions that contain it and the places directly inside it."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.get_place(session, code=code, language=language)), "taxonomy"
        ),
    )


@router.get("/topics", response_model=Page[TopicRead], summary="List topics", responses=LIST_ERRORS)
async def list_topics(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
) -> Response:
    """Thematic topics statements are tagged with, e.g. `counter-trafficking`."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.list_topics(session, language=language, page=page)), "taxonomy"
        ),
    )


@router.get(
    "/topics/{slug}", response_model=TopicRead, summary="Get a topic", responses=ITEM_ERRORS
)
async def get_topic(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    slug: Annotated[str, Path(max_length=64, examples=["counter-trafficking"])],
) -> Response:
    """One topic with its localized name and description."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.get_topic(session, slug=slug, language=language)), "taxonomy"
        ),
    )


@router.get(
    "/frameworks",
    response_model=Page[FrameworkRead],
    summary="List frameworks",
    responses=LIST_ERRORS,
)
async def list_frameworks(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
) -> Response:
    """Policy frameworks: the SDGs, the Global Compact for Migration, the LA Declaration."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.list_frameworks(session, language=language, page=page)),
            "taxonomy",
        ),
    )


@router.get(
    "/frameworks/{code}",
    response_model=FrameworkRead,
    summary="Get a framework",
    responses=ITEM_ERRORS,
)
async def get_framework(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    code: Annotated[str, Path(max_length=32, examples=["gcm"])],
) -> Response:
    """One framework."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.get_framework(session, code=code, language=language)), "taxonomy"
        ),
    )


@router.get(
    "/frameworks/{code}/terms",
    response_model=Page[TermRead],
    summary="List a framework's terms",
    responses={**LIST_ERRORS, **problem_responses(404)},
)
async def list_framework_terms(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    code: Annotated[str, Path(max_length=32, examples=["sdg"])],
    parent: Annotated[
        str | None,
        Query(
            max_length=64, description="Only the direct children of this term.", examples=["sdg:10"]
        ),
    ] = None,
    kind: Annotated[
        str | None, Query(max_length=32, description="Only terms of this kind, e.g. `target`.")
    ] = None,
) -> Response:
    """The framework's terms in display order (parents before their children)."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(
                *service.list_terms(
                    session,
                    framework=code.lower(),
                    language=language,
                    page=page,
                    parent=parent,
                    kind=kind,
                )
            ),
            "taxonomy",
        ),
    )


@router.get(
    "/terms/{code}",
    response_model=TermDetail,
    summary="Get a framework term",
    responses=ITEM_ERRORS,
)
async def get_term(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    code: Annotated[str, Path(max_length=64, examples=["sdg:10.7", "gcm:21"])],
) -> Response:
    """One term with its ancestors and children, e.g. `sdg:10.7` or `lad:pillar-2`."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.get_term(session, code=code, language=language)), "taxonomy"
        ),
    )
