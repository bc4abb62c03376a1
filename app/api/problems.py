"""RFC 9457 problem details for every 4xx and 5xx the API sends, the framework's own included."""

import json
import logging
import re
from datetime import datetime
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import compile_path

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("app.problems")


class FieldError(BaseModel):
    """One invalid input: a `pointer` (RFC 6901) into the body, or the `parameter` name."""

    model_config = ConfigDict(extra="forbid")

    detail: str
    pointer: str | None = None
    parameter: str | None = None
    allowed: list[str] | None = None


class Problem(BaseModel):
    """An error, as `application/problem+json` (RFC 9457). Submitted values are never echoed."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "/problems/not-found",
                "title": "Resource not found",
                "status": 404,
                "detail": "No published statement has this id or slug.",
                "request_id": "6f1c0a4e9b0d4d8e",
            }
        }
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


# Problem types the API documents at /problems/{slug}: slug -> (title, description).
PROBLEM_TYPES: dict[str, tuple[str, str]] = {}


class ProblemError(Exception):
    """Raised by services and dependencies; rendered by the handler below, never as a 500.

    A subclass that names its own `slug` and `description` is documented at
    `/problems/{slug}` as soon as its module is imported (tests/api/test_problem_types.py
    checks that every type the code can send is).
    """

    status: ClassVar[int] = 500
    slug: ClassVar[str | None] = None
    title: ClassVar[str] = "Internal server error"
    description: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.slug is not None and "description" in cls.__dict__ and cls.description:
            PROBLEM_TYPES[cls.slug] = (cls.title, cls.description)

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        # RFC 9457 extension members (JSON-ready values), documented per problem type.
        self.extensions = extensions or {}


class BadRequest(ProblemError):
    status = 400
    slug = "bad-request"
    title = "Bad request"
    description = "The request is malformed in a way no field-level error describes."


class MalformedBody(ProblemError):
    status = 400
    slug = "malformed-body"
    title = "The body is not valid JSON"
    description = (
        "The request body could not be parsed as JSON (UTF-8, RFC 8259). Nothing was changed; "
        "fix the syntax and send it again."
    )


class InvalidCursor(ProblemError):
    status = 400
    slug = "invalid-cursor"
    title = "Invalid pagination cursor"
    description = (
        "The cursor was altered, truncated or made for another sort order. "
        "Start again from the first page."
    )


class CorsRefused(ProblemError):
    status = 400
    slug = "cors-refused"
    title = "Cross-origin request refused"
    description = (
        "A browser's CORS preflight asked for an origin, method or header this API does not "
        "allow from browsers; `detail` says which. Server-to-server calls need no CORS."
    )


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Resource not found"
    description = "The resource does not exist or is not published."


class MethodNotAllowed(ProblemError):
    status = 405
    slug = "method-not-allowed"
    title = "Method not allowed on this path"
    description = (
        "The path exists but does not support this method; the `Allow` header lists every "
        "method it does support."
    )


class ContentTooLarge(ProblemError):
    status = 413
    slug = "content-too-large"
    title = "Request body too large"
    description = "The request body is larger than this API accepts; `detail` gives the limit."


class UriTooLong(ProblemError):
    status = 414
    slug = "uri-too-long"
    title = "URI too long"
    description = (
        "The path and query together are longer than this API accepts; `detail` gives the limit. "
        "Narrow the filters or split the request."
    )


class UnsupportedMediaType(ProblemError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"
    description = (
        "Request bodies must be JSON, sent with `Content-Type: application/json`; the `Accept` "
        "header of the response says so too."
    )


class InvalidParameters(ProblemError):
    status = 422
    slug = "invalid-parameters"
    title = "Invalid request parameters"
    description = (
        "One or more parameters are invalid; `errors` names each one "
        "and, for unknown names or values, lists the allowed ones."
    )


class InternalError(ProblemError):
    status = 500
    slug = "internal-error"
    title = "Internal server error"
    description = (
        "Something failed on our side; nothing about it is in the response. Quote the "
        "`request_id` when reporting it. Retrying a write is safe with an `Idempotency-Key`."
    )


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "service-unavailable"
    title = "Service temporarily unavailable"
    description = "A dependency such as the database is unavailable; retry later."


def problem_type(slug: str | None) -> str:
    return f"/problems/{slug}" if slug else "about:blank"


def request_id_of(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def problem_response(
    request_id: str | None,
    *,
    status: int,
    title: str | None = None,
    detail: str | None = None,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    problem = Problem(
        type=problem_type(slug),
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        request_id=request_id,
        errors=errors,
    )
    content = problem.model_dump_json(exclude_none=True)
    if extensions:
        members = {**problem.model_dump(mode="json", exclude_none=True), **extensions}
        content = json.dumps(members, separators=(",", ":"), ensure_ascii=False)
    response = Response(
        content=content,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def send_problem(
    kind: type[ProblemError],
    request_id: str | None,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """The problem response of a type raised outside any route (middleware, framework)."""
    return problem_response(
        request_id,
        status=kind.status,
        title=kind.title,
        slug=kind.slug,
        detail=detail,
        headers=headers,
    )


_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_.:@+-]{1,64}$")


def _echo_safe(path: list[int | str]) -> list[int | str]:
    """The location's parts up to the first that is not plainly a name: body keys are submitted
    too, and are echoed only when they could not carry anything else. A bad dict key points at
    its entry (pydantic adds a `[key]` part)."""
    kept: list[int | str] = []
    for part in path:
        if part == "[key]":
            continue
        if not isinstance(part, int) and not _PLAIN_NAME.match(part):
            break
        kept.append(part)
    return kept


def _location_to_field(loc: tuple[int | str, ...]) -> FieldError:
    where, *path = loc or ("body",)
    path = _echo_safe(path)
    if where == "body":
        # RFC 6901 in a URI fragment; `#` alone is the whole body.
        pointer = "#" + "".join(f"/{part}" for part in path)
        return FieldError(detail="", pointer=pointer)
    return FieldError(detail="", parameter=".".join(str(part) for part in path) or str(where))


async def _handle_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request_id_of(request),
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        slug=exc.slug,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        # A syntax error has no field to point at (pydantic's location is a byte offset).
        return send_problem(MalformedBody, request_id_of(request), MalformedBody.description or "")
    errors = []
    for error in exc.errors():
        field = _location_to_field(tuple(error.get("loc", ())))
        # Only pydantic's message: its `input` may carry what the client sent.
        field.detail = str(error.get("msg", "Invalid value"))
        if error.get("type") in ("literal_error", "enum"):
            # `expected` comes from the schema, not the input: the allowed values.
            expected = str(error.get("ctx", {}).get("expected", ""))
            field.allowed = re.findall(r"'([^']*)'", expected) or None
        errors.append(field)
    return problem_response(
        request_id_of(request),
        status=422,
        title=InvalidParameters.title,
        slug=InvalidParameters.slug,
        detail=f"{len(errors)} invalid parameter(s); see `errors`.",
        errors=errors,
    )


# What the router and the framework raise, by status: the type and the detail to send.
_FRAMEWORK_PROBLEMS: dict[int, tuple[type[ProblemError], str]] = {
    400: (BadRequest, "The request could not be read."),
    404: (NotFound, "No resource exists at this path."),
    405: (MethodNotAllowed, "This method is not supported on this path; see the Allow header."),
    413: (ContentTooLarge, "The request body is larger than this API accepts."),
    415: (UnsupportedMediaType, "Send the body as application/json."),
}


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path, from the routing table (HEAD wherever
    GET is, since every GET route answers HEAD)."""
    path = request.scope.get("route_path") or request.url.path
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path and route.methods and compile_path(route.path)[0].match(path):
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    if exc.status_code in _FRAMEWORK_PROBLEMS:
        kind, detail = _FRAMEWORK_PROBLEMS[exc.status_code]
        return send_problem(kind, request_id_of(request), detail, headers=headers)
    return problem_response(request_id_of(request), status=exc.status_code, headers=headers)


async def _handle_stale(request: Request, exc: Exception) -> Response:
    # Two writers held the same version; the other one committed first.
    return problem_response(
        request_id_of(request),
        status=412,
        title="The resource changed since you read it",
        slug="precondition-failed",
        detail="Someone changed this resource while your update was in flight; read it again.",
    )


async def _handle_integrity(request: Request, exc: Exception) -> Response:
    # A concurrent write took the same unique value (slug, code, key) after our checks ran.
    return problem_response(
        request_id_of(request),
        status=409,
        title=Conflict.title,
        slug=Conflict.slug,
        detail="This conflicts with another write made at the same time (a duplicate slug, "
        "code or key); read the current state and retry.",
    )


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a query ended by statement_timeout


async def _handle_unavailable(request: Request, exc: Exception) -> Response:
    # The database is unreachable or timed out: a retry later may well succeed.
    logger.warning("database unavailable (request_id=%s): %s", request_id_of(request), exc)
    detail = "The database is not reachable right now; retry in a few seconds."
    if isinstance(exc, PoolTimeout):  # reachable, but every connection was taken meanwhile
        detail = "No database connection was free in time; retry in a few seconds."
    elif getattr(getattr(exc, "orig", None), "sqlstate", None) == QUERY_CANCELED:
        detail = "The database took too long to answer; retry in a few seconds."
    return problem_response(
        request_id_of(request),
        status=503,
        title=ServiceUnavailable.title,
        slug=ServiceUnavailable.slug,
        detail=detail,
        headers={"Retry-After": "5"},
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(StaleDataError, _handle_stale)
    app.add_exception_handler(IntegrityError, _handle_integrity)
    app.add_exception_handler(OperationalError, _handle_unavailable)
    app.add_exception_handler(PoolTimeout, _handle_unavailable)  # no free connection
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for a route's errors (app.api.openapi sets their media type)."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase} for status in statuses
    }


class Conflict(ProblemError):
    status = 409
    slug = "conflict"
    title = "Conflict with the resource's current state"
    description = (
        "The request is valid but the resource's current state does not allow it, e.g. a status "
        "change out of a terminal status. `detail` says which rule refused it."
    )


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"
    description = (
        "The request needs a valid API key in `Authorization: Bearer <token>`, or the key given "
        "is malformed, unknown, revoked or expired (the answer does not say which)."
    )


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this API key"
    description = "The API key is valid but lacks the scope this request needs; `detail` names it."


class Withdrawn(ProblemError):
    status = 410
    slug = "withdrawn"
    title = "This resource was withdrawn"
    description = (
        "It was taken down after being public. Members: `withdrawn_at` (when), `note` (the "
        "editor's public note) and `resource_title` (its title, in the requested language where "
        "it has one); `detail` repeats the date and the note. Partners mirroring it should remove "
        "it. Content that was never public is never a 410: its URL is a 404."
    )

    @classmethod
    def of(cls, *, withdrawn_at: datetime, note: str | None, title: str | None) -> "Withdrawn":
        """The 410 of content that was public: when, why (the editor's public note), what."""
        return cls(
            f"Withdrawn on {withdrawn_at:%Y-%m-%d}: {note}",
            extensions={
                "withdrawn_at": withdrawn_at.isoformat().replace("+00:00", "Z"),
                "note": note,
                "resource_title": title,
            },
        )


class WithdrawnProblem(Problem):
    """The 410 problem of withdrawn content, with its extension members."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "/problems/withdrawn",
                "title": "This resource was withdrawn",
                "status": 410,
                "detail": "Withdrawn on 2026-11-20: Published in error.",
                "withdrawn_at": "2026-11-20T09:30:00Z",
                "note": "Published in error.",
                "resource_title": "IOM welcomes the declaration",
                "request_id": "6f1c0a4e9b0d4d8e",
            }
        }
    )

    withdrawn_at: datetime
    note: str | None = None
    resource_title: str | None = None
