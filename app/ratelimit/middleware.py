"""Where the limits are applied: a pure ASGI middleware, and two calls from authentication.

- Without credentials, a request is charged to its client address here, before any route work.
- With an `Authorization` header, it is charged once the key is checked (app/auth/dependencies.py
  calls `charge_key` or `charge_auth_failure`), so a stranger who knows a key's public id cannot
  spend that key's quota; failures are charged to the address, with a smaller quota. An address
  this process saw exhaust that quota is refused before its key is even looked up.
- A request with credentials that never reached authentication (e.g. an unknown path) is charged
  to its address when its response starts.

Each request costs one Redis round trip; a conditional GET that ends in a full response after
all pays the difference (a second round trip) when the response starts.
"""

import time
from dataclasses import dataclass, field

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import send_problem
from app.config import Settings
from app.observability.metrics import RATE_LIMIT_REJECTIONS
from app.ratelimit.headers import rate_limit_headers
from app.ratelimit.policy import (
    FULL_COST,
    NOT_MODIFIED_COST,
    ClientAddress,
    Policies,
    Policy,
    TooManyRequests,
    is_exempt,
    request_cost,
)
from app.ratelimit.storage import Counters, Decision, decide

STATE_KEY = "ratelimit"
BLOCKED_PRUNE_SIZE = 10_000


class Limiter:
    """The policies, the counters and the client-address rule of one application."""

    def __init__(self, settings: Settings) -> None:
        self.policies = Policies.from_settings(settings)
        self.counters = Counters(settings.redis_url, settings.rate_limit_redis_prefix)
        self.address = ClientAddress(settings.trusted_proxies)
        self.blocked: dict[str, tuple[float, Policy]] = {}  # address -> (until, policy)

    async def charge(self, partition: str, policy: Policy, cost: int) -> Decision:
        counts = await self.counters.hit(partition, policy, cost)
        return decide(policy, counts, cost)

    def block(self, address: str, decision: Decision) -> None:
        now = time.monotonic()
        if len(self.blocked) > BLOCKED_PRUNE_SIZE:
            self.blocked = {a: b for a, b in self.blocked.items() if b[0] > now}
        self.blocked[address] = (now + decision.reset, decision.policy)

    def blocked_decision(self, address: str) -> Decision | None:
        until, policy = self.blocked.get(address, (0.0, self.policies.auth_failures))
        left = until - time.monotonic()
        if left <= 0:
            self.blocked.pop(address, None)
            return None
        return Decision(policy, False, 0, max(1, round(left + 0.5)))


@dataclass
class Ticket:
    """One request's account: whom it is charged to, at what cost, and the outcome."""

    address: str
    cost: int
    decision: Decision | None = None
    charged: list[str] = field(default_factory=list)  # partition charged


def _ticket(request: Request) -> tuple[Limiter, Ticket] | None:
    ticket = request.scope.get("state", {}).get(STATE_KEY)
    limiter = getattr(request.app.state, "limiter", None)
    if not isinstance(ticket, Ticket) or not isinstance(limiter, Limiter):
        return None
    return limiter, ticket


async def charge_key(request: Request, key_id: str, quota: int | None) -> None:
    """Charge a request with a valid key to that key (its own quota, or the default)."""
    found = _ticket(request)
    if found is None:
        return
    limiter, ticket = found
    partition = f"key:{key_id}"
    ticket.decision = await limiter.charge(partition, limiter.policies.for_key(quota), ticket.cost)
    ticket.charged.append(partition)
    if not ticket.decision.allowed:
        RATE_LIMIT_REJECTIONS.labels(reason="key").inc()
        raise TooManyRequests("This API key used up its quota; see Retry-After.")


async def charge_auth_failure(request: Request) -> None:
    """Count a refused credential against the client's address; past its quota, a 429."""
    found = _ticket(request)
    if found is None:
        return
    limiter, ticket = found
    policy = limiter.policies.auth_failures
    ticket.decision = await limiter.charge(f"addr:{ticket.address}", policy, FULL_COST)
    if not ticket.decision.allowed:
        limiter.block(ticket.address, ticket.decision)
        RATE_LIMIT_REJECTIONS.labels(reason="auth_failure").inc()
        raise TooManyRequests("Too many failed authentications from this address; see Retry-After.")


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        limiter = self.limiter
        ticket = Ticket(address=limiter.address(scope), cost=request_cost(scope))
        scope.setdefault("state", {})[STATE_KEY] = ticket
        anonymous = not any(name == b"authorization" for name, _ in scope["headers"])
        if anonymous:
            partition = f"addr:{ticket.address}"
            policy = limiter.policies.anonymous
            ticket.decision = await limiter.charge(partition, policy, ticket.cost)
            ticket.charged.append(partition)
            if not ticket.decision.allowed:
                detail = "This address used up its quota for requests without an API key"
                RATE_LIMIT_REJECTIONS.labels(reason="address").inc()
                await self._refuse(scope, receive, send, ticket.decision, detail)
                return
        else:
            blocked = limiter.blocked_decision(ticket.address)
            if blocked is not None:
                ticket.decision = blocked
                detail = "Too many failed authentications from this address"
                RATE_LIMIT_REJECTIONS.labels(reason="auth_failure").inc()
                await self._refuse(scope, receive, send, blocked, detail)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._settle(ticket, int(message["status"]))
                if ticket.decision is not None:
                    # Raw pairs: no route sets these fields, and this runs on every answer.
                    extra = rate_limit_headers(ticket.decision).items()
                    message["headers"] = [
                        *message.get("headers", ()),
                        *((name.lower().encode(), value.encode()) for name, value in extra),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _settle(self, ticket: Ticket, status: int) -> None:
        """Charge what the response showed: a request that authentication never saw goes to
        its address, and a conditional request answered in full pays the difference."""
        cost = NOT_MODIFIED_COST if status == 304 else FULL_COST
        if ticket.decision is None:
            partition = f"addr:{ticket.address}"
            policy = self.limiter.policies.anonymous
            ticket.decision = await self.limiter.charge(partition, policy, cost)
        elif ticket.charged and ticket.decision.allowed and cost > ticket.cost:
            decision = await self.limiter.charge(
                ticket.charged[-1], ticket.decision.policy, cost - ticket.cost
            )
            # Charged after the work is done: this request stands whatever the counter says.
            ticket.decision = Decision(
                decision.policy, ticket.decision.allowed, decision.remaining, decision.reset
            )

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, decision: Decision, detail: str
    ) -> None:
        request_id = scope.get("state", {}).get("request_id")
        response = send_problem(
            TooManyRequests,
            request_id if isinstance(request_id, str) else None,
            f"{detail}; see Retry-After.",
            headers=rate_limit_headers(decision),
        )
        await response(scope, receive, send)
