"""Key administration (scope `keys:admin`); the first admin key comes from the CLI."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from app.api.conditional import CachePolicy, json_response
from app.api.pagination import Page, PageDep, page_links
from app.api.problems import problem_responses
from app.audit import service as audit
from app.auth import service
from app.auth.dependencies import KeysAdmin, key_pepper
from app.auth.models import TOKEN_PREFIX, ApiKey
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.db import SessionDep

router = APIRouter(prefix="/keys", tags=["keys"])
ADMIN_ERRORS = problem_responses(401, 403)


def key_read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead.model_validate(
        {
            "id": key.id,
            "prefix": f"{TOKEN_PREFIX}_{key.id}",
            "name": key.name,
            "scopes": key.scopes,
            "created_at": key.created_at,
            "expires_at": key.expires_at,
            "revoked_at": key.revoked_at,
            "last_used_at": key.last_used_at,
            "rate_limit": key.rate_limit,
        }
    )


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key",
    responses=problem_responses(401, 403, 413, 422),
)
async def create_key(
    request: Request, response: Response, session: SessionDep, admin: KeysAdmin, body: ApiKeyCreate
) -> ApiKeyCreated:
    """A new key with the given scopes. Its token is in this response only."""
    key, token = service.issue_key(
        session,
        pepper=key_pepper(request.app.state.settings),
        name=body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        rate_limit=body.rate_limit,
        created_by=admin.key_id,
        now=request.app.state.clock(),
    )
    audit.record(
        session,
        key_id=admin.key_id,
        action="create_key",
        resource_type="api_key",
        resource_id=key.id,
        at=request.app.state.clock(),
        details={"scopes": key.scopes},
    )
    response.headers["Location"] = f"/v1/keys/{key.id}"
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated.model_validate({**key_read(key).model_dump(), "token": token})


@router.get(
    "",
    response_model=Page[ApiKeyRead],
    summary="List API keys",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_keys(
    request: Request, session: SessionDep, admin: KeysAdmin, page: PageDep
) -> Response:
    """Every key, revoked ones included, without secrets, oldest first, one page at a time
    (the same envelope, cursors and `Link` header as every list)."""
    keys, next_cursor = service.page_of_keys(session, page)
    body = Page[ApiKeyRead](items=[key_read(key) for key in keys], next_cursor=next_cursor)
    base_url = request.app.state.settings.public_base_url
    return json_response(
        request,
        body,
        cache=CachePolicy(public=False),
        links=page_links(request, next_cursor, base_url),
    )


@router.get(
    "/{key_id}",
    response_model=ApiKeyRead,
    summary="Get an API key",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_key(
    request: Request,
    session: SessionDep,
    admin: KeysAdmin,
    key_id: Annotated[str, Path(max_length=32)],
) -> Response:
    """One key, without its secret: where a create's `Location` points."""
    body = key_read(service.get_key(session, key_id))
    return json_response(request, body, cache=CachePolicy(public=False))


@router.delete(
    "/{key_id}",
    status_code=204,
    summary="Revoke an API key",
    responses=problem_responses(401, 403, 404, 409),
)
async def revoke_key(
    request: Request,
    session: SessionDep,
    admin: KeysAdmin,
    key_id: Annotated[str, Path(max_length=32)],
) -> Response:
    """The key stops working at once; it stays listed as revoked. The last usable key with
    `keys:admin` cannot be revoked (409): create another admin key first."""
    now = request.app.state.clock()
    service.revoke_key(session, key_id=key_id, now=now)
    audit.record(
        session,
        key_id=admin.key_id,
        action="revoke_key",
        resource_type="api_key",
        resource_id=key_id,
        at=now,
    )
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
