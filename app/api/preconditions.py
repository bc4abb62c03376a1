"""Optimistic concurrency: writes name the version they change with `If-Match` (RFC 9110 §13)."""

from fastapi import Request

from app.api.problems import PROBLEM_TYPES, ProblemError


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"
    title = "If-Match required"


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"
    title = "The resource changed since you read it"


def version_etag(resource_id: str, version: int) -> str:
    """The strong ETag of a resource's editorial representation."""
    return f'"{resource_id}.{version}"'


def require_if_match(request: Request, current: str) -> None:
    """428 without `If-Match`; 412 unless it names the current version (strong comparison,
    so a weak `W/` tag never matches)."""
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so that no one's change is overwritten."
        )
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        "Someone changed this resource after you read it; read it again and retry.",
        headers={"ETag": current},
    )


PROBLEM_TYPES[PreconditionRequired.slug] = (
    PreconditionRequired.title,
    "Updates and deletes must send `If-Match` with the ETag of the version they change.",
)
PROBLEM_TYPES[PreconditionFailed.slug] = (
    PreconditionFailed.title,
    "The `If-Match` ETag is not the current one: someone else changed the resource. Read it "
    "again (the current ETag is in this response's `ETag` header) and reapply your change.",
)
