"""Loads the demo menus (the seed page's main menu and a footer), published. Idempotent."""

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.changes.service import Operation
from app.db import utcnow
from app.demo.loader import statement_id_for
from app.ids import stable_id
from app.navigation.models import ITEM_ID_PREFIX, ItemKind, Menu, NavigationItem
from app.publication import PublicationStatus
from app.publication.lifecycle import announce

PUBLISHED = PublicationStatus.PUBLISHED


def demo_menus() -> list[dict[str, Any]]:
    text = resources.files("app.demo").joinpath("data", "navigation.json").read_text("utf-8")
    menus: list[dict[str, Any]] = json.loads(text)["menus"]
    return menus


def item_id_for(menu: str, key: str) -> str:
    return stable_id(ITEM_ID_PREFIX, f"{menu}/{key}")


def _flatten(
    menu: str, items: list[dict[str, Any]], parent_id: str | None
) -> Iterator[dict[str, Any]]:
    for position, entry in enumerate(items):
        item_id = item_id_for(menu, entry["key"])
        kind = ItemKind(entry["kind"])
        yield {
            "id": item_id,
            "menu_key": menu,
            "parent_id": parent_id,
            "position": position,
            "kind": kind,
            "route": entry.get("route"),
            "target_type": "statement" if kind is ItemKind.CONTENT else None,
            # The demo names the statement by its slug where the API takes its id.
            "target_id": statement_id_for(entry["target"]["id"]) if entry.get("target") else None,
            "url": entry.get("url"),
            "visible": entry.get("visible", True),
            "icon": entry.get("icon"),
            "labels": entry["labels"],
            "blurbs": entry.get("blurbs", {}),
            "publication_status": PublicationStatus(entry.get("publication_status", "published")),
        }
        yield from _flatten(menu, entry.get("children", []), item_id)


def load_demo_navigation(session: Session) -> int:
    """Insert or refresh the demo menus; returns how many items they hold."""
    total = 0
    for menu_data in demo_menus():
        key = menu_data["key"]
        menu_changed = False
        menu = session.get(Menu, key)
        created = menu is None
        if menu is None:
            menu = Menu(key=key, names=menu_data["names"], publication_status=PUBLISHED)
            session.add(menu)
            menu_changed = True
        elif menu.names != menu_data["names"] or menu.publication_status is not PUBLISHED:
            menu.names = menu_data["names"]
            menu.publication_status = PUBLISHED
            menu_changed = True
        session.flush()
        rows = list(_flatten(key, menu_data["items"], None))
        total += len(rows)
        existing = {
            item.id: item
            for item in session.scalars(
                select(NavigationItem).where(NavigationItem.menu_key == key)
            )
        }
        stale = set(existing) - {row["id"] for row in rows}
        if stale:
            session.execute(delete(NavigationItem).where(NavigationItem.id.in_(stale)))
            menu_changed = True
        for row in rows:  # parents come before their children
            current = existing.get(row["id"])
            if current is None:
                session.add(NavigationItem(**row))
                session.flush()
                menu_changed = True
                continue
            for name, value in row.items():
                if getattr(current, name) != value:
                    setattr(current, name, value)
                    menu_changed = True
        session.flush()
        if menu_changed:  # public reads date themselves by the menu (navigation.service)
            now = utcnow()
            menu.updated_at = now
            menu.version = (menu.version or 0) + 1
            session.flush()
            # As an editor's change would be: one change-log entry (partners learn of it).
            announce(
                session,
                resource="menu",
                resource_id=key,
                version=menu.version,
                operation=Operation.PUBLISH if created else Operation.UPDATE,
                at=now,
                langs=None,
            )
    return total
