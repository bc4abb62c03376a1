"""Write endpoints for menus and their items (scope `navigation:write`)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from app.api.idempotency import idempotent
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.auth.dependencies import NavigationPublisher, NavigationWriter
from app.db import SessionDep
from app.navigation import editing
from app.navigation.models import Menu, NavigationItem
from app.navigation.write_schemas import (
    ChildrenOrder,
    ItemCreate,
    ItemEditorial,
    ItemMove,
    ItemUpdate,
    MenuCreate,
    MenuEditorial,
)

router = APIRouter(prefix="/navigation", tags=["navigation: editing"])
MenuKey = Annotated[str, Path(max_length=32, pattern=r"^[a-z0-9-]+$")]
ItemId = Annotated[str, Path(max_length=40)]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 413, 422, 428)


def _item_response(item: NavigationItem, status: int = 200) -> Response:
    return editorial_response(
        ItemEditorial.model_validate(item), version_etag(item.id, item.version), status
    )


def _menu_response(menu: Menu, status: int = 200) -> Response:
    return editorial_response(
        MenuEditorial.model_validate(menu), version_etag(menu.key, menu.version), status
    )


@router.post(
    "",
    status_code=201,
    response_model=MenuEditorial,
    summary="Create a menu",
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_menu(
    request: Request, session: SessionDep, editor: NavigationPublisher, body: MenuCreate
) -> Response:
    """A new, empty menu. `Idempotency-Key` makes retries safe."""

    def create() -> Response:
        menu = editing.create_menu(session, body, principal=editor, now=request.app.state.clock())
        response = _menu_response(menu, 201)
        response.headers["Location"] = f"/v1/navigation/{menu.key}"
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.get(
    "/{menu}/editorial",
    response_model=MenuEditorial,
    summary="Get a menu as editors see it",
    responses=problem_responses(401, 403, 404),
)
async def get_menu_editorial(
    session: SessionDep, editor: NavigationWriter, menu: MenuKey
) -> Response:
    """The menu's names and version; its `ETag` is what a reorder sends in `If-Match`."""
    return _menu_response(editing.load_menu(session, menu))


@router.get(
    "/{menu}/items/{item_id}",
    response_model=ItemEditorial,
    summary="Get a menu item as editors see it",
    responses=problem_responses(401, 403, 404),
)
async def get_item_editorial(
    session: SessionDep, editor: NavigationWriter, menu: MenuKey, item_id: ItemId
) -> Response:
    """The item with its version; its `ETag` is what item updates send in `If-Match` (moving
    or reordering its siblings changes its position, so its version too)."""
    return _item_response(editing.load_item(session, editing.load_menu(session, menu), item_id))


@router.post(
    "/{menu}/items",
    status_code=201,
    response_model=ItemEditorial,
    summary="Add a menu item",
    responses=WRITE_ERRORS,
)
async def create_item(
    request: Request,
    session: SessionDep,
    editor: NavigationPublisher,
    menu: MenuKey,
    body: ItemCreate,
) -> Response:
    """Insert an item under a parent (or at the root), at a position or at the end.
    `Idempotency-Key` makes retries safe."""
    target = editing.load_menu(session, menu)

    def create() -> Response:
        now = request.app.state.clock()
        item = editing.create_item(session, target, body, principal=editor, now=now)
        response = _item_response(item, 201)
        response.headers["Location"] = f"/v1/navigation/{target.key}/items/{item.id}"
        return response

    return await idempotent(request, session, editor.key_id, create)


@router.patch(
    "/{menu}/items/{item_id}",
    response_model=ItemEditorial,
    summary="Update a menu item",
    responses=WRITE_ERRORS,
)
async def update_item(
    request: Request,
    session: SessionDep,
    editor: NavigationPublisher,
    menu: MenuKey,
    item_id: ItemId,
    body: ItemUpdate,
) -> Response:
    """Labels, blurbs, link, icon, visibility; needs `If-Match` with the item's ETag."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    require_if_match(request, version_etag(item.id, item.version))
    editing.update_item(
        session, target, item, body, principal=editor, now=request.app.state.clock()
    )
    return _item_response(item)


@router.post(
    "/{menu}/items/{item_id}/move",
    response_model=ItemEditorial,
    summary="Move a menu item",
    responses=WRITE_ERRORS,
)
async def move_item(
    request: Request,
    session: SessionDep,
    editor: NavigationPublisher,
    menu: MenuKey,
    item_id: ItemId,
    body: ItemMove,
) -> Response:
    """Under another parent of the same menu (never under itself or a descendant: 409), or to
    the root, at a position. Needs `If-Match` with the item's ETag."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    require_if_match(request, version_etag(item.id, item.version))
    editing.move_item(session, target, item, body, principal=editor, now=request.app.state.clock())
    return _item_response(item)


@router.post(
    "/{menu}/reorder",
    response_model=MenuEditorial,
    summary="Reorder a parent's children",
    responses=WRITE_ERRORS,
)
async def reorder_children(
    request: Request,
    session: SessionDep,
    editor: NavigationPublisher,
    menu: MenuKey,
    body: ChildrenOrder,
) -> Response:
    """Give every child of a parent (or every root item) exactly once, in the new order.
    Needs `If-Match` with the menu's ETag."""
    target = editing.load_menu(session, menu)
    require_if_match(request, version_etag(target.key, target.version))
    editing.reorder(
        session, target, body.parent_id, body.ids, principal=editor, now=request.app.state.clock()
    )
    return _menu_response(target)


@router.delete(
    "/{menu}/items/{item_id}",
    status_code=204,
    summary="Remove a menu item",
    responses=WRITE_ERRORS,
)
async def remove_item(
    request: Request,
    session: SessionDep,
    editor: NavigationPublisher,
    menu: MenuKey,
    item_id: ItemId,
) -> Response:
    """The item and its subtree go; the siblings close the gap. Needs `If-Match`."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    require_if_match(request, version_etag(item.id, item.version))
    editing.remove_item(session, target, item, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
