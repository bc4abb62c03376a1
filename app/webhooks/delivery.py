"""Sending one signed message: the HTTP client (guarded, no redirects, no proxies, timeouts)
and what came back."""

import email.utils
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore2
import httpx2 as httpx

from app.config import Settings
from app.webhooks.guard import ForbiddenAddress, GuardedBackend

USER_AGENT = "Newsroom-Webhooks/1.0 (+https://www.standardwebhooks.com)"
MAX_RETRY_AFTER_SECONDS = 24 * 3600  # a longer Retry-After is capped, not obeyed blindly


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None  # the exception's class when no answer came
    retry_after: float | None  # seconds, from a 429 or 503
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the address guard as its network backend."""

    def __init__(self, settings: Settings) -> None:
        # trust_env=False: an HTTP(S)_PROXY from the environment would connect on our behalf,
        # past the guard.
        super().__init__(trust_env=False)
        self._pool = httpcore2.ConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=20,
            keepalive_expiry=30.0,
            network_backend=GuardedBackend(settings.webhooks_allow_private_targets),
        )


def make_client(settings: Settings) -> httpx.Client:
    return httpx.Client(
        transport=GuardedTransport(settings),
        timeout=httpx.Timeout(settings.webhooks_timeout_seconds),
        follow_redirects=False,  # a redirect is a failed attempt: its target went unchecked
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_SECONDS)


def send(
    client: httpx.Client, url: str, body: str, headers: dict[str, str], now: datetime
) -> Outcome:
    started = time.monotonic()
    try:
        # Streamed and closed unread: a target cannot make the worker download anything.
        with client.stream("POST", url, content=body.encode(), headers=headers) as response:
            status_code, retry_header = response.status_code, response.headers.get("retry-after")
    except (httpx.HTTPError, ForbiddenAddress, OSError) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(None, type(exc).__name__, None, elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    retry_after = None
    if status_code in (429, 503):
        retry_after = retry_after_seconds(retry_header, now)
    return Outcome(status_code, None, retry_after, elapsed)
