"""Database plumbing: declarative base, engine factory and the per-request unit of work."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, Engine, Enum, MetaData, create_engine, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import TypeDecorator

from app.api.problems import ServiceUnavailable
from app.config import Settings
from app.observability.metrics import (
    DB_SESSION_TIMEOUTS,
    DB_SESSION_WAITS,
    DB_SESSIONS,
    DB_SESSIONS_IN_USE,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on PostgreSQL and on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite compares timestamps as text, so every stored value must share one format.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, str]: JSON(),
        dict[str, Any]: JSON(),
        list[dict[str, str]]: JSON(),
        list[dict[str, Any]]: JSON(),
        list[str]: JSON(),
    }


def checked_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """An enum stored as a CHECK-constrained string rather than a native PostgreSQL enum, so that
    adding a value later is a plain migration on both databases."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Versioned(Protocol):
    updated_at: datetime


def touch(session: Session, row: Versioned, now: datetime) -> None:
    """A new version of a row, even when nothing else in it changed and the clock stood still:
    with `version_id_col`, the UPDATE checks the version read, so of two writers holding the
    same ETag only the first commits and the other gets a 412."""
    row.updated_at = now
    flag_modified(row, "updated_at")
    session.flush()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _prepare_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs (used by tests and nested writes);
    # SQLAlchemy's documented recipe lets the engine emit BEGIN itself.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # AUTOCOMMIT means no BEGIN: otherwise the work (an ANALYZE, say) would sit in a
        # transaction that closing the connection then rolls back.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN")


def make_engine(settings: Settings, *, serving: bool = False, read: bool = False) -> Engine:
    """The engine; `serving` (the API's own) adds the statement timeout on PostgreSQL;
    `read`: the read replica's (NEWSROOM_DATABASE_READ_URL)."""
    url = settings.database_url
    if read:
        assert settings.database_read_url is not None
        url = settings.database_read_url
    if settings.is_sqlite:
        database = make_url(url).database
        pool: dict[str, Any] = {}  # (a memory database keeps one connection, unpooled)
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            pool = _pool_options(settings)
        # Connections are pooled and used by one session at a time, possibly from the
        # threadpool, so pysqlite's same-thread guard only gets in the way.
        engine = create_engine(
            url,
            echo=settings.sql_echo,
            hide_parameters=not settings.sql_echo,
            connect_args={"check_same_thread": False},
            **pool,
        )
        _prepare_sqlite(engine)
        return engine
    return create_engine(
        url,
        echo=settings.sql_echo,
        # A failed statement's error (logged) would otherwise quote its parameters, i.e.
        # request bodies; NEWSROOM_SQL_ECHO shows them on purpose.
        hide_parameters=not settings.sql_echo,
        pool_pre_ping=True,
        **_pool_options(settings),
        # JIT compiling pays off for long analytical queries, not ours: it added 140 ms to a
        # 100,000-hit search (bench/README.md), more than the query's own work.
        connect_args={"options": _pg_options(settings, serving)},
    )


def _pg_options(settings: Settings, serving: bool) -> str:
    options = "-c jit=off"
    if serving and settings.database_statement_timeout_ms:
        # A runaway or blocked query ends as a 503 instead of holding a session (and the
        # RequestSessions turn) for ever; migrations and imports keep no limit.
        options += f" -c statement_timeout={settings.database_statement_timeout_ms}"
    return options


def _pool_options(settings: Settings) -> dict[str, Any]:
    # Requests take at most `database_pool_size` connections (RequestSessions below); the
    # overflow is for the go-live announcer, the webhook worker and a request's second
    # session (the export's snapshot).
    return {
        "pool_size": settings.database_pool_size,
        "max_overflow": settings.database_pool_size,
        "pool_timeout": settings.database_pool_timeout_seconds,
    }


def refresh_statistics(engine: Engine) -> None:
    """Planner statistics brought up to date after a bulk write (`newsroom import`,
    `demo-data`, the bench seeders): right after one, PostgreSQL plans on estimates of one row
    a table (a 10,000-statement search took 3.3 s, nested loops over every row) and SQLite on
    none. Outside any transaction, as PostgreSQL's ANALYZE inside one would hold its locks."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA optimize")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


class RequestSessions:
    """At most `size` requests hold a session at once; the others wait here, on the event loop.

    Requests run their database calls on the event loop (cheapest for indexed reads, see
    research/perf-floor.md), so a request must never wait for the connection pool there: it
    would stall the loop and with it every request holding a connection, which then never
    gives it back. The search bench found that deadlock at 32 connections with 20 pooled.
    Waiting on this semaphore instead suspends only the waiting request; since the pool holds
    more connections than `size`, a request that got its turn never waits for the pool.
    """

    def __init__(self, size: int, timeout_seconds: float) -> None:
        self._slots = asyncio.Semaphore(size)
        self._timeout = timeout_seconds

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._slots.locked():
            DB_SESSION_WAITS.inc()
        try:
            async with asyncio.timeout(self._timeout):
                await self._slots.acquire()
        except TimeoutError:
            DB_SESSION_TIMEOUTS.inc()
            raise ServiceUnavailable(
                "Every database session is in use; retry in a few seconds.",
                headers={"Retry-After": "2"},
            ) from None
        DB_SESSIONS_IN_USE.inc()
        try:
            yield
        finally:
            DB_SESSIONS_IN_USE.dec()
            self._slots.release()


@asynccontextmanager
async def _turn(request: Request) -> AsyncIterator[None]:
    # Set by the app's lifespan, so the semaphore belongs to the serving event loop.
    sessions: RequestSessions | None = getattr(request.app.state, "request_sessions", None)
    if sessions is None:
        yield
        return
    async with sessions.turn():
        yield


READ_ONLY = "read_only"  # in a read session's `info`


def is_read_only(session: Session) -> bool:
    return bool(session.info.get(READ_ONLY))


def make_read_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for anonymous reads, which never write: on PostgreSQL in AUTOCOMMIT, saving
    the BEGIN and ROLLBACK round trips (+44% on a list, research/perf-floor.md) at no cost in
    consistency, since READ COMMITTED gave each statement its own snapshot anyway, taken in
    order (so the content version is still read before the content). SQLite keeps its deferred
    BEGIN: one snapshot for the whole read, and no round trip to save."""
    bind = engine
    if engine.dialect.name != "sqlite":
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    readers = sessionmaker(
        bind=bind, expire_on_commit=False, autoflush=False, info={READ_ONLY: True}
    )
    event.listen(readers, "before_flush", _refuse_writes)
    return readers


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    raise RuntimeError("an anonymous read wrote to its session; write in a session of its own")


def is_anonymous_read(request: Request) -> bool:
    """GET and HEAD without credentials: nothing in the request's unit of work writes."""
    return request.method in ("GET", "HEAD") and "authorization" not in request.headers


async def replica_reads() -> None:
    """A marker: a router (or route) with it in its `dependencies` is a public read one, whose
    anonymous GETs may run on the read replica. Read off the matched route (`_on_replica`),
    since the session is opened before any route dependency runs (authentication uses it)."""


ON_REPLICA = Depends(replica_reads)


def _on_replica(request: Request) -> bool:
    route = request.scope.get("route")
    return any(d.dependency is replica_reads for d in getattr(route, "dependencies", ()))


def _sessionmaker(request: Request) -> "tuple[sessionmaker[Session], bool]":
    """The read replica for an anonymous GET of a public read route, else the primary; and
    whether it is an anonymous read (a read session: nothing to commit).

    Decided before authentication, on the request alone: a request with an Authorization
    header may be a key's (previews, editors: they read their own writes), so it stays on the
    primary, as do writes and every route not marked (the change feed and the export, whose
    positions partners resume from; editor routes). A route reads the content version through
    the same session as its content, so a cached answer is labelled from the replica too.
    """
    state = request.app.state
    reading = is_anonymous_read(request)
    replica: sessionmaker[Session] | None = getattr(state, "replica_sessionmaker", None)
    if reading and replica is not None and _on_replica(request):
        DB_SESSIONS.labels("replica").inc()
        return replica, True
    DB_SESSIONS.labels("primary").inc()
    chosen: sessionmaker[Session] = state.read_sessionmaker if reading else state.sessionmaker
    return chosen, reading


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: committed before the response is sent, rolled back on error.
    Anonymous reads get a read session (make_read_sessionmaker), with nothing to commit.

    An `async` generator on purpose: FastAPI would run a plain generator in the threadpool, and
    the measured floor (research/perf-floor.md) shows indexed reads are cheapest on the loop.
    """
    async with _turn(request):
        makes, reading = _sessionmaker(request)
        session: Session = makes()
        try:
            yield session
            if reading:
                if session.new or session.dirty or session.deleted:
                    _refuse_writes(session, None, None)
            else:
                session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
