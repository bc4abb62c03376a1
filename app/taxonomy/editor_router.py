"""Write endpoints for topics (scope `taxonomies:write`)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from app.api.idempotency import idempotent
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.auth.dependencies import TaxonomiesPublisher, TaxonomiesWriter
from app.db import SessionDep
from app.taxonomy import editing
from app.taxonomy.models import Topic

router = APIRouter(tags=["taxonomies: editing"])


def _topic_editorial(topic: Topic, status: int = 200) -> Response:
    model = editing.TopicEditorial.model_validate(topic)
    return editorial_response(model, version_etag(topic.slug, topic.version), status)


@router.post(
    "/topics",
    status_code=201,
    response_model=editing.TopicEditorial,
    summary="Create a topic",
    tags=["taxonomies: editing"],
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_topic(
    request: Request, session: SessionDep, editor: TaxonomiesPublisher, body: editing.TopicCreate
) -> Response:
    """A new topic statements can be tagged with. `Idempotency-Key` makes retries safe."""

    def create() -> Response:
        topic = editing.create(session, body, principal=editor, now=request.app.state.clock())
        response = _topic_editorial(topic, 201)
        response.headers["Location"] = f"/v1/topics/{topic.slug}"
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.get(
    "/topics/{slug}/editorial",
    response_model=editing.TopicEditorial,
    summary="Get a topic as editors see it",
    tags=["taxonomies: editing"],
    responses=problem_responses(401, 403, 404),
)
async def get_topic_editorial(
    session: SessionDep, editor: TaxonomiesWriter, slug: Annotated[str, Path(max_length=64)]
) -> Response:
    """Names and descriptions in every language; its `ETag` is what updates send."""
    return _topic_editorial(editing.load(session, slug))


@router.patch(
    "/topics/{slug}",
    response_model=editing.TopicEditorial,
    summary="Update a topic",
    tags=["taxonomies: editing"],
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428),
)
async def update_topic(
    request: Request,
    session: SessionDep,
    editor: TaxonomiesPublisher,
    slug: Annotated[str, Path(max_length=64)],
    body: editing.TopicUpdate,
) -> Response:
    """Names and descriptions; needs `If-Match`."""
    topic = editing.load(session, slug)
    require_if_match(request, version_etag(topic.slug, topic.version))
    editing.update(session, topic, body, principal=editor, now=request.app.state.clock())
    return _topic_editorial(topic)


@router.delete(
    "/topics/{slug}",
    status_code=204,
    summary="Delete a topic",
    responses=problem_responses(401, 403, 404, 409, 412, 428),
)
async def delete_topic(
    request: Request,
    session: SessionDep,
    editor: TaxonomiesPublisher,
    slug: Annotated[str, Path(max_length=64)],
) -> Response:
    """Soft delete, refused (409) while statements are tagged with it; needs `If-Match`."""
    topic = editing.load(session, slug)
    require_if_match(request, version_etag(topic.slug, topic.version))
    editing.remove(session, topic, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
