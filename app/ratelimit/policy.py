"""What is limited and for whom: the quota policies, what a request costs, who the client is.

Quotas are counted in units of half a request, so that a `304 Not Modified` (one unit) costs
half of any other response (two units); the headers speak in whole requests.
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import Scope

from app.api.problems import ProblemError
from app.config import Settings

FULL_COST = 2  # units a request costs, unless it is answered 304
NOT_MODIFIED_COST = 1
# Probes, the API description and the problem-type pages: cheap, static, and needed to find
# out why a request was refused, so never limited.
EXEMPT_PREFIXES = (
    *("/health/", "/docs", "/redoc", "/static-offline-docs", "/openapi.json", "/problems/"),
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"
    description = (
        "This client (its API key, or its address without one) used up its quota; failed "
        "authentications have a smaller quota of their own. Wait the seconds in `Retry-After` "
        "(the `t` of the `RateLimit` header) before retrying; `RateLimit-Policy` gives the quota."
    )


@dataclass(frozen=True)
class Policy:
    """`quota` requests per `window` seconds, counted per partition (a key, an address)."""

    name: str
    quota: int
    window: int

    @property
    def capacity(self) -> int:
        return self.quota * FULL_COST


@dataclass(frozen=True)
class Policies:
    anonymous: Policy
    keyed: Policy
    auth_failures: Policy

    @classmethod
    def from_settings(cls, settings: Settings) -> "Policies":
        window = settings.rate_limit_window_seconds
        return cls(
            anonymous=Policy("anonymous", settings.rate_limit_anonymous, window),
            keyed=Policy("key", settings.rate_limit_keyed, window),
            auth_failures=Policy(
                "auth-failures",
                settings.rate_limit_auth_failures,
                settings.rate_limit_auth_failures_window_seconds,
            ),
        )

    def for_key(self, override: int | None) -> Policy:
        """A key's own quota (stored with the key) replaces the default one."""
        if override is None:
            return self.keyed
        return Policy(self.keyed.name, override, self.keyed.window)


def is_exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES)


def request_cost(scope: Scope) -> int:
    """Charged before the response exists: a conditional GET is likely to end in a 304, so it
    is charged the 304's cost up front; if it gets a full response after all, the difference
    is charged then (see the middleware)."""
    if scope["method"] not in ("GET", "HEAD"):
        return FULL_COST
    conditional = any(name in _VALIDATORS for name, _ in scope["headers"])
    return NOT_MODIFIED_COST if conditional else FULL_COST


_VALIDATORS = frozenset({b"if-none-match", b"if-modified-since"})


class ClientAddress:
    """The client's address: the socket peer, or, when the peer is a trusted proxy, the
    nearest untrusted address in `X-Forwarded-For` (read right to left, since each proxy
    appends the address it saw and only the proxies' own entries can be believed)."""

    def __init__(self, trusted: Iterable[str]) -> None:
        self.trusted: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in trusted
        )

    def _trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def __call__(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = str(client[0]) if client else "unknown"
        if not self.trusted:  # no proxy is believed: the peer it is
            return peer
        current = _parse(peer)
        if not self._trusted(current):
            return peer
        forwarded = Headers(scope=scope).getlist("x-forwarded-for")
        hops = [hop.strip() for value in forwarded for hop in value.split(",")]
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break  # garbage from beyond the proxies: the last address we trust wins
            current = address
            if not self._trusted(address):
                break
        return str(current)


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
