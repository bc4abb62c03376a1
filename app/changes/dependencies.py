"""Request-scoped access to the content version."""

from typing import Annotated

from fastapi import Depends

from app.changes import service
from app.db import SessionDep


async def content_version(session: SessionDep) -> int:
    return service.current(session)


ContentVersionDep = Annotated[int, Depends(content_version)]
