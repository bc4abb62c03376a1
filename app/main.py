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
from app.api.problems import install_problem_handlers
from app.api.router import meta, v1
from app.changes import service as changes
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
        webhooks = start_webhook_worker(app) if in_process_enabled(settings) else None
        yield
        announcer.cancel()
        with suppress(asyncio.CancelledError):  # let it leave its round before the engine goes
            await announcer
        if webhooks is not None:
            stop, thread = webhooks
            stop.set()
            await asyncio.to_thread(thread.join)
        if app.state.limiter is not None:
            await app.state.limiter.counters.close()
        engine.dispose()
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
    app.state.read_sessionmaker = make_read_sessionmaker(engine)
    app.state.clock = clock
    app.state.next_prune = 0.0  # the first tick prunes
    app.state.go_lives = GoLives(app.state.sessionmaker, clock, (STATEMENTS, COMMITMENTS))
    cursor_key = hmac.new(
        settings.secret_key.get_secret_value().encode(), b"cursor", hashlib.sha256
    ).digest()
    app.state.cursor_codec = CursorCodec(cursor_key)
    app.state.response_cache = ResponseCache(max_entries=settings.response_cache_entries)
    app.state.limiter = Limiter(settings) if settings.rate_limits else None

    install_problem_handlers(app)
    app.include_router(v1)
    app.include_router(meta)
    app.include_router(metrics_router)
    install_openapi(app)

    # Added innermost first: see app/api/middleware.py for why this order.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(HygieneMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(HttpSemanticsMiddleware)
    if app.state.limiter is not None:  # inside CORS, so that a browser can read a 429
        app.add_middleware(RateLimitMiddleware, limiter=app.state.limiter)
    if settings.cors_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "If-Match"],
            expose_headers=[
                *("ETag", "Link", "Content-Language", "Retry-After", "X-Request-ID"),
                *("RateLimit", "RateLimit-Policy"),
            ],
            max_age=600,
        )
    app.add_middleware(ObservabilityMiddleware, templates=RouteTemplates(lambda: app.routes))
    app.add_middleware(RequestContextMiddleware, docs_paths=DOCS_PATHS)
    return app
