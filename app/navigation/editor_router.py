"""Write endpoints for menus and their items.

Staging drafts needs `navigation:write`; changing anything published, and publishing or
unpublishing, needs `content:publish` too (a 403 naming it)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.idempotency import idempotent
from app.api.preconditions import require_if_match, version_etag
from app.api.problems import problem_responses
from app.api.responses import editorial_response
from app.auth.dependencies import NavigationPublisher, NavigationWriter
from app.db import SessionDep
from app.navigation import access, editing
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
        MenuEditorial.model_validate(menu), version_etag(menu.key, menu.revision), status
    )


@router.post(
    "",
    status_code=201,
    response_model=MenuEditorial,
    summary="Create a menu",
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def create_menu(
    request: Request, session: SessionDep, editor: NavigationWriter, body: MenuCreate
) -> Response:
    """A new, empty draft menu: a 404 to the public until published (`POST
    /v1/navigation/{menu}/publish`). `Idempotency-Key` makes retries safe."""

    def create() -> Response:
        menu = editing.create_menu(session, body, principal=editor, now=request.app.state.clock())
        response = _menu_response(menu, 201)
        response.headers["Location"] = f"/v1/navigation/{menu.key}/editorial"
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
    """The menu's names, state, public `version` (the one in the change log, moved only by
    changes the public sees) and editorial `revision` (moved by every change, drafts
    included): its `ETag`, which reorders, publishing and unpublishing send in `If-Match`."""
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
    """The item with its state and version; its `ETag` is what item updates send in
    `If-Match` (moving or reordering its siblings changes its position, so its version too)."""
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
    editor: NavigationWriter,
    menu: MenuKey,
    body: ItemCreate,
) -> Response:
    """Insert a draft item under a parent (or at the root), at a position or at the end: the
    public sees nothing of it, nor of what is added under it, until it is published.
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
    editor: NavigationWriter,
    menu: MenuKey,
    item_id: ItemId,
    body: ItemUpdate,
) -> Response:
    """Labels, blurbs, link, icon, visibility; needs `If-Match` with the item's ETag, and
    `content:publish` if the item is published."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    access.require_may_change(editor, item)
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
    editor: NavigationWriter,
    menu: MenuKey,
    item_id: ItemId,
    body: ItemMove,
) -> Response:
    """Under another parent of the same menu (never under itself or a descendant: 409), or to
    the root, at a position. Needs `If-Match` with the item's ETag, and `content:publish` if
    the item is published."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    access.require_may_change(editor, item)
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
    editor: NavigationWriter,
    menu: MenuKey,
    body: ChildrenOrder,
) -> Response:
    """Give every child of a parent (or every root item) exactly once, in the new order.
    Needs `If-Match` with the menu's ETag, and `content:publish` if one of them is published."""
    target = editing.load_menu(session, menu)
    access.require_may_reorder(session, target, body.parent_id, editor)
    require_if_match(request, version_etag(target.key, target.revision))
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
    editor: NavigationWriter,
    menu: MenuKey,
    item_id: ItemId,
) -> Response:
    """The item and its subtree go; the siblings close the gap. Needs `If-Match`, and
    `content:publish` if the item is published."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    access.require_may_change(editor, item)
    require_if_match(request, version_etag(item.id, item.version))
    editing.remove_item(session, target, item, principal=editor, now=request.app.state.clock())
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.post(
    "/{menu}/items/{item_id}/publish",
    response_model=ItemEditorial,
    summary="Publish a menu item",
    responses=WRITE_ERRORS,
)
async def publish_item(
    request: Request,
    session: SessionDep,
    publisher: NavigationPublisher,
    menu: MenuKey,
    item_id: ItemId,
    with_descendants: Annotated[
        bool, Query(description="Publish its draft descendants too: a staged section at once.")
    ] = False,
) -> Response:
    """The item goes public, unless its menu or a parent is still a draft: it then shows once
    they are published. Needs `If-Match` with the item's ETag and `content:publish`; partners
    see one change-log entry for the menu, and none if nothing public changed."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    require_if_match(request, version_etag(item.id, item.version))
    now = request.app.state.clock()
    editing.set_item_published(
        session,
        target,
        item,
        publish=True,
        with_descendants=with_descendants,
        principal=publisher,
        now=now,
    )
    return _item_response(item)


@router.post(
    "/{menu}/items/{item_id}/unpublish",
    response_model=ItemEditorial,
    summary="Unpublish a menu item",
    responses=WRITE_ERRORS,
)
async def unpublish_item(
    request: Request,
    session: SessionDep,
    publisher: NavigationPublisher,
    menu: MenuKey,
    item_id: ItemId,
) -> Response:
    """Back to draft: the item and its whole subtree leave the public menu (the descendants
    keep their own states). Needs `If-Match` with the item's ETag and `content:publish`."""
    target = editing.load_menu(session, menu)
    item = editing.load_item(session, target, item_id)
    require_if_match(request, version_etag(item.id, item.version))
    now = request.app.state.clock()
    editing.set_item_published(session, target, item, publish=False, principal=publisher, now=now)
    return _item_response(item)


@router.post(
    "/{menu}/publish",
    response_model=MenuEditorial,
    summary="Publish a menu",
    responses=WRITE_ERRORS,
)
async def publish_menu(
    request: Request, session: SessionDep, publisher: NavigationPublisher, menu: MenuKey
) -> Response:
    """The menu becomes public with its published items (drafts stay hidden). Needs
    `If-Match` with the menu's ETag and `content:publish`."""
    target = editing.load_menu(session, menu)
    require_if_match(request, version_etag(target.key, target.revision))
    now = request.app.state.clock()
    editing.set_menu_published(session, target, publish=True, principal=publisher, now=now)
    return _menu_response(target)


@router.post(
    "/{menu}/unpublish",
    response_model=MenuEditorial,
    summary="Unpublish a menu",
    responses=WRITE_ERRORS,
)
async def unpublish_menu(
    request: Request, session: SessionDep, publisher: NavigationPublisher, menu: MenuKey
) -> Response:
    """Back to draft: the menu answers 404 as if it never existed, its items keep their
    states. Needs `If-Match` with the menu's ETag and `content:publish`."""
    target = editing.load_menu(session, menu)
    require_if_match(request, version_etag(target.key, target.revision))
    now = request.app.state.clock()
    editing.set_menu_published(session, target, publish=False, principal=publisher, now=now)
    return _menu_response(target)
