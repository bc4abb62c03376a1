"""Assembles the application. Nothing imports this module; `app` is what uvicorn serves."""

import asyncio
import hashlib
import hmac
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.cache import ResponseCache
from app.api.hygiene import HygieneMiddleware
from app.api.middleware import (
    BodyLimitMiddleware,
    HttpSemanticsMiddleware,
    ProblemCORSMiddleware,
    RequestContextMiddleware,
    UnhandledErrorMiddleware,
)
from app.api.openapi import install_openapi
from app.api.pagination import CursorCodec
from app.api.pipeline import PublicReadPipeline
from app.api.problems import install_problem_handlers
from app.api.router import meta, v1
from app.cdn.purge import Purger
from app.changes import service as changes
from app.changes.watcher import VersionWatcher
from app.commitments.publishing import COMMITMENTS
from app.config import Settings, get_settings
from app.db import (
    RequestSessions,
    make_engine,
    make_read_sessionmaker,
    make_sessionmaker,
    utcnow,
)
from app.observability import metrics
from app.observability.database import instrument_pool
from app.observability.middleware import ObservabilityMiddleware, RouteTemplates
from app.observability.router import router as metrics_router
from app.publication.schedule import GoLives
from app.ratelimit.middleware import Limiter, RateLimitMiddleware
from app.statements.publishing import STATEMENTS
from app.webhooks.runner import Worker, in_process_enabled

DESCRIPTION = """
Statements, the commitments made in them and the website's navigation, for frontends,
partners that mirror the content, and editors.

Conventions on every route: errors are `application/problem+json` (RFC 9457); lists are
keyset-paged (`limit`, opaque `cursor`, `Link: rel="next"`); responses carry strong `ETag`s
(send `If-None-Match` for a `304`); `?lang=` wins over `Accept-Language`, and every item says
which language it was served in and what fell back.
"""
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs")


GO_LIVE_INTERVAL_SECONDS = 15.0
PRUNE_INTERVAL_SECONDS = 3600.0  # retention is counted in days: hourly is plenty


def prune_change_log(app: FastAPI) -> None:
    """Drop tombstones (and superseded entries) older than the configured retention, at most
    once an hour per process: the scan covers the whole log, so not at every go-live tick."""
    if time.monotonic() < app.state.next_prune:
        return
    app.state.next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
    settings: Settings = app.state.settings
    with app.state.sessionmaker.begin() as session:
        cutoff = app.state.clock() - timedelta(days=settings.change_log_retention_days)
        changes.prune(session, before=cutoff)


def start_webhook_worker(app: FastAPI) -> tuple[threading.Event, threading.Thread]:
    """The webhook worker in a thread of this process (development: one command does all)."""
    stop = threading.Event()
    worker = Worker(
        app.state.sessionmaker,
        app.state.settings,
        app.state.clock,
        before_round=app.state.go_lives.announce,
        purger=Purger(
            app.state.sessionmaker,
            app.state.settings,
            app.state.clock,
            replica=app.state.replica_sessionmaker,
        ),
    )
    thread = threading.Thread(target=worker.run, args=(stop,), name="webhooks", daemon=True)
    thread.start()
    return stop, thread


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utcnow
) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings, serving=True)
    instrument_pool(engine, settings)
    # Anonymous public reads' queries (app.db.get_session); the pool metrics stay the primary's.
    read_engine = (
        make_engine(settings, serving=True, read=True) if settings.database_read_url else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        app.state.request_sessions = RequestSessions(
            settings.database_pool_size, settings.database_pool_timeout_seconds
        )
        # Go-lives are public at their time regardless; this logs them for the change feed.
        announcer = asyncio.create_task(
            app.state.go_lives.run_forever(
                GO_LIVE_INTERVAL_SECONDS, also=lambda: prune_change_log(app)
            )
        )
        watcher: VersionWatcher = app.state.version_watcher
        # The database public reads come from: an entry's version and content agree.
        polled = read_engine if read_engine is not None else engine
        polling = asyncio.create_task(watcher.run_forever(polled)) if watcher.enabled else None
        webhooks = start_webhook_worker(app) if in_process_enabled(settings) else None
        yield
        for task in (announcer, polling):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):  # let it leave its round first
                    await task
        if webhooks is not None:
            stop, thread = webhooks
            stop.set()
            await asyncio.to_thread(thread.join)
        if app.state.limiter is not None:
            await app.state.limiter.counters.close()
        engine.dispose()
        if read_engine is not None:
            read_engine.dispose()
        metrics.process_exiting()

    app = FastAPIOffline(
        title="Newsroom API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=lambda route: route.name,
        # Swagger UI would otherwise fetch a validity badge from validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_engine = read_engine
    # Anonymous reads: read-only sessions, on the replica (marked routes) or the primary.
    app.state.read_sessionmaker = make_read_sessionmaker(engine)
    app.state.replica_sessionmaker = make_read_sessionmaker(read_engine) if read_engine else None
    app.state.clock = clock
    app.state.next_prune = 0.0  # the first tick prunes
    app.state.go_lives = GoLives(app.state.sessionmaker, clock, (STATEMENTS, COMMITMENTS))
    cursor_key = hmac.new(
        settings.secret_key.get_secret_value().encode(), b"cursor", hashlib.sha256
    ).digest()
    app.state.cursor_codec = CursorCodec(cursor_key)
    app.state.response_cache = ResponseCache(max_entries=settings.response_cache_entries)
    app.state.version_watcher = VersionWatcher(settings.cache_version_poll_ms / 1000)
    app.state.version_watcher.track_commits(app.state.sessionmaker)
    app.state.limiter = Limiter(settings) if settings.rate_limits else None

    install_problem_handlers(app)
    app.include_router(v1)
    app.include_router(meta)
    app.include_router(metrics_router)
    install_openapi(app)

    # Inside the framework, added innermost first: see app/api/middleware.py for the order.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(HygieneMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(HttpSemanticsMiddleware)
    framework_stack = app.build_middleware_stack

    def build_middleware_stack() -> ASGIApp:
        """What every answer needs, and cache hits, in front of the framework's own stack.

        A cache hit is answered by `PublicReadPipeline` before routing; inside the framework
        it would still pass Starlette's error middleware, FastAPI's telemetry and body-limit
        wrappers and the exception middleware, which together cost more than the hit itself.
        Request ids, security headers, metrics, the access log, CORS and rate limits sit in
        front with it, so that hits get them too (order: app/api/middleware.py).
        """
        front: ASGIApp = framework_stack()
        if settings.response_cache_entries > 0:
            front = PublicReadPipeline(
                front,
                cache=app.state.response_cache,
                watcher=app.state.version_watcher,
                clock=clock,
                settings=settings,
            )
        if app.state.limiter is not None:  # inside CORS, so that a browser can read a 429
            front = RateLimitMiddleware(front, limiter=app.state.limiter)
        if settings.cors_origins:
            front = ProblemCORSMiddleware(
                front,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "HEAD", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "If-None-Match", "If-Match"],
                expose_headers=[
                    *("ETag", "Link", "Content-Language", "Retry-After", "X-Request-ID"),
                    *("RateLimit", "RateLimit-Policy"),
                ],
                max_age=600,
            )
        front = ObservabilityMiddleware(front, templates=RouteTemplates(lambda: app.routes))
        return RequestContextMiddleware(front, docs_paths=DOCS_PATHS)

    # Starlette builds the stack on the first request, from this method.
    app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]
    return app


class ServedApp:
    """What the server runs: HTTP requests go straight into the application's stack.

    `FastAPI.__call__` checks on every request whether OpenTelemetry is configured, and
    Starlette's sets the scope's `app`; both together cost about as much as answering a cache
    hit. This does the part that matters (the scope's `app`, the stack built once) and leaves
    lifespan to the application itself. Tests call the application directly, through the
    same stack.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.stack: ASGIApp | None = None
        if app.root_path:  # FastAPI would set it on every scope
            raise ValueError("a root_path is set by the server (--root-path), not the app")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["app"] = self.app
        if self.stack is None:
            if self.app.middleware_stack is None:
                self.app.middleware_stack = self.app.build_middleware_stack()
            self.stack = self.app.middleware_stack
        await self.stack(scope, receive, send)


def serve_app() -> ServedApp:
    """The server's factory (`uvicorn --factory app.main:serve_app`)."""
    return ServedApp(create_app())
