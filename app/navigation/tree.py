"""Tree rules for editing menus: add, move, reorder and remove items without cycles, keeping
sibling positions contiguous (0, 1, 2 ...) so that an item's place never depends on ties.

These rules only move rows: whether the public saw a change (the content version, the change
log) is decided once, in editing.py."""

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.api.problems import Conflict, NotFound
from app.ids import new_id
from app.navigation.models import ITEM_ID_PREFIX, Menu, NavigationItem


class InvalidMove(Conflict):
    slug = "invalid-move"
    title = "This move would break the menu tree"
    description = (
        "A menu item cannot move under itself or one of its own descendants, nor under an item "
        "of another menu, and a reorder must list each current child exactly once. `detail` "
        "says which rule refused it."
    )


def _siblings(session: Session, menu_key: str, parent_id: str | None) -> list[NavigationItem]:
    parent = (
        NavigationItem.parent_id.is_(None)
        if parent_id is None
        else NavigationItem.parent_id == parent_id
    )
    return list(
        session.scalars(
            select(NavigationItem)
            .where(NavigationItem.menu_key == menu_key, parent)
            .order_by(NavigationItem.position, NavigationItem.id)
        )
    )


def _renumber(items: list[NavigationItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def _insert_at(items: list[NavigationItem], item: NavigationItem, position: int | None) -> None:
    index = len(items) if position is None else max(0, min(position, len(items)))
    items.insert(index, item)
    _renumber(items)


def _item(session: Session, item_id: str) -> NavigationItem:
    item = session.get(NavigationItem, item_id)
    if item is None:
        raise NotFound("No navigation item has this id.")
    return item


def _check_parent(session: Session, menu_key: str, parent_id: str | None) -> None:
    if parent_id is None:
        return
    parent = _item(session, parent_id)
    if parent.menu_key != menu_key:
        raise InvalidMove("The new parent belongs to another menu.")


def add_item(
    session: Session,
    *,
    menu_key: str,
    parent_id: str | None = None,
    position: int | None = None,
    **fields: Any,
) -> NavigationItem:
    """Insert an item among its siblings (at the end unless a position is given)."""
    if session.get(Menu, menu_key) is None:
        raise NotFound("No menu has this key.")
    _check_parent(session, menu_key, parent_id)
    siblings = _siblings(session, menu_key, parent_id)
    fields.setdefault("labels", {})
    fields.setdefault("blurbs", {})
    item = NavigationItem(
        id=new_id(ITEM_ID_PREFIX), menu_key=menu_key, parent_id=parent_id, position=0, **fields
    )
    session.add(item)
    _insert_at(siblings, item, position)
    session.flush()
    return item


def move_item(
    session: Session, *, item_id: str, parent_id: str | None, position: int | None = None
) -> NavigationItem:
    """Move an item (with its subtree) under another parent of the same menu, or to the root.

    Refused with a 409 problem when the new parent is the item itself or one of its
    descendants: the tree would become a cycle, cut off from the root.
    """
    item = _item(session, item_id)
    _check_parent(session, item.menu_key, parent_id)
    ancestor = parent_id
    while ancestor is not None:
        if ancestor == item.id:
            raise InvalidMove("An item cannot move under itself or one of its own descendants.")
        ancestor = session.scalar(
            select(NavigationItem.parent_id).where(NavigationItem.id == ancestor)
        )
    old = [s for s in _siblings(session, item.menu_key, item.parent_id) if s.id != item.id]
    _renumber(old)
    item.parent_id = parent_id
    new = [s for s in _siblings(session, item.menu_key, parent_id) if s.id != item.id]
    _insert_at(new, item, position)
    session.flush()
    return item


def reorder_children(
    session: Session, *, menu_key: str, parent_id: str | None, ordered_ids: list[str]
) -> None:
    """Put the children of a parent (or the roots) in the given order: a permutation of them."""
    siblings = {s.id: s for s in _siblings(session, menu_key, parent_id)}
    if sorted(ordered_ids) != sorted(siblings):
        raise InvalidMove("The new order must list each current child exactly once.")
    _renumber([siblings[item_id] for item_id in ordered_ids])
    session.flush()


def remove_item(session: Session, *, item_id: str) -> None:
    """Remove an item and its subtree; its former siblings close the gap."""
    item = _item(session, item_id)
    menu_key, parent_id = item.menu_key, item.parent_id
    doomed = {item.id}
    frontier = [item.id]
    while frontier:
        children = list(
            session.scalars(select(NavigationItem.id).where(NavigationItem.parent_id.in_(frontier)))
        )
        doomed.update(children)
        frontier = children
    session.execute(
        delete(NavigationItem).where(NavigationItem.id.in_(doomed)),
        execution_options={"synchronize_session": "fetch"},
    )
    _renumber(_siblings(session, menu_key, parent_id))
    session.flush()
