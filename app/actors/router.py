"""Read endpoints for actors."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.actors import service
from app.actors.models import ActorType
from app.actors.schemas import ActorRead
from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.responses import Fresh, public_response, read_responses
from app.changes.dependencies import ContentVersionDep
from app.db import SessionDep

router = APIRouter(prefix="/actors", tags=["actors"])


@router.get(
    "",
    response_model=Page[ActorRead],
    summary="List actors",
    responses=read_responses(400, 422),
)
async def list_actors(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    type: Annotated[
        list[ActorType] | None, Query(description="Only these actor types (repeatable).")
    ] = None,
) -> Response:
    """States, IGOs, UN entities, NGOs and others that make commitments, by slug."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=lambda: Fresh(
            *service.list_actors(session, language=language, page=page, types=type or [])
        ),
    )


@router.get(
    "/{id_or_slug}",
    response_model=ActorRead,
    summary="Get an actor",
    responses=read_responses(404, 422),
)
async def get_actor(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    id_or_slug: Annotated[str, Path(max_length=64, examples=["iom", "state-mex"])],
) -> Response:
    """One actor, by id or slug."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=lambda: Fresh(*service.get_actor(session, key=id_or_slug, language=language)),
    )
