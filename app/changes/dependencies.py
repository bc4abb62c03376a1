"""Request-scoped access to the content version."""

from typing import Annotated

from fastapi import Depends, Request

from app.changes import service
from app.db import SessionDep


async def content_version(request: Request, session: SessionDep) -> int:
    """The version; when it was reached goes to `request.state.content_changed_at`, which
    app.api.responses uses so that no Last-Modified predates the latest public change."""
    version, changed_at = service.current_state(session)
    request.state.content_changed_at = changed_at
    return version


ContentVersionDep = Annotated[int, Depends(content_version)]
