"""Pure ASGI middleware: request ids, security headers and the last-resort 500 problem.

Pure ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path. The catch-all
lives here rather than in an `Exception` handler: Starlette moves such handlers outside the user
middleware, where the response would lose these headers (research/reliability-security.md §5).
"""

import logging
import re
import secrets

from starlette.datastructures import MutableHeaders
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
