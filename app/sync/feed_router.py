"""`GET /v1/changes`: every change to public content, in commit order."""

import logging
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from app.api.language import LanguageFilterDep
from app.api.problems import Problem
from app.api.responses import Fresh, public_response, read_responses
from app.changes.dependencies import ContentVersionDep
from app.config import Settings
from app.db import SessionDep, is_read_only
from app.publication.schedule import GoLives
from app.sync import feed_service
from app.sync.feed_schemas import ChangePage, ChangeType

router = APIRouter(tags=["partner sync"])
logger = logging.getLogger("app.sync")
# Shared caches may keep a page this long; a poller is better served by If-None-Match.
FEED_MAX_AGE = timedelta(seconds=5)
MAX_SEQ = 2**63 - 1


async def go_lives_logged(request: Request, session: SessionDep) -> None:
    """Before the feed is read: log scheduled content whose time has come, so that the feed
    never lags behind what the lists already show; committed before the request reads the
    content version (which the log entries move). In the request's unit of work, but for an
    anonymous read's session, which does not write: then in a transaction of its own."""
    go_lives: GoLives = request.app.state.go_lives
    now = request.app.state.clock()
    if not go_lives.due(session, now):
        return
    try:
        if is_read_only(session):
            session.rollback()  # SQLite's next read then takes its snapshot after the catch-up
            go_lives.announce()
            return
        with session.begin_nested():
            go_lives.catch_up(session, now)
    except SQLAlchemyError:  # another process logs them right now: it commits, we serve
        session.rollback()
        logger.warning("catching up on go-lives failed; serving the feed as it stands")


def _origin(request: Request) -> str:
    settings: Settings = request.app.state.settings
    base = settings.public_base_url
    return base.rstrip("/") if base else f"{request.url.scheme}://{request.url.netloc}"


@router.get(
    "/changes",
    response_model=ChangePage,
    summary="Follow every change to public content",
    responses={
        **read_responses(400, 422),
        410: {
            "model": Problem,
            "description": "The position is outside the retained log: start again from a "
            "snapshot or from `after=0`.",
        },
    },
    dependencies=[Depends(go_lives_logged)],
)
async def list_changes(
    request: Request,
    session: SessionDep,
    version: ContentVersionDep,
    lang: LanguageFilterDep,
    after: Annotated[
        int,
        Query(ge=0, le=MAX_SEQ, description="Events after this position (0: from the start)."),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="Events per page.")] = 100,
    type: Annotated[
        list[ChangeType] | None,
        Query(description="Only these kinds of item (repeat for several); tombstones too."),
    ] = None,
) -> Response:
    """Every publish, update, unpublish, withdrawal and deletion of a statement, commitment or
    menu, oldest first, each with a strictly increasing `seq`. A partner that loads a snapshot
    (`/v1/export/...`, stamped with its position) and then follows this feed holds exactly
    what is public, whatever the interleaving of writes.

    - `op: upsert`: fetch `url` (in your language) and store it; `op: delete`: drop the item,
      `reason` says why (`unpublished`, `withdrawn` with its `note`, `deleted`, or
      `filtered_out`: it left your `lang` or `type` filter).
    - Go on with `after=next_after` (the `Link: rel="next"` header while more is waiting);
      you have caught up when `next_after == latest_seq`. Poll with `If-None-Match`: a `304`
      means nothing new.
    - A position is never seen before every earlier one is committed. A scheduled go-live is
      an event dated at its time.
    - Tombstones are kept for the configured retention (90 days by default); resuming from an
      older position is a `410`: start again from a snapshot or from `after=0` (which always
      rebuilds the current public state).
    """
    now = request.app.state.clock()
    types = sorted(set(type or ()))
    origin = _origin(request)

    def compute() -> Fresh:
        page = feed_service.read_page(
            session, after=after, limit=limit, types=types, lang=lang, origin=origin
        )
        headers = {}
        if page.next_after < page.latest_seq:
            query = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
            query.append(("after", str(page.next_after)))
            headers["Link"] = f'<{origin}{request.url.path}?{urlencode(query)}>; rel="next"'
        return Fresh(
            page,
            last_modified=getattr(request.state, "content_changed_at", None),
            expires_at=now + FEED_MAX_AGE,
            headers=headers,
            # Every change is a new entry: `changes` is purged with each (not the items' keys,
            # which would name tombstoned items).
            surrogate_keys=("changes",),
        )

    return public_response(request, version=version, now=now, language=None, compute=compute)
