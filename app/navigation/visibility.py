"""What the public sees of a menu, as one comparable value: editing.py compares it before and
after every write, and logs a change only when it differs."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.navigation.models import Menu, NavigationItem
from app.publication import PublicationStatus

PUBLISHED = PublicationStatus.PUBLISHED
PublicView = tuple[Any, ...] | None


def public_view(session: Session, menu: Menu) -> PublicView:
    """Everything an anonymous reader can learn of the menu (None: it is a 404): its names and
    its shown items (published and visible, under shown parents) in tree order. Links to
    statements are compared by id: a statement's own publication is the statement's event."""
    if menu.publication_status is not PUBLISHED:
        return None
    session.flush()
    rows = session.scalars(
        select(NavigationItem)
        .where(
            NavigationItem.menu_key == menu.key,
            NavigationItem.publication_status == PUBLISHED,
            NavigationItem.visible.is_(True),
        )
        .order_by(NavigationItem.position, NavigationItem.id)
    ).all()
    children: dict[str | None, list[NavigationItem]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    shown: list[tuple[Any, ...]] = []
    frontier: list[str | None] = [None]
    while frontier:
        parent = frontier.pop(0)
        for item in children.get(parent, []):
            link = (item.kind.value, item.route, item.target_id, item.url, item.icon)
            shown.append(
                (item.id, parent, *link, sorted(item.labels.items()), sorted(item.blurbs.items()))
            )
            frontier.append(item.id)
    return (sorted(menu.names.items()), shown)
