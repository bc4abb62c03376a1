"""Read endpoints for actors."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.actors import editing, service
from app.actors.models import Actor, ActorType
from app.actors.schemas import ActorRead
from app.api.idempotency import idempotent
from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import Fresh, editorial_response, public_response, read_responses
from app.auth.dependencies import TaxonomiesPublisher, TaxonomiesWriter
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.db import ON_REPLICA, SessionDep

# Named like the public read's parameter: one path, one parameter name (OpenAPI requires it).
ActorId = Annotated[
    str,
    Path(
        alias="id_or_slug",
        max_length=32,
        description="The actor's id (writes take the id, not a slug).",
    ),
]
router = APIRouter(prefix="/actors", tags=["actors"], dependencies=[ON_REPLICA])


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
        compute=tagged(
            lambda: Fresh(
                *service.list_actors(session, language=language, page=page, types=type or [])
            ),
            "actors",
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
        compute=tagged(
            lambda: Fresh(*service.get_actor(session, key=id_or_slug, language=language))
        ),
    )


def _editorial(actor: Actor, status: int = 200) -> Response:
    model = editing.ActorEditorial.model_validate(actor)
    return editorial_response(model, version_etag(actor.id, actor.version), status)


@router.post(
    "",
    status_code=201,
    response_model=editing.ActorEditorial,
    summary="Create an actor",
    tags=["actors: editing"],
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_actor(
    request: Request, session: SessionDep, editor: TaxonomiesPublisher, body: editing.ActorCreate
) -> Response:
    """A new state, organization or group that can make commitments. `Idempotency-Key` makes
    retries safe."""

    def create() -> Response:
        actor = editing.create(session, body, principal=editor, now=request.app.state.clock())
        response = _editorial(actor, 201)
        response.headers["Location"] = f"/v1/actors/{actor.id}"  # what writes take
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.patch(
    "/{id_or_slug}",
    response_model=editing.ActorEditorial,
    summary="Update an actor",
    tags=["actors: editing"],
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428),
)
async def update_actor(
    request: Request,
    session: SessionDep,
    editor: TaxonomiesPublisher,
    actor_id: ActorId,
    body: editing.ActorUpdate,
) -> Response:
    """Names, acronyms, type or website; needs `If-Match` with the ETag of a previous write."""
    actor = editing.load(session, actor_id)
    require_if_match(request, version_etag(actor.id, actor.version))
    editing.update(session, actor, body, principal=editor, now=request.app.state.clock())
    return _editorial(actor)


@router.get(
    "/{id_or_slug}/editorial",
    response_model=editing.ActorEditorial,
    summary="Get an actor as editors see it",
    tags=["actors: editing"],
    responses=problem_responses(401, 403, 404),
)
async def get_actor_editorial(
    session: SessionDep, editor: TaxonomiesWriter, actor_id: ActorId
) -> Response:
    """All languages and the version; its `ETag` is what updates send in `If-Match`."""
    return _editorial(editing.load(session, actor_id))


@router.delete(
    "/{id_or_slug}",
    status_code=204,
    summary="Delete an actor",
    tags=["actors: editing"],
    responses=problem_responses(401, 403, 404, 409, 412, 428),
)
async def delete_actor(
    request: Request,
    session: SessionDep,
    editor: TaxonomiesPublisher,
    actor_id: ActorId,
) -> Response:
    """Soft delete, refused (409) while commitments name the actor; needs `If-Match`."""
    actor = editing.load(session, actor_id)
    require_if_match(request, version_etag(actor.id, actor.version))
    editing.remove(session, actor, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
