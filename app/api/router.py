"""The versioned API surface, health probes and the documentation of problem types."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from app.actors.router import router as actors_router
from app.api.params import forbid_unknown_query_params
from app.api.problems import PROBLEM_TYPES, NotFound, ServiceUnavailable, problem_responses
from app.api.responses import Fresh, public_response, read_responses
from app.auth.dependencies import current_principal
from app.auth.router import router as keys_router
from app.changes.dependencies import ContentVersionDep
from app.commitments.editor_router import router as commitment_editing_router
from app.commitments.router import router as commitments_router
from app.db import SessionDep
from app.feeds import links as feed_links
from app.feeds.router import router as feeds_router
from app.navigation.editor_router import router as navigation_editing_router
from app.navigation.router import router as navigation_router
from app.search.router import router as search_router
from app.statements.editor_router import router as statement_editing_router
from app.statements.router import router as statements_router
from app.sync.feed_router import router as change_feed_router
from app.sync.router import router as export_router
from app.taxonomy.editor_router import router as taxonomy_editing_router
from app.taxonomy.router import router as taxonomy_router
from app.webhooks.deliveries_router import router as webhook_deliveries_router
from app.webhooks.router import router as webhooks_router

v1 = APIRouter(
    prefix="/v1",
    dependencies=[Depends(forbid_unknown_query_params), Depends(current_principal)],
)
v1.include_router(statements_router)
v1.include_router(statement_editing_router)
v1.include_router(commitments_router)
v1.include_router(commitment_editing_router)
v1.include_router(actors_router)
v1.include_router(search_router)
v1.include_router(navigation_router)
v1.include_router(navigation_editing_router)
v1.include_router(keys_router)
v1.include_router(taxonomy_router)
v1.include_router(taxonomy_editing_router)
v1.include_router(change_feed_router)
v1.include_router(feeds_router)
v1.include_router(export_router)
v1.include_router(webhooks_router)
v1.include_router(webhook_deliveries_router)


class ApiLink(BaseModel):
    rel: str = Field(description="How the target relates to the API (RFC 8288 relation).")
    href: str
    type: str = Field(description="The media type the target answers with.")
    title: str


class ApiIndex(BaseModel):
    """Where everything public starts: lists, feeds and the API description."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "links": [
                        {
                            "rel": "alternate",
                            "href": "https://api.example.org/v1/feeds/statements.atom",
                            "type": "application/atom+xml",
                            "title": "Statements (Atom)",
                        }
                    ]
                }
            ]
        }
    )

    links: list[ApiLink]


INDEX = (
    ("collection", "/v1/statements", "application/json", "Statements"),
    ("collection", "/v1/commitments", "application/json", "Commitments"),
    ("collection", "/v1/navigation", "application/json", "Menus"),
    ("collection", "/v1/places", "application/json", "Places"),
    ("collection", "/v1/topics", "application/json", "Topics"),
    ("collection", "/v1/frameworks", "application/json", "Frameworks"),
    *(("alternate", feed.path, feed.media_type, feed.title) for feed in feed_links.FORMATS),
    ("service-desc", "/openapi.json", "application/vnd.oai.openapi+json", "OpenAPI document"),
    ("service-doc", "/docs", "text/html", "API documentation"),
)


@v1.get("", response_model=ApiIndex, summary="API root", responses=read_responses())
async def api_root(request: Request, version: ContentVersionDep) -> Response:
    """Links to the public lists, the statement feeds (also in the `Link` header, so feed
    readers find them) and the API description."""
    origin = feed_links.origin(request)
    links = [
        ApiLink(rel=rel, href=f"{origin}{path}", type=kind, title=title)
        for rel, path, kind, title in INDEX
    ]
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=None,
        compute=lambda: Fresh(ApiIndex(links=links), links=feed_links.alternate_links(request)),
    )


meta = APIRouter(dependencies=[Depends(forbid_unknown_query_params)], tags=["operations"])


class Health(BaseModel):
    status: str


class Readiness(Health):
    rate_limit_counters: str | None = Field(
        default=None,
        description="Where rate-limit counters live: `redis` (shared by every process), "
        "`local` (this process; no Redis configured) or `local (redis unreachable)` (Redis is "
        "configured but down: limits still apply, per process). Null: no rate limits.",
    )
    read_replica: str | None = Field(
        default=None,
        description="`ok` when the read replica (NEWSROOM_DATABASE_READ_URL) answers; null: "
        "none configured. An unreachable replica is a 503: anonymous reads depend on it.",
    )


class ProblemTypeDoc(BaseModel):
    type: str
    title: str
    description: str


@meta.get("/health/live", response_model=Health, summary="Liveness probe")
async def live() -> Health:
    """The process is up. Does not touch the database."""
    return Health(status="ok")


@meta.get(
    "/health/ready",
    response_model=Readiness,
    summary="Readiness probe",
    responses=problem_responses(503),
)
async def ready(request: Request, session: SessionDep, response: Response) -> Readiness:
    """The database answers; a load balancer should send traffic here. Redis being down is
    not a reason to take the process out: it keeps limiting on its own counters, and says so."""
    response.headers["Cache-Control"] = "no-store"
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database is not reachable.", headers={"Retry-After": "5"}
        ) from exc
    replica = request.app.state.replica_sessionmaker
    if replica is not None:
        try:
            with replica() as replica_session:
                replica_session.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise ServiceUnavailable(
                "The read replica is not reachable.", headers={"Retry-After": "5"}
            ) from exc
    limiter = request.app.state.limiter
    return Readiness(
        status="ok",
        rate_limit_counters=None if limiter is None else await limiter.counters.check(),
        read_replica=None if replica is None else "ok",
    )


@meta.get(
    "/problems/{slug}",
    response_model=ProblemTypeDoc,
    summary="Describe a problem type",
    responses=problem_responses(404),
)
async def problem_type(
    request: Request, slug: Annotated[str, Path(max_length=64, examples=["invalid-cursor"])]
) -> ProblemTypeDoc:
    """What a problem `type` URI such as `/problems/invalid-cursor` means and how to react."""
    if slug not in PROBLEM_TYPES:
        raise NotFound("No problem type has this name.")
    title, description = PROBLEM_TYPES[slug]
    return ProblemTypeDoc(type=f"/problems/{slug}", title=title, description=description)
