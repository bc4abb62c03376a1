"""Pure ASGI middleware: request ids, security headers, HEAD, request limits, CORS refusals
and the last-resort 500 problem.

Pure ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path. The catch-all
lives here rather than in an `Exception` handler: Starlette moves such handlers outside the user
middleware, where the response would lose these headers (research/reliability-security.md §5).
Order, outermost first (app/main.py): RequestContext, Observability, CORS, RateLimit, the public
read pipeline (cache hits), then the framework's own stack with HttpSemantics, UnhandledError,
Hygiene and BodyLimit. Everything inside RequestContext gets the request id and the security
headers, and a 500 raised by a route still passes through CORS, so a browser can read it.
"""

import itertools
import logging
import re
import secrets
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import (
    ContentTooLarge,
    CorsRefused,
    InternalError,
    UnsupportedMediaType,
    UriTooLong,
    send_problem,
)

logger = logging.getLogger("app.errors")

_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
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


def _encoded(csp: str) -> list[tuple[bytes, bytes]]:
    pairs = [("Content-Security-Policy", csp), *STATIC_HEADERS]
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, docs_paths: tuple[str, ...]) -> None:
        self.app = app
        self.docs_paths = docs_paths
        self.api_headers = _encoded(API_CSP)
        self.docs_headers = _encoded(DOCS_CSP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
                break
        request_id = (
            incoming.decode("latin-1") if _REQUEST_ID.match(incoming) else next_request_id()
        )
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        fixed = self.docs_headers if path.startswith(self.docs_paths) else self.api_headers
        stamp = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw pairs (this runs on every answer): ours unless the response set its own.
                headers = [pair for pair in message.get("headers", ()) if pair[0] != stamp[0]]
                present = {name for name, _ in headers}
                headers.append(stamp)
                headers.extend(pair for pair in fixed if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await _answer_500_on_error(self.app, scope, receive, send_with_headers)


_REQUEST_ID_PREFIX = secrets.token_hex(4)  # this process's; the counter tells its requests apart
_request_counter = itertools.count(secrets.randbelow(1 << 24))


def next_request_id() -> str:
    """Unique without a system call per request: a random prefix per process and a counter."""
    return f"{_REQUEST_ID_PREFIX}{next(_request_counter) & 0xFFFFFFFFFF:010x}"


async def _answer_500_on_error(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except Exception:
        request_id = _request_id(scope)
        logger.exception("unhandled error (request_id=%s)", request_id)
        if started:
            raise
        response = send_problem(
            InternalError,
            request_id,
            "An unexpected error occurred. Quote the request_id when reporting it.",
        )
        await response(scope, receive, send)


def _request_id(scope: Scope) -> str | None:
    value = scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


class UnhandledErrorMiddleware:
    """The 500 problem, answered inside CORS so that a browser may read it. (RequestContext
    keeps the same catch-all for anything failing outside this one.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _answer_500_on_error(self.app, scope, receive, send)


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# RFC 9110 §4.1 recommends supporting URIs of at least 8000 octets; this is the line past it.
MAX_URL_BYTES = 8192


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class HttpSemanticsMiddleware:
    """HEAD on every GET route, and the request limits no route should have to repeat.

    HEAD runs the GET and drops its body, so its headers (ETag, Cache-Control, Content-Length)
    and its 304 are the GET's by construction. An over-long URL is a 414 problem before any
    routing; a body that is not JSON is a 415 problem before any parsing.
    """

    def __init__(self, app: ASGIApp, *, max_url_bytes: int = MAX_URL_BYTES) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        get = {**scope, "method": "GET"}

        async def headers_only(message: Message) -> None:
            if "route" in get:  # the matched route, for the access log and metrics outside
                scope["route"] = get["route"]
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(get, receive, headers_only)

    def _refusal(self, scope: Scope) -> Response | None:
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(
            scope.get("query_string", b"")
        )
        request_id = _request_id(scope)
        if url_bytes > self.max_url_bytes:
            return send_problem(
                UriTooLong,
                request_id,
                f"Path and query are limited to {self.max_url_bytes} bytes together.",
            )
        headers = Headers(scope=scope)
        has_body = "transfer-encoding" in headers or headers.get("content-length", "0") != "0"
        if (
            scope["method"] in BODY_METHODS
            and has_body
            and not _is_json(headers.get("content-type", ""))
        ):
            return send_problem(
                UnsupportedMediaType,
                request_id,
                "Send the body as JSON, with Content-Type: application/json.",
                headers={"Accept": "application/json"},
            )
        return None


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered as a problem rather than plain
    text. Starlette's message names only which of origin, method or headers failed, never a
    submitted value, so it is safe to pass on."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "origin" not in headers or "access-control-request-method" not in headers:
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code >= 400:
            reason = bytes(response.body).decode("utf-8", "replace")
            kept = {
                name: value
                for name, value in response.headers.items()
                if name not in ("content-type", "content-length")
            }
            response = send_problem(
                CorsRefused,
                _request_id(scope),
                f"{reason}: this API answers browsers only from the origins, methods and "
                "headers it is configured for.",
                headers=kept,
            )
        await response(scope, receive, send)


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
        response = send_problem(
            ContentTooLarge,
            request_id if isinstance(request_id, str) else None,
            f"Request bodies are limited to {self.max_bytes} bytes.",
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
