"""Write endpoints for commitments: create, update, delete, publish, and progress reports."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.idempotency import idempotent
from app.api.paths import segment_except
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.auth.dependencies import CommitmentsWriter, Publisher
from app.commitments import drafting, editing, progress, working_copy
from app.commitments.models import Commitment
from app.commitments.write_schemas import (
    CommitmentCreate,
    CommitmentEditorial,
    CommitmentUpdate,
    ProgressIn,
    ProgressRecorded,
)
from app.db import SessionDep
from app.statements.schemas import ScheduleIn, WithdrawIn

router = APIRouter(prefix="/commitments", tags=["commitments: editing"])
# Named like the public read's parameter: one path, one parameter name (OpenAPI requires it).
ID = segment_except("summary")  # `/v1/commitments/summary` is not a commitment
CommitmentId = Annotated[
    str,
    Path(
        alias="id_or_code",
        max_length=32,
        pattern=r"^cmt_[0-9a-z]{26}$",
        description="The commitment's id (writes take the id, not a code).",
        examples=["cmt_01j0c3d2e8f7g6h5j4k3m2n1p0"],
    ),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 413, 422, 428)


def _response(session: Session, commitment: Commitment, status: int = 200) -> Response:
    etag = version_etag(commitment.id, commitment.version)
    model = working_copy.with_pending(session, drafting.editorial(session, commitment))
    return editorial_response(model, etag, status)


def _locked(session: Session, request: Request, commitment_id: str) -> Commitment:
    commitment = editing.load(session, commitment_id)
    require_if_match(request, version_etag(commitment.id, commitment.version))
    return commitment


@router.post(
    "",
    status_code=201,
    response_model=CommitmentEditorial,
    summary="Create a commitment (as a draft)",
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_commitment(
    request: Request, session: SessionDep, editor: CommitmentsWriter, body: CommitmentCreate
) -> Response:
    """A new draft commitment, status `announced`. Quotes are checked against the cited
    paragraph in each language. `Idempotency-Key` makes retries safe."""

    def create() -> Response:
        commitment = editing.create(session, body, principal=editor, now=request.app.state.clock())
        response = _response(session, commitment, status=201)
        response.headers["Location"] = f"/v1/commitments/{commitment.id}/editorial"
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.get(
    f"/{{id_or_code:{ID}}}/editorial",
    response_model=CommitmentEditorial,
    summary="Get a commitment as editors see it",
    responses=problem_responses(401, 403, 404),
)
async def get_commitment_editorial(
    session: SessionDep, editor: CommitmentsWriter, commitment_id: CommitmentId
) -> Response:
    """All languages and states; its `ETag` is what updates send in `If-Match`."""
    return _response(session, editing.load(session, commitment_id))


@router.patch(
    f"/{{id_or_code:{ID}}}",
    response_model=CommitmentEditorial,
    summary="Update a commitment",
    responses=WRITE_ERRORS,
)
async def update_commitment(
    request: Request,
    session: SessionDep,
    editor: CommitmentsWriter,
    commitment_id: CommitmentId,
    body: CommitmentUpdate,
) -> Response:
    """Change some fields (never the status: report progress for that); needs `If-Match`.
    Writing is not publishing: on a live commitment (public, scheduled, or withdrawn after
    being public) a key without `content:publish` edits a pending working copy (`pending`,
    `pending_changes`) that a publisher's `publish` applies; a publisher's PATCH applies at
    once, with the pending copy merged in. A published commitment's source must stay a public
    statement (else 409)."""
    commitment = _locked(session, request, commitment_id)
    editing.update(session, commitment, body, principal=editor, now=request.app.state.clock())
    return _response(session, commitment)


@router.delete(
    f"/{{id_or_code:{ID}}}", status_code=204, summary="Delete a commitment", responses=WRITE_ERRORS
)
async def delete_commitment(
    request: Request, session: SessionDep, editor: CommitmentsWriter, commitment_id: CommitmentId
) -> Response:
    """Soft delete (partners receive a tombstone); needs `If-Match`, and `content:publish`
    unless the commitment is a draft that was never public."""
    commitment = _locked(session, request, commitment_id)
    editing.remove(session, commitment, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.post(
    f"/{{id_or_code:{ID}}}/publish",
    response_model=CommitmentEditorial,
    summary="Publish a commitment",
    responses=WRITE_ERRORS,
)
async def publish_commitment(
    request: Request, session: SessionDep, publisher: Publisher, commitment_id: CommitmentId
) -> Response:
    """Visible at once, with its pending working copy applied; needs `If-Match` and
    `content:publish`."""
    commitment = _locked(session, request, commitment_id)
    now = request.app.state.clock()
    editing.set_published(session, commitment, publish=True, principal=publisher, now=now)
    return _response(session, commitment)


@router.post(
    f"/{{id_or_code:{ID}}}/schedule",
    response_model=CommitmentEditorial,
    summary="Schedule a commitment",
    responses=WRITE_ERRORS,
)
async def schedule_commitment(
    request: Request,
    session: SessionDep,
    publisher: Publisher,
    commitment_id: CommitmentId,
    body: ScheduleIn,
) -> Response:
    """Goes live at `publish_at` with no one acting; needs `If-Match` and `content:publish`."""
    commitment = _locked(session, request, commitment_id)
    now = request.app.state.clock()
    editing.set_published(
        session, commitment, publish=True, principal=publisher, now=now, at=body.publish_at
    )
    return _response(session, commitment)


@router.post(
    f"/{{id_or_code:{ID}}}/withdraw",
    response_model=CommitmentEditorial,
    summary="Withdraw a commitment",
    responses=WRITE_ERRORS,
)
async def withdraw_commitment(
    request: Request,
    session: SessionDep,
    publisher: Publisher,
    commitment_id: CommitmentId,
    body: WithdrawIn,
) -> Response:
    """Taken down with a public note: its URL answers 410 with the note."""
    commitment = _locked(session, request, commitment_id)
    now = request.app.state.clock()
    editing.withdraw(session, commitment, note=body.note, principal=publisher, now=now)
    return _response(session, commitment)


@router.post(
    f"/{{id_or_code:{ID}}}/unpublish",
    response_model=CommitmentEditorial,
    summary="Unpublish a commitment",
    responses=WRITE_ERRORS,
)
async def unpublish_commitment(
    request: Request, session: SessionDep, publisher: Publisher, commitment_id: CommitmentId
) -> Response:
    """Back to draft; needs `If-Match` and `content:publish`."""
    commitment = _locked(session, request, commitment_id)
    now = request.app.state.clock()
    editing.set_published(session, commitment, publish=False, principal=publisher, now=now)
    return _response(session, commitment)


@router.post(
    f"/{{id_or_code:{ID}}}/discard",
    response_model=CommitmentEditorial,
    summary="Discard a commitment's pending working copy",
    responses=WRITE_ERRORS,
)
async def discard_commitment_pending(
    request: Request, session: SessionDep, editor: CommitmentsWriter, commitment_id: CommitmentId
) -> Response:
    """Throw away the pending working copy of a live commitment (a 409 when there is none);
    needs `If-Match`. The public never saw it."""
    commitment = _locked(session, request, commitment_id)
    now = request.app.state.clock()
    editing.discard_pending(session, commitment, principal=editor, now=now)
    return _response(session, commitment)


@router.post(
    f"/{{id_or_code:{ID}}}/progress",
    status_code=201,
    response_model=ProgressRecorded,
    summary="Report progress on a commitment",
    responses=WRITE_ERRORS,
)
async def report_progress(
    request: Request,
    session: SessionDep,
    editor: CommitmentsWriter,
    commitment_id: CommitmentId,
    body: ProgressIn,
) -> Response:
    """Append a dated progress report; a status change must follow the lifecycle (a refused
    change is a 409 naming the allowed ones). Needs `If-Match` with the commitment's ETag, and
    `content:publish` when the commitment is live (the public sees a report at once)."""
    commitment = _locked(session, request, commitment_id)
    update = progress.report(
        session, commitment, body, principal=editor, now=request.app.state.clock()
    )
    recorded = ProgressRecorded(
        id=update.id,
        sequence=update.sequence,
        status=update.status,
        commitment_version=commitment.version,
    )
    return Response(
        content=recorded.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={
            "ETag": version_etag(commitment.id, commitment.version),
            # An update lives in its commitment: this is the one the ETag describes, as its
            # creator can read it whatever its state (the public item is a 404 for a draft).
            "Location": f"/v1/commitments/{commitment.id}/editorial",
            "Cache-Control": "no-store",
        },
    )
