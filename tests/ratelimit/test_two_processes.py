"""Two server processes sharing Redis enforce one limit (issue #11, acceptance 1), and each
falls back to counting alone when Redis cannot be reached."""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx

from app.config import Settings
from tests.ratelimit.conftest import redis_url, requires_redis
from tests.servers import servers

URL = "/v1/statements?limit=1"


@contextmanager
def _servers(settings: Settings, count: int, **env: str) -> Iterator[list[str]]:
    with servers(settings.database_url, count, NEWSROOM_RATE_LIMITS="true", **env) as bases:
        yield bases


@requires_redis
def test_two_server_processes_sharing_redis_hold_one_limit(
    settings: Settings, engine: object, redis_prefix: str
) -> None:
    shared = {
        "NEWSROOM_REDIS_URL": redis_url() or "",
        "NEWSROOM_RATE_LIMIT_REDIS_PREFIX": redis_prefix,
        "NEWSROOM_RATE_LIMIT_ANONYMOUS": "4",
    }
    with _servers(settings, 2, **shared) as (first, second):
        statuses = [httpx.get(base + URL).status_code for base in (first, second, first, second)]
        assert statuses == [200, 200, 200, 200]
        for base in (first, second):  # each process has served 2, the pair 4: both refuse
            refused = httpx.get(base + URL)
            assert refused.status_code == 429
            assert refused.headers["retry-after"] == refused.headers["ratelimit"].split("t=")[1]


def test_with_redis_unreachable_each_process_keeps_answering_on_its_own_counters(
    settings: Settings, engine: object
) -> None:
    down = {"NEWSROOM_REDIS_URL": "redis://127.0.0.1:1/0", "NEWSROOM_RATE_LIMIT_ANONYMOUS": "3"}
    with _servers(settings, 2, **down) as (first, second):
        statuses = [httpx.get(base + URL).status_code for base in (first, second) * 3]
        assert statuses == [200] * 6  # 3 each: within each process's own quota
        assert httpx.get(first + URL).status_code == 429
        ready = httpx.get(second + "/health/ready").json()
        assert ready["rate_limit_counters"] == "local (redis unreachable)"
