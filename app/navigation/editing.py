"""Writing menus over the tree rules of tree.py, with audit rows and change-log entries.

Menus and items are staged as drafts and go public by being published. What the public sees of
a menu is compared before and after every write (`public_view`): only a write that changes it
bumps the menu's `version` and logs one entry (`publishing.announce_change`), so a draft
section is built unseen and a partner following the log misses nothing. Who may write follows
a simpler rule: anything touching a published item, or publishing and unpublishing, needs
`content:publish`; staging drafts needs only `navigation:write` (no working copies)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.api.preconditions import PreconditionFailed
from app.api.problems import Conflict, FieldError, InvalidParameters, NotFound
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.service import Principal
from app.db import touch
from app.navigation import publishing, tree
from app.navigation.access import require_may_change, require_may_reorder, require_publisher
from app.navigation.models import ItemKind, Menu, NavigationItem
from app.navigation.visibility import public_view
from app.navigation.write_schemas import ItemCreate, ItemMove, ItemUpdate, MenuCreate
from app.publication import PublicationStatus
from app.statements import service as statements_service

PUBLISHED = PublicationStatus.PUBLISHED
DRAFT = PublicationStatus.DRAFT


@dataclass
class _Write:
    target: str  # what the audit row names (a create names its new item once it exists)


def _new_revision(session: Session, menu: Menu, expected: int | None) -> None:
    """Bump the menu's revision in SQL, and with `expected` (the revision the caller's
    `If-Match` matched) only if no one changed the menu since: a 412 otherwise. The row lock
    this takes orders writers to one menu on PostgreSQL; the menu is then read again, as the
    previous writer left it."""
    bump = update(Menu).where(Menu.key == menu.key).values(revision=Menu.revision + 1)
    if expected is not None:
        bump = bump.where(Menu.revision == expected)
    if session.execute(bump.returning(Menu.revision)).scalar_one_or_none() is None:
        raise PreconditionFailed("Someone changed this menu after you read it; read it again.")
    session.refresh(menu)


@contextmanager
def _writing(
    session: Session,
    menu: Menu,
    principal: Principal,
    action: str,
    target: str,
    now: datetime,
    expected_revision: int | None = None,
) -> Iterator[_Write]:
    """Wrap one write: a new editorial revision of the menu (see `_new_revision`), the
    change-log entry if the public view changed, and the audit row."""
    _new_revision(session, menu, expected_revision)
    before = public_view(session, menu)
    write = _Write(target)
    yield write
    after = public_view(session, menu)
    publishing.announce_change(session, menu, before, after, now)
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type="navigation_item" if write.target != menu.key else publishing.RESOURCE,
        resource_id=write.target,
        at=now,
        details={"menu": menu.key, "menu_version": menu.version, "public": before != after},
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
    """A new menu is a draft: a 404 to the public until published."""
    if session.get(Menu, data.key) is not None:
        raise Conflict("A menu with this key exists already.")
    menu = Menu(
        key=data.key,
        names=dict(data.names),
        publication_status=DRAFT,
        updated_at=now,
        version=0,
        revision=0,
    )
    session.add(menu)
    session.flush()
    with _writing(session, menu, principal, "create_menu", menu.key, now):
        pass
    return menu


def create_item(
    session: Session, menu: Menu, data: ItemCreate, *, principal: Principal, now: datetime
) -> NavigationItem:
    """A new item is a draft, hidden (with anything later added under it) until published."""
    statement_id = data.target.id if data.target else None
    _check_statement(session, statement_id)
    with _writing(session, menu, principal, "create_item", menu.key, now) as write:
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
            publication_status=DRAFT,
        )
        write.target = item.id
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
    require_may_change(principal, item)
    given = data.model_fields_set
    fields = {"route": ItemKind.ROUTE, "url": ItemKind.EXTERNAL, "target": ItemKind.CONTENT}
    for field, kind in fields.items():
        if field in given and item.kind is not kind:
            raise InvalidParameters(
                f"`{field}` does not apply to a {item.kind.value} item.",
                errors=[FieldError(pointer=f"#/{field}", detail="Not for this kind of item.")],
            )
    with _writing(session, menu, principal, "update_item", item.id, now):
        if "target" in given:
            item.target_id = data.target.id if data.target else None
            _check_statement(session, item.target_id)
        if "route" in given:
            item.route = data.route
        if "url" in given:
            item.url = str(data.url) if data.url else None
        item.labels = merge_translations(item.labels, data.labels, pointer="#/labels")
        item.blurbs = merge_translations(
            item.blurbs, data.blurbs, pointer="#/blurbs", required=False
        )
        if "icon" in given:
            item.icon = data.icon
        if data.visible is not None:
            item.visible = data.visible
        touch(session, item, now)
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
    require_may_change(principal, item)
    with _writing(session, menu, principal, "move_item", item.id, now):
        tree.move_item(session, item_id=item.id, parent_id=data.parent_id, position=data.position)
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
    require_may_reorder(session, menu, parent_id, principal)
    revision = menu.revision
    with _writing(session, menu, principal, "reorder", parent_id or menu.key, now, revision):
        tree.reorder_children(session, menu_key=menu.key, parent_id=parent_id, ordered_ids=ids)


def remove_item(
    session: Session, menu: Menu, item: NavigationItem, *, principal: Principal, now: datetime
) -> None:
    require_may_change(principal, item)
    item_id = item.id
    with _writing(session, menu, principal, "remove_item", item_id, now):
        tree.remove_item(session, item_id=item_id)


def _subtree(session: Session, item: NavigationItem) -> list[NavigationItem]:
    found, frontier = [item], [item.id]
    while frontier:
        below = list(
            session.scalars(select(NavigationItem).where(NavigationItem.parent_id.in_(frontier)))
        )
        found += below
        frontier = [child.id for child in below]
    return found


def set_item_published(
    session: Session,
    menu: Menu,
    item: NavigationItem,
    *,
    publish: bool,
    with_descendants: bool = False,
    principal: Principal,
    now: datetime,
) -> NavigationItem:
    """Publish (with its draft descendants, if asked) or unpublish an item. Unpublishing hides
    its subtree with it but leaves the descendants' own states; a published item under a
    draft parent, or in a draft menu, stays hidden until they are published too."""
    require_publisher(principal, "to publish or unpublish")
    action = "publish_item" if publish else "unpublish_item"
    state = PUBLISHED if publish else DRAFT
    with _writing(session, menu, principal, action, item.id, now):
        for row in _subtree(session, item) if publish and with_descendants else [item]:
            if row.publication_status is not state:
                row.publication_status = state
                touch(session, row, now)
    return item


def set_menu_published(
    session: Session, menu: Menu, *, publish: bool, principal: Principal, now: datetime
) -> Menu:
    """Publish the menu (its published items appear) or take it back to draft (a 404)."""
    require_publisher(principal, "to publish or unpublish")
    action = "publish_menu" if publish else "unpublish_menu"
    with _writing(session, menu, principal, action, menu.key, now, menu.revision):
        menu.publication_status = PUBLISHED if publish else DRAFT
    return menu
