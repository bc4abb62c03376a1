"""RFC 9457 problem details for every 4xx and 5xx the API sends, the framework's own included."""

import logging
import re
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

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


class ProblemError(Exception):
    """Raised by services and dependencies; rendered by the handler below, never as a 500."""

    status: ClassVar[int] = 500
    slug: ClassVar[str | None] = None
    title: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class BadRequest(ProblemError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class InvalidCursor(ProblemError):
    status = 400
    slug = "invalid-cursor"
    title = "Invalid pagination cursor"


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Resource not found"


class InvalidParameters(ProblemError):
    status = 422
    slug = "invalid-parameters"
    title = "Invalid request parameters"


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "service-unavailable"
    title = "Service temporarily unavailable"


# Problem types the API documents at /problems/{slug}.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    cls.slug: (cls.title, description)
    for cls, description in (
        (BadRequest, "The request is malformed in a way no field-level error describes."),
        (
            InvalidCursor,
            "The cursor was altered, truncated or made for another sort order. "
            "Start again from the first page.",
        ),
        (NotFound, "The resource does not exist or is not published."),
        (
            InvalidParameters,
            "One or more parameters are invalid; `errors` names each one "
            "and, for unknown names or values, lists the allowed ones.",
        ),
        (ServiceUnavailable, "A dependency such as the database is unavailable; retry later."),
    )
    if cls.slug is not None
}


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
) -> Response:
    problem = Problem(
        type=problem_type(slug),
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        request_id=request_id,
        errors=errors,
    )
    response = Response(
        content=problem.model_dump_json(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
    )


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
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


_ROUTER_DETAILS = {
    404: "No resource exists at this path.",
    405: "This method is not supported on this path; see the Allow header.",
    413: "The request body is larger than this API accepts.",
}


async def _handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    return problem_response(
        request_id_of(request),
        status=exc.status_code,
        detail=_ROUTER_DETAILS.get(exc.status_code),
        headers=headers,
    )


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


async def _handle_unavailable(request: Request, exc: Exception) -> Response:
    # The database is unreachable or timed out: a retry later may well succeed.
    logger.warning("database unavailable (request_id=%s): %s", request_id_of(request), exc)
    return problem_response(
        request_id_of(request),
        status=503,
        title=ServiceUnavailable.title,
        slug=ServiceUnavailable.slug,
        detail="The database is not reachable right now; retry in a few seconds.",
        headers={"Retry-After": "5"},
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(StaleDataError, _handle_stale)
    app.add_exception_handler(IntegrityError, _handle_integrity)
    app.add_exception_handler(OperationalError, _handle_unavailable)
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


PROBLEM_TYPES[Conflict.slug] = (
    Conflict.title,
    "The request is valid but the resource's current state does not allow it, e.g. a status "
    "change out of a terminal status. `detail` says which rule refused it.",
)


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this API key"


PROBLEM_TYPES[Unauthorized.slug] = (
    Unauthorized.title,
    "The request needs a valid API key in `Authorization: Bearer <token>`, or the key given is "
    "malformed, unknown, revoked or expired (the answer does not say which).",
)
PROBLEM_TYPES[Forbidden.slug] = (
    Forbidden.title,
    "The API key is valid but lacks the scope this request needs; `detail` names it.",
)


class Withdrawn(ProblemError):
    status = 410
    slug = "withdrawn"
    title = "This resource was withdrawn"


PROBLEM_TYPES[Withdrawn.slug] = (
    Withdrawn.title,
    "It was taken down; `detail` gives the date and the public note. Partners mirroring it "
    "should remove it.",
)
