"""Loads the demo menus (the seed page's main menu and a footer). Idempotent."""

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.demo.loader import statement_id_for
from app.ids import stable_id
from app.navigation.models import ITEM_ID_PREFIX, ItemKind, Menu, NavigationItem


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
        }
        yield from _flatten(menu, entry.get("children", []), item_id)


def load_demo_navigation(session: Session) -> int:
    """Insert or refresh the demo menus; returns how many items they hold."""
    changed = False
    total = 0
    for menu_data in demo_menus():
        key = menu_data["key"]
        menu = session.get(Menu, key)
        if menu is None:
            session.add(Menu(key=key, names=menu_data["names"]))
            changed = True
        elif menu.names != menu_data["names"]:
            menu.names = menu_data["names"]
            changed = True
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
            changed = True
        for row in rows:  # parents come before their children
            current = existing.get(row["id"])
            if current is None:
                session.add(NavigationItem(**row))
                session.flush()
                changed = True
                continue
            for name, value in row.items():
                if getattr(current, name) != value:
                    setattr(current, name, value)
                    changed = True
        session.flush()
    if changed:
        changes_service.bump(session)
    return total
