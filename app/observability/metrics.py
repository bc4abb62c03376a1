"""Every Prometheus series the service exposes, defined once.

The process-wide series live in prometheus_client's default registry; the database-backed
gauges (change-feed lag, webhook outbox) are computed by `/metrics` at scrape time, so no
process keeps them. With several server processes, set `PROMETHEUS_MULTIPROC_DIR` (see
`multiprocess_dir`): every process then writes its samples there and any of them answers the
scrape for all. This module imports nothing from the app, so any module may import it.
"""

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

# `*_created` series (a timestamp per labelled child) double the exposition for little use.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"  # the route label of requests no route matched (never the raw path)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# An API answers in milliseconds; ten seconds is where clients and proxies give up.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
if os.environ.get(MULTIPROC_ENV):  # the files are opened as the series below are made
    Path(os.environ[MULTIPROC_ENV]).mkdir(parents=True, exist_ok=True)

HTTP_REQUESTS = Counter(
    "newsroom_http_requests",
    "Requests answered, by method, matched route template and status.",
    ("method", "route", "status"),
)
HTTP_DURATION = Histogram(
    "newsroom_http_request_duration_seconds",
    "Time from the request's arrival to the last byte of its response.",
    ("method", "route"),
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "newsroom_http_requests_in_progress",
    "Requests being answered now.",
    multiprocess_mode="livesum",
)
RESPONSE_CACHE = Counter(
    "newsroom_response_cache_lookups",
    "Lookups in the in-process cache of rendered public responses, by result (hit, miss).",
    ("result",),
)
CACHE_HIT = RESPONSE_CACHE.labels(result="hit")
CACHE_MISS = RESPONSE_CACHE.labels(result="miss")

DB_POOL_CHECKED_OUT = Gauge(
    "newsroom_db_pool_checked_out",
    "Database connections checked out of the pool now (requests and background work).",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "newsroom_db_pool_size",
    "Connections the pool keeps open (NEWSROOM_DATABASE_POOL_SIZE, per process).",
    multiprocess_mode="livesum",
)
DB_POOL_MAX_OVERFLOW = Gauge(
    "newsroom_db_pool_max_overflow",
    "Connections the pool may open beyond its size (checked out above the size: overflow).",
    multiprocess_mode="livesum",
)
DB_SESSIONS_IN_USE = Gauge(
    "newsroom_db_sessions_in_use",
    "Requests holding one of the NEWSROOM_DATABASE_POOL_SIZE request sessions now.",
    multiprocess_mode="livesum",
)
DB_SESSIONS = Counter(
    "newsroom_db_sessions",
    "Request sessions opened, by database: `primary`, or `replica` (NEWSROOM_DATABASE_READ_URL).",
    ("database",),
)
DB_SESSION_WAITS = Counter(
    "newsroom_db_session_waits",
    "Requests that found every request session in use and waited for one.",
)
DB_SESSION_TIMEOUTS = Counter(
    "newsroom_db_session_wait_timeouts",
    "Requests that waited past NEWSROOM_DATABASE_POOL_TIMEOUT_SECONDS (answered 503).",
)
RATE_LIMIT_REJECTIONS = Counter(
    "newsroom_rate_limit_rejections",
    "Requests refused with 429, by the limit that refused them (`reason`: e.g. key, "
    "address, auth_failure).",
    ("reason",),
)
"""For app/ratelimit: `RATE_LIMIT_REJECTIONS.labels(reason=...).inc()` on every 429. Keep
`reason` to a handful of fixed words (never a key id or an address: one series each)."""
RATE_LIMIT_REDIS_UNREACHABLE = Gauge(
    "newsroom_rate_limit_redis_unreachable",
    "1 while NEWSROOM_REDIS_URL is set but Redis does not answer, so this process counts rate "
    "limits on its own (0 otherwise).",
    multiprocess_mode="livemax",
)


def multiprocess_dir() -> Path | None:
    """The shared samples directory, when several processes serve (read once at import by
    prometheus_client, so it must be set before the process starts)."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def prepare_multiprocess_dir(workers: int) -> Path | None:
    """For `newsroom serve --workers N` (N > 1): use `PROMETHEUS_MULTIPROC_DIR`, emptied of the
    last run's samples, or make a fresh temporary one; the workers inherit the variable."""
    directory = multiprocess_dir()
    if directory is None and workers <= 1:
        return None
    if directory is None:
        import tempfile

        directory = Path(tempfile.mkdtemp(prefix="newsroom-metrics-"))
        os.environ[MULTIPROC_ENV] = str(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory


def process_exiting() -> None:
    """Drop this process's live gauges from the shared directory (multiprocess mode)."""
    if multiprocess_dir() is not None:
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class _Combined(Collector):
    """What one scrape exposes: the process (or every process's) series and extra families."""

    def __init__(self, sources: Iterable[Collector], extra: Iterable[Metric]) -> None:
        self.sources = sources
        self.extra = extra

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()
        yield from self.extra


def scrape_source(extra: Iterable[Metric]) -> _Combined:
    directory = multiprocess_dir()
    if directory is None:
        return _Combined([REGISTRY], extra)
    files = MultiProcessCollector(None, path=str(directory))  # type: ignore[no-untyped-call]
    return _Combined([files], extra)
