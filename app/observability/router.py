"""`GET /metrics`: the Prometheus exposition, for keys with the `metrics:read` scope.

A scope rather than a second port: the API's own keys, revocation and audit already protect
it, and one listening port keeps the deployment (and its proxy) as it is. The scrape runs two
cheap queries (change feed and webhook outbox) in the request's session.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from prometheus_client.exposition import choose_encoder
from starlette.responses import Response

from app.api.params import forbid_unknown_query_params
from app.api.problems import problem_responses
from app.auth.dependencies import require
from app.auth.models import Scope
from app.auth.service import Principal
from app.db import SessionDep
from app.observability.database import change_feed_gauges, outbox_gauges
from app.observability.metrics import scrape_source

router = APIRouter(dependencies=[Depends(forbid_unknown_query_params)], tags=["operations"])

EXAMPLE = """\
# HELP newsroom_http_requests_total Requests answered, by method, matched route template and status.
# TYPE newsroom_http_requests_total counter
newsroom_http_requests_total{method="GET",route="/v1/statements/{id_or_slug}",status="200"} 42.0
"""


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "The Prometheus text exposition (OpenMetrics when `Accept` asks).",
            "content": {"text/plain": {"schema": {"type": "string"}, "example": EXAMPLE}},
        },
        **problem_responses(401, 403),
    },
)
async def metrics(
    request: Request,
    session: SessionDep,
    _reader: Annotated[Principal, Depends(require(Scope.METRICS_READ))],
) -> Response:
    """Requests by route template and status, latency histograms, response-cache lookups,
    the database pool and request-session waits, rate-limit rejections, change-feed lag and
    webhook outbox depth. Needs a key with the `metrics:read` scope; never cached."""
    now = request.app.state.clock()
    extra = [*change_feed_gauges(session, now), *outbox_gauges(session, now)]
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(
        encode(scrape_source(extra)),
        headers={"Content-Type": content_type, "Cache-Control": "no-store"},
    )
