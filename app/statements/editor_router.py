"""Write endpoints for statements: create, update, delete, publish, schedule, withdraw."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.idempotency import idempotent
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.auth.dependencies import Publisher, StatementsWriter
from app.db import SessionDep
from app.statements import drafting, editing, working_copy
from app.statements.models import Statement
from app.statements.schemas import (
    ScheduleIn,
    StatementCreate,
    StatementEditorial,
    StatementUpdate,
    WithdrawIn,
)

router = APIRouter(prefix="/statements", tags=["statements: editing"])
# Named like the public read's parameter: one path, one parameter name (OpenAPI requires it).
StatementId = Annotated[
    str,
    Path(
        alias="id_or_slug",
        max_length=32,
        pattern=r"^stm_[0-9a-z]{26}$",
        description="The statement's id (writes take the id, not a slug).",
    ),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 413, 422, 428)


def _editorial_response(
    session: Session, statement: Statement, request: Request, status: int = 200
) -> Response:
    model = drafting.editorial(session, statement, request.app.state.clock())
    model = working_copy.with_pending(session, model)
    return editorial_response(model, version_etag(statement.id, statement.version), status)


def _locked(session: Session, request: Request, statement_id: str) -> Statement:
    statement = editing.load(session, statement_id)
    require_if_match(request, version_etag(statement.id, statement.version))
    return statement


@router.post(
    "",
    status_code=201,
    response_model=StatementEditorial,
    summary="Create a statement (as a draft)",
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_statement(
    request: Request, session: SessionDep, editor: StatementsWriter, body: StatementCreate
) -> Response:
    """A new draft, invisible to the public until published. Send `Idempotency-Key` to make
    retries safe: the same key and body replay the first response."""

    def create() -> Response:
        statement = editing.create(session, body, principal=editor, now=request.app.state.clock())
        response = _editorial_response(session, statement, request, status=201)
        response.headers["Location"] = f"/v1/statements/{statement.id}/editorial"
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.get(
    "/{id_or_slug}/editorial",
    response_model=StatementEditorial,
    summary="Get a statement as editors see it",
    responses=problem_responses(401, 403, 404),
)
async def get_statement_editorial(
    request: Request, session: SessionDep, editor: StatementsWriter, statement_id: StatementId
) -> Response:
    """All languages, status and schedule. Its `ETag` is what updates send in `If-Match`."""
    return _editorial_response(session, editing.load(session, statement_id), request)


@router.patch(
    "/{id_or_slug}",
    response_model=StatementEditorial,
    summary="Update a statement",
    responses=WRITE_ERRORS,
)
async def update_statement(
    request: Request,
    session: SessionDep,
    editor: StatementsWriter,
    statement_id: StatementId,
    body: StatementUpdate,
) -> Response:
    """Change some fields; needs `If-Match`. Writing is not publishing: on a live statement
    (public, scheduled, or withdrawn after being public) a key without `content:publish` edits
    a pending working copy (shown as `pending` and `pending_changes`; the public keeps the
    published version until a publisher publishes it). A publisher's change (which publishes
    a pending copy with it) is logged for partners and kept as a revision."""
    statement = _locked(session, request, statement_id)
    editing.update(session, statement, body, principal=editor, now=request.app.state.clock())
    return _editorial_response(session, statement, request)


@router.delete(
    "/{id_or_slug}", status_code=204, summary="Delete a statement", responses=WRITE_ERRORS
)
async def delete_statement(
    request: Request, session: SessionDep, editor: StatementsWriter, statement_id: StatementId
) -> Response:
    """Soft delete (partners receive a tombstone); needs `If-Match`, and `content:publish`
    unless the statement is a draft that was never public. Refused (409, naming them) while
    commitments cite the statement."""
    statement = _locked(session, request, statement_id)
    editing.remove(session, statement, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.post(
    "/{id_or_slug}/publish",
    response_model=StatementEditorial,
    summary="Publish a statement now",
    responses=WRITE_ERRORS,
)
async def publish_statement(
    request: Request, session: SessionDep, publisher: Publisher, statement_id: StatementId
) -> Response:
    """Visible at once, with its pending working copy applied; needs `If-Match` and the
    `content:publish` scope."""
    statement = _locked(session, request, statement_id)
    editing.publish(session, statement, principal=publisher, now=request.app.state.clock())
    return _editorial_response(session, statement, request)


@router.post(
    "/{id_or_slug}/schedule",
    response_model=StatementEditorial,
    summary="Schedule (or embargo) a statement",
    responses=WRITE_ERRORS,
)
async def schedule_statement(
    request: Request,
    session: SessionDep,
    publisher: Publisher,
    statement_id: StatementId,
    body: ScheduleIn,
) -> Response:
    """Goes live at `publish_at` with no one acting; until then it does not exist publicly."""
    statement = _locked(session, request, statement_id)
    now = request.app.state.clock()
    editing.publish(session, statement, principal=publisher, now=now, at=body.publish_at)
    return _editorial_response(session, statement, request)


@router.post(
    "/{id_or_slug}/unpublish",
    response_model=StatementEditorial,
    summary="Unpublish a statement",
    responses=WRITE_ERRORS,
)
async def unpublish_statement(
    request: Request, session: SessionDep, publisher: Publisher, statement_id: StatementId
) -> Response:
    """Back to draft: it disappears from every public view."""
    statement = _locked(session, request, statement_id)
    editing.unpublish(session, statement, principal=publisher, now=request.app.state.clock())
    return _editorial_response(session, statement, request)


@router.post(
    "/{id_or_slug}/withdraw",
    response_model=StatementEditorial,
    summary="Withdraw a statement",
    responses=WRITE_ERRORS,
)
async def withdraw_statement(
    request: Request,
    session: SessionDep,
    publisher: Publisher,
    statement_id: StatementId,
    body: WithdrawIn,
) -> Response:
    """Taken down with a public note: its URL answers 410 with the note."""
    statement = _locked(session, request, statement_id)
    now = request.app.state.clock()
    editing.withdraw(session, statement, note=body.note, principal=publisher, now=now)
    return _editorial_response(session, statement, request)


@router.post(
    "/{id_or_slug}/discard",
    response_model=StatementEditorial,
    summary="Discard a statement's pending working copy",
    responses=WRITE_ERRORS,
)
async def discard_statement_pending(
    request: Request, session: SessionDep, editor: StatementsWriter, statement_id: StatementId
) -> Response:
    """Throw away the pending working copy of a live statement (a 409 when there is none);
    needs `If-Match`. The public never saw it."""
    statement = _locked(session, request, statement_id)
    editing.discard_pending(session, statement, principal=editor, now=request.app.state.clock())
    return _editorial_response(session, statement, request)
