"""Sliding-window counters, in Redis (shared by every process) or in this process.

The algorithm is the sliding-window counter: a count per fixed window, and the estimate of the
last `window` seconds is the current window's count plus the previous window's, weighted by
how much of it still overlaps. Two integers per client, O(1) per request, and one Redis round
trip: a Lua script reads, decides and counts at once, on Redis's clock, and returns what the
headers need (see the README for why this is not the `limits` library).
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from app.observability.metrics import RATE_LIMIT_REDIS_UNREACHABLE
from app.ratelimit.policy import FULL_COST, Policy

logger = logging.getLogger("app.ratelimit")
RETRY_REDIS_SECONDS = 5.0  # while Redis is down, how often one request tries it again
LOCAL_PRUNE_SIZE = 10_000


@dataclass(frozen=True)
class Counts:
    """One counter's state, in units, right after a request was (or was not) counted."""

    allowed: bool
    previous: int
    current: int
    elapsed_ms: int  # into the current fixed window


@dataclass(frozen=True)
class Decision:
    policy: Policy
    allowed: bool
    remaining: int  # whole requests
    reset: int  # seconds: until a request fits again when none does, else until the window ends


def decide(policy: Policy, counts: Counts, cost: int) -> Decision:
    window = policy.window * 1000
    left_in_window = window - counts.elapsed_ms
    used = counts.previous * left_in_window / window + counts.current
    remaining = max(0, math.floor((policy.capacity - used) / FULL_COST))
    if remaining > 0 and counts.allowed:
        return Decision(policy, True, remaining, max(1, math.ceil(left_in_window / 1000)))
    # When does a full request fit? While the previous window's weight decays, or else in the
    # next window, once enough of this one's weight has.
    room = policy.capacity - FULL_COST - counts.current
    if room >= 0 and counts.previous > 0:
        wait = left_in_window - room * window / counts.previous
    else:
        over = counts.current - (policy.capacity - FULL_COST)
        wait = left_in_window + max(0.0, over * window / max(counts.current, 1))
    return Decision(policy, counts.allowed, remaining, max(1, math.ceil(max(wait, 0) / 1000)))


class LocalCounters:
    """Counters in this process: the default without Redis, and the fallback when it is down."""

    def __init__(self) -> None:
        # key -> (window in ms, index of the current window, previous count, current count)
        self.windows: dict[str, tuple[int, int, int, int]] = {}

    def hit(self, key: str, policy: Policy, cost: int) -> Counts:
        window = policy.window * 1000
        now = int(time.time() * 1000)
        index, elapsed = divmod(now, window)
        _, seen, previous, current = self.windows.get(key, (window, index, 0, 0))
        if seen != index:
            previous, current = (current if seen == index - 1 else 0), 0
        used = math.floor(previous * (window - elapsed) / window) + current
        allowed = used + cost <= policy.capacity
        if allowed:
            current += cost
        if len(self.windows) > LOCAL_PRUNE_SIZE:
            self._prune(now)
        self.windows[key] = (window, index, previous, current)
        return Counts(allowed, previous, current, elapsed)

    def _prune(self, now: int) -> None:
        """Forget counters older than the previous window: they no longer weigh anything."""
        self.windows = {
            key: entry for key, entry in self.windows.items() if now // entry[0] <= entry[1] + 1
        }


# KEYS[1] is the counter's name, in braces so that both windows' keys land on one cluster slot.
SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local index = math.floor(now / window)
local elapsed = now - index * window
local current_key = KEYS[1] .. ':' .. string.format('%d', index)
local previous_key = KEYS[1] .. ':' .. string.format('%d', index - 1)
local current = tonumber(redis.call('GET', current_key) or '0')
local previous = tonumber(redis.call('GET', previous_key) or '0')
local allowed = 0
if math.floor(previous * (window - elapsed) / window) + current + cost <= capacity then
  current = redis.call('INCRBY', current_key, cost)
  redis.call('PEXPIRE', current_key, 2 * window)
  allowed = 1
end
return {allowed, previous, current, elapsed}
"""


class Counters:
    """Redis counters when a URL is configured, local ones otherwise or while Redis fails."""

    def __init__(self, redis_url: str | None, prefix: str) -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self.local = LocalCounters()
        self.redis_down_since: float | None = None
        self._retry_at = 0.0
        self._client: Any = None
        self._script: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def backend(self) -> str:
        if self.redis_url is None:
            return "local"
        return "redis" if self.redis_down_since is None else "local (redis unreachable)"

    def _redis_script(self) -> Any:
        # A client belongs to the event loop it connected in (tests run several loops).
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            from redis.asyncio import Redis

            self._client = Redis.from_url(
                self.redis_url or "", socket_connect_timeout=0.25, socket_timeout=0.25
            )
            self._script = self._client.register_script(SCRIPT)
            self._loop = loop
        return self._script

    def _failed(self, exc: Exception) -> None:
        if self.redis_down_since is None:
            self.redis_down_since = time.time()
            RATE_LIMIT_REDIS_UNREACHABLE.set(1)
            logger.warning("redis unreachable, rate limits counted per process: %s", exc)
        self._retry_at = time.monotonic() + RETRY_REDIS_SECONDS

    def _answered(self) -> None:
        if self.redis_down_since is not None:
            logger.warning("redis reachable again, rate limits shared")
            self.redis_down_since = None
            RATE_LIMIT_REDIS_UNREACHABLE.set(0)

    async def check(self) -> str:
        """The backend after asking Redis (readiness probes ask; requests do not wait)."""
        if self.redis_url is not None:
            from redis.exceptions import RedisError

            try:
                self._redis_script()
                await self._client.ping()
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                self._answered()
                self._retry_at = 0.0
        return self.backend

    async def hit(self, partition: str, policy: Policy, cost: int) -> Counts:
        key = f"{policy.name}:{partition}"
        if self.redis_url is None or time.monotonic() < self._retry_at:
            return self.local.hit(key, policy, cost)
        from redis.exceptions import RedisError

        try:
            reply = await self._redis_script()(
                keys=[f"{{{self.prefix}:{key}}}"],
                args=[policy.window * 1000, policy.capacity, cost],
            )
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return self.local.hit(key, policy, cost)
        self._answered()
        allowed, previous, current, elapsed = (int(part) for part in reply)
        return Counts(bool(allowed), previous, current, elapsed)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
