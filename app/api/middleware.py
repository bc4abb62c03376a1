"""Pure ASGI middleware: request ids, security headers and the last-resort 500 problem.

Pure ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path. The catch-all
lives here rather than in an `Exception` handler: Starlette moves such handlers outside the user
middleware, where the response would lose these headers (research/reliability-security.md §5).
"""

import logging
import re
import secrets
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response

logger = logging.getLogger("app.errors")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and ReDoc bootstrap with an inline script and inline styles, and ReDoc runs a
# blob: worker; their assets are served by the app itself, so nothing else is allowed.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'"
)
STATIC_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, docs_paths: tuple[str, ...]) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        csp = DOCS_CSP if path.startswith(self.docs_paths) else API_CSP
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers.setdefault("Content-Security-Policy", csp)
                for name, value in STATIC_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error (request_id=%s)", request_id)
            if started:
                raise
            response = problem_response(
                request_id,
                status=500,
                detail="An unexpected error occurred. Quote the request_id when reporting it.",
            )
            await response(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body passes the limit; an HTTPException so that FastAPI's
    body parsing re-raises it as it is (any other error there becomes a 400)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimitMiddleware:
    """Refuses request bodies over `max_bytes` with a 413 problem, chunked ones included:
    the declared length is checked first, then the bytes actually streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, request_id)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, request_id)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, request_id: Any) -> None:
        response = problem_response(
            request_id if isinstance(request_id, str) else None,
            status=413,
            detail=f"Request bodies are limited to {self.max_bytes} bytes.",
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
