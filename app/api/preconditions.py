"""Optimistic concurrency: writes name the version they change with `If-Match` (RFC 9110 §13)."""

from fastapi import Request

from app.api.conditional import entity_tags
from app.api.problems import ProblemError


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"
    title = "If-Match required"
    description = (
        "Updates and deletes must send `If-Match` with the ETag of the version they change (a "
        "comma-separated list is fine: it matches when any member is current). `*` is not "
        "accepted, because it would let concurrent edits overwrite each other."
    )


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"
    title = "The resource changed since you read it"
    description = (
        "The `If-Match` ETag is not the current one: someone else changed the resource. Read it "
        "again (the current ETag is in this response's `ETag` header) and reapply your change."
    )


def version_etag(resource_id: str, version: int) -> str:
    """The strong ETag of a resource's editorial representation."""
    return f'"{resource_id}.{version}"'


def require_if_match(request: Request, current: str) -> None:
    """428 unless `If-Match` names at least one ETag; 412 unless one of them is the current
    version (strong comparison, so a weak `W/` tag never matches).

    `*` ("any version") is refused: it would let every one of several concurrent edits
    overwrite the others, which is the lost update this header exists to prevent.
    """
    fields = request.headers.getlist("if-match")
    if not fields:
        raise PreconditionRequired(
            "Send If-Match with the ETag you read, so that no one's change is overwritten."
        )
    if any(value.strip() == "*" for value in fields):
        raise PreconditionRequired(
            "If-Match: * is not accepted here: it matches every version, so concurrent edits "
            "would overwrite each other. Send the ETag of the version you read."
        )
    tags = entity_tags(fields)
    if not tags:
        raise PreconditionRequired(
            'If-Match holds no ETag: send the ETag you read, quotes included (e.g. "id.3").'
        )
    if current in tags:
        return
    raise PreconditionFailed(
        "Someone changed this resource after you read it; read it again and retry.",
        headers={"ETag": current},
    )
