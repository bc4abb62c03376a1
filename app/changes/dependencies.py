"""Request-scoped access to the content version."""

from typing import Annotated

from fastapi import Depends, Request

from app.changes import service
from app.changes.watcher import VersionWatcher
from app.db import SessionDep


async def content_version(request: Request, session: SessionDep) -> int:
    """The version; when it was reached goes to `request.state.content_changed_at`, which
    app.api.responses uses so that no Last-Modified predates the latest public change.

    The worker's watcher answers when it learnt the version recently (no query); otherwise the
    row is read here. Either way the version is known before the route reads any content, so
    a response cached under it was computed from that version or a later one, never an
    earlier one (a later one only makes the entry expire sooner)."""
    watcher: VersionWatcher | None = getattr(request.app.state, "version_watcher", None)
    known = watcher.current() if watcher is not None else None
    if known is None:
        known = service.current_state(session)
        if watcher is not None:
            watcher.observe(*known)
    version, changed_at = known
    request.state.content_changed_at = changed_at
    return version


ContentVersionDep = Annotated[int, Depends(content_version)]
