"""Writing menus over the tree rules of tree.py, with audit rows and change-log entries (a
menu is public as soon as it exists, so every change to it is one the public can see)."""

from datetime import datetime

from sqlalchemy.orm import Session

from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.service import Principal
from app.changes import service as changes
from app.changes.service import Operation
from app.db import touch
from app.navigation import tree
from app.navigation.models import ItemKind, Menu, NavigationItem
from app.navigation.write_schemas import ItemCreate, ItemMove, ItemUpdate, MenuCreate
from app.statements import service as statements_service

RESOURCE = "menu"


def _changed(
    session: Session,
    menu: Menu,
    principal: Principal,
    action: str,
    target: str,
    now: datetime,
    operation: Operation = Operation.UPDATE,
) -> None:
    menu.version += 1
    touch(session, menu, now)
    changes.record(
        session,
        resource_type=RESOURCE,
        resource_id=menu.key,
        version=menu.version,
        operation=operation,
        at=now,
    )
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type="navigation_item" if target != menu.key else RESOURCE,
        resource_id=target,
        at=now,
        details={"menu": menu.key, "menu_version": menu.version},
    )


def load_menu(session: Session, key: str) -> Menu:
    menu = session.get(Menu, key)
    if menu is None:
        raise NotFound("No menu has this key.")
    return menu


def load_item(session: Session, menu: Menu, item_id: str) -> NavigationItem:
    item = session.get(NavigationItem, item_id)
    if item is None or item.menu_key != menu.key:
        raise NotFound("This menu has no item with this id.")
    return item


def _check_statement(session: Session, statement_id: str | None) -> None:
    if statement_id is not None and statements_service.paragraphs(session, statement_id) is None:
        raise InvalidParameters(
            "Unknown statement.",
            errors=[FieldError(pointer="#/target/id", detail="No statement has this id.")],
        )


def create_menu(session: Session, data: MenuCreate, *, principal: Principal, now: datetime) -> Menu:
    if session.get(Menu, data.key) is not None:
        raise Conflict("A menu with this key exists already.")
    menu = Menu(key=data.key, names=dict(data.names), updated_at=now, version=0)
    session.add(menu)
    session.flush()
    _changed(session, menu, principal, "create_menu", menu.key, now, Operation.PUBLISH)
    return menu


def create_item(
    session: Session, menu: Menu, data: ItemCreate, *, principal: Principal, now: datetime
) -> NavigationItem:
    statement_id = data.target.id if data.target else None
    _check_statement(session, statement_id)
    item = tree.add_item(
        session,
        menu_key=menu.key,
        parent_id=data.parent_id,
        position=data.position,
        kind=data.kind,
        route=data.route,
        target_type="statement" if data.kind is ItemKind.CONTENT else None,
        target_id=statement_id,
        url=str(data.url) if data.url else None,
        labels=dict(data.labels),
        blurbs=dict(data.blurbs),
        icon=data.icon,
        visible=data.visible,
    )
    _changed(session, menu, principal, "create_item", item.id, now)
    return item


def update_item(
    session: Session,
    menu: Menu,
    item: NavigationItem,
    data: ItemUpdate,
    *,
    principal: Principal,
    now: datetime,
) -> NavigationItem:
    given = data.model_fields_set
    fields = {"route": ItemKind.ROUTE, "url": ItemKind.EXTERNAL, "target": ItemKind.CONTENT}
    for field, kind in fields.items():
        if field in given and item.kind is not kind:
            raise InvalidParameters(
                f"`{field}` does not apply to a {item.kind.value} item.",
                errors=[FieldError(pointer=f"#/{field}", detail="Not for this kind of item.")],
            )
    if "target" in given:
        item.target_id = data.target.id if data.target else None
        _check_statement(session, item.target_id)
    if "route" in given:
        item.route = data.route
    if "url" in given:
        item.url = str(data.url) if data.url else None
    item.labels = merge_translations(item.labels, data.labels, pointer="#/labels")
    item.blurbs = merge_translations(item.blurbs, data.blurbs, pointer="#/blurbs", required=False)
    if "icon" in given:
        item.icon = data.icon
    if data.visible is not None:
        item.visible = data.visible
    touch(session, item, now)
    _changed(session, menu, principal, "update_item", item.id, now)
    return item


def move_item(
    session: Session,
    menu: Menu,
    item: NavigationItem,
    data: ItemMove,
    *,
    principal: Principal,
    now: datetime,
) -> NavigationItem:
    tree.move_item(session, item_id=item.id, parent_id=data.parent_id, position=data.position)
    _changed(session, menu, principal, "move_item", item.id, now)
    return item


def reorder(
    session: Session,
    menu: Menu,
    parent_id: str | None,
    ids: list[str],
    *,
    principal: Principal,
    now: datetime,
) -> None:
    tree.reorder_children(session, menu_key=menu.key, parent_id=parent_id, ordered_ids=ids)
    _changed(session, menu, principal, "reorder", parent_id or menu.key, now)


def remove_item(
    session: Session, menu: Menu, item: NavigationItem, *, principal: Principal, now: datetime
) -> None:
    item_id = item.id
    tree.remove_item(session, item_id=item_id)
    _changed(session, menu, principal, "remove_item", item_id, now)
