"""One pure ASGI middleware for the per-request series and the access line.

Pure ASGI (not BaseHTTPMiddleware) because it runs on every request: a clock read, a few
dictionary lookups, two metric updates and one log call. It sits just inside
RequestContextMiddleware (app/main.py), so the request id is known when it starts and every
answer, refusals by the outer middleware and the 500 problem included, is counted.
"""

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.logs import REQUEST_ID, escape
from app.observability.metrics import (
    HTTP_DURATION,
    HTTP_IN_PROGRESS,
    HTTP_REQUESTS,
    METHODS,
    UNMATCHED,
)

access_log = logging.getLogger("app.access")


class RouteTemplates:
    """The matched route's full path template (`/v1/statements/{id_or_slug}`).

    FastAPI includes routers lazily, so the route it puts in the scope knows only its path
    inside its router (`/statements/{id_or_slug}`); the prefixes are joined here, once, from
    the application's route table. A mount (the docs' static files) is found by its app.
    """

    def __init__(self, routes: Callable[[], Iterable[BaseRoute]]) -> None:
        self._routes = routes
        self._by_route: dict[int, str] | None = None
        self._by_endpoint: dict[int, str] = {}

    def _build(self) -> dict[int, str]:
        by_route: dict[int, str] = {}
        for context in iter_route_contexts(list(self._routes())):
            route = context.original_route
            template = context.path_format or getattr(route, "path_format", None)
            if isinstance(route, Mount):
                self._by_endpoint[id(route.app)] = f"{route.path}/{{path}}"
            elif template:
                by_route[id(route)] = template
        return by_route

    def of(self, scope: Scope) -> str:
        if self._by_route is None:
            self._by_route = self._build()
        route = scope.get("route")
        if route is not None:
            found = self._by_route.get(id(route)) or getattr(route, "path_format", None)
            return found if isinstance(found, str) else UNMATCHED
        endpoint = scope.get("endpoint")
        if endpoint is not None:
            return self._by_endpoint.get(id(endpoint), UNMATCHED)
        return UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, templates: RouteTemplates) -> None:
        self.app = app
        self.templates = templates
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._histograms: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        request_id = state.get("request_id")
        token = REQUEST_ID.set(request_id if isinstance(request_id, str) else None)
        status = 500  # if the app raises before answering, RequestContext answers 500
        recorded = False
        HTTP_IN_PROGRESS.inc()

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                HTTP_IN_PROGRESS.dec()
                self._record(scope, state, status, time.perf_counter() - started)

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Counted before the last byte leaves: a client that reads the metrics right
                # after its answer (from any worker) finds its request in them.
                record()
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            record()
            REQUEST_ID.reset(token)

    def _record(self, scope: Scope, state: dict[str, Any], status: int, elapsed: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = self.templates.of(scope)
        counted = (method, route, status)
        counter = self._counters.get(counted)
        if counter is None:  # resolving labels costs more than counting: once per series
            counter = self._counters[counted] = HTTP_REQUESTS.labels(method, route, str(status))
            self._histograms[method, route] = HTTP_DURATION.labels(method, route)
        counter.inc()
        self._histograms[method, route].observe(elapsed)
        if not access_log.isEnabledFor(logging.INFO):
            return
        principal = state.get("principal")
        client = scope.get("client")
        duration_ms = round(elapsed * 1000, 1)
        access_log.info(
            "%s %s %d %.1f ms",
            method,
            escape(scope["path"]),  # never the query string: it may carry a secret
            status,
            duration_ms,
            extra={
                "method": method,
                "route": route,
                "path": scope["path"],
                "status": status,
                "duration_ms": duration_ms,
                "request_id": state.get("request_id"),
                "key_id": getattr(principal, "key_id", None),
                "client": client[0] if client else None,
            },
        )
