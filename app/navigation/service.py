"""Reading menus: whole trees in one pass, links per language, breadcrumbs."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.pagination import Page, PageRequest, count_matching, fetch_page, string_sort_key
from app.api.problems import FieldError, InvalidParameters, NotFound
from app.api.schemas import also_fell_back, localize
from app.navigation.models import ItemKind, Menu, NavigationItem
from app.navigation.schemas import Breadcrumbs, Crumb, MenuRead, MenuTree, NavigationNode, Target
from app.publication import PublicationStatus
from app.statements import service as statements_service

MENU_ORDER = string_sort_key("key", Menu.key, descending=False)
PUBLISHED = PublicationStatus.PUBLISHED


@dataclass(frozen=True)
class Links:
    """How the frontend spells its URLs: a language prefix outside the default language."""

    default_lang: str
    statement_path: str  # e.g. "/news/{slug}"

    def prefix(self, lang: str) -> str:
        return "" if lang == self.default_lang else f"/{lang}"

    def split(self, path: str, languages: tuple[str, ...]) -> tuple[str, str]:
        """The language a frontend path is in (its prefix, else the default) and the path
        without that prefix."""
        path = "/" + path.strip("/")
        for lang in languages:
            if path == f"/{lang}" or path.startswith(f"/{lang}/"):
                return lang, path[len(lang) + 1 :] or "/"
        return self.default_lang, path


@dataclass
class _Loaded:
    menu: Menu
    items: dict[str, NavigationItem]
    children: dict[str | None, list[NavigationItem]]
    slugs: dict[str, dict[str, str]]


def _load(session: Session, menu_key: str, now: datetime, preview: bool = False) -> _Loaded:
    """The menu, all its visible items and the slugs of linked statements: three queries.

    A draft menu is the 404 of a menu that never existed; draft items are left out, and with
    them their children, which no walk from the root reaches. Previews show drafts too."""
    menu = session.get(Menu, menu_key)
    if menu is None or not (preview or menu.publication_status is PUBLISHED):
        raise NotFound("No menu has this key.")
    query = select(NavigationItem).where(
        NavigationItem.menu_key == menu_key, NavigationItem.visible.is_(True)
    )
    if not preview:
        query = query.where(NavigationItem.publication_status == PUBLISHED)
    rows = session.scalars(
        query.order_by(NavigationItem.parent_id, NavigationItem.position, NavigationItem.id)
    ).all()
    targets = [r.target_id for r in rows if r.kind is ItemKind.CONTENT and r.target_id]
    slugs = statements_service.public_slugs(session, targets, now, preview)
    children: dict[str | None, list[NavigationItem]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.id))
    return _Loaded(menu, {r.id: r for r in rows}, children, slugs)


def _changed(loaded: _Loaded, preview: bool) -> datetime:
    """Last-Modified: the menu's `updated_at` moves with every public change to it and only
    then (a draft item's edit, or the renumbering it causes among published siblings, leaves
    it); a preview also dates the drafts it shows."""
    if not preview:
        return loaded.menu.updated_at
    return max([loaded.menu.updated_at, *(i.updated_at for i in loaded.items.values())])


def _href(item: NavigationItem, loaded: _Loaded, language: Language, links: Links) -> Any:
    """The item's link in the served language; `False` when it points to nothing public."""
    if item.kind is ItemKind.ROUTE:
        return f"{links.prefix(language.requested)}{item.route or '/'}"
    if item.kind is ItemKind.EXTERNAL:
        return item.url
    if item.kind is ItemKind.CONTENT:
        picked = language.pick(loaded.slugs.get(item.target_id or "", {}))
        if picked is None:
            return False
        lang, slug = picked
        return links.prefix(lang) + links.statement_path.format(slug=slug)
    return None


def _localized(item: NavigationItem, language: Language) -> dict[str, Any]:
    label, meta = localize(item.labels, language, ["label"], empty="")
    blurb = None
    if item.blurbs:
        blurb, blurb_meta = localize(item.blurbs, language, ["blurb"], empty="")
        meta = also_fell_back(meta, blurb_meta)
    return {"label": label, "blurb": blurb, **meta}


def _nodes(
    loaded: _Loaded,
    parent_id: str | None,
    language: Language,
    links: Links,
    depth: int | None,
    only: NavigationItem | None = None,
) -> list[NavigationNode]:
    """The nodes under `parent_id` (or just `only`), `depth` levels deep (None: all)."""
    nodes = []
    for item in [only] if only is not None else loaded.children.get(parent_id, []):
        href = _href(item, loaded, language, links)
        if href is False:  # links to something unpublished: the item is left out
            continue
        below = (
            _nodes(loaded, item.id, language, links, None if depth is None else depth - 1)
            if depth is None or depth > 1
            else []
        )
        # Counted whether or not depth cut them, over the children a reader may see.
        has_children = bool(below) or any(
            _href(child, loaded, language, links) is not False
            for child in loaded.children.get(item.id, [])
        )
        target = (
            Target(type=item.target_type or "statement", id=item.target_id)
            if item.kind is ItemKind.CONTENT and item.target_id
            else None
        )
        nodes.append(
            NavigationNode.model_validate(
                {
                    "id": item.id,
                    "kind": item.kind,
                    "href": href,
                    "icon": item.icon,
                    "target": target,
                    "has_children": has_children,
                    "children": below,
                    **_localized(item, language),
                }
            )
        )
    return nodes


def get_tree(
    session: Session,
    *,
    menu_key: str,
    language: Language,
    depth: int | None,
    links: Links,
    now: datetime,
    preview: bool = False,
    root: str | None = None,
) -> tuple[MenuTree, datetime]:
    """The menu's tree, or with `root` the subtree of that item (404 unless the item is in the
    tree a reader sees: visible, and neither it nor an ancestor links to unpublished content)."""
    loaded = _load(session, menu_key, now, preview)
    name, meta = localize(loaded.menu.names, language, ["name"], empty="")
    start = _visible_item(loaded, root, language, links) if root is not None else None
    tree = MenuTree.model_validate(
        {
            "key": loaded.menu.key,
            "name": name,
            "depth": depth,
            "root": root,
            "items": _nodes(loaded, None, language, links, depth, only=start),
            **meta,
        }
    )
    return tree, _changed(loaded, preview)


def _visible_item(
    loaded: _Loaded, item_id: str, language: Language, links: Links
) -> NavigationItem:
    item = loaded.items.get(item_id)
    current = item
    while current is not None:
        if _href(current, loaded, language, links) is False:
            break
        if current.parent_id is None:
            assert item is not None
            return item
        current = loaded.items.get(current.parent_id)  # None: a hidden ancestor
    raise NotFound("This menu has no visible item with this id.")


def breadcrumbs(
    session: Session,
    *,
    menu_key: str,
    path: str | None,
    item_id: str | None,
    language: Language,
    links: Links,
    languages: tuple[str, ...],
    now: datetime,
) -> tuple[Breadcrumbs, datetime]:
    """The trail from the root to the item at `path` (with or without a language prefix)."""
    if (path is None) == (item_id is None):
        raise InvalidParameters(
            "Give exactly one of `path` and `item`.",
            errors=[FieldError(parameter="path", detail="Give `path` or `item`, not both.")],
        )
    loaded = _load(session, menu_key, now)
    item = (
        loaded.items.get(item_id)
        if item_id
        else _find_by_path(loaded, path or "", links, languages)
    )
    if item is None:
        raise NotFound("No visible item of this menu has this path or id.")
    trail = []
    current: NavigationItem | None = item
    while current is not None:
        href = _href(current, loaded, language, links)
        if href is False:
            raise NotFound("No visible item of this menu has this path or id.")
        trail.append(
            Crumb.model_validate({"id": current.id, "href": href, **_localized(current, language)})
        )
        if current.parent_id is not None and current.parent_id not in loaded.items:
            raise NotFound("No visible item of this menu has this path or id.")
        current = loaded.items.get(current.parent_id) if current.parent_id else None
    changed = _changed(loaded, preview=False)
    return Breadcrumbs(menu=menu_key, items=list(reversed(trail))), changed


def _find_by_path(
    loaded: _Loaded, path: str, links: Links, languages: tuple[str, ...]
) -> NavigationItem | None:
    _, bare = links.split(path, languages)
    for item in loaded.items.values():
        if item.kind is ItemKind.ROUTE and (item.route or "/") == bare:
            return item
        if item.kind is ItemKind.CONTENT and item.target_id:
            slugs = loaded.slugs.get(item.target_id, {}).values()
            if any(links.statement_path.format(slug=slug) == bare for slug in slugs):
                return item
    return None


def list_menus(
    session: Session, *, language: Language, page: PageRequest
) -> tuple[Page[MenuRead], datetime | None]:
    """The published menus (drafts are not listed, not even counted)."""
    statement = select(Menu).where(Menu.publication_status == PUBLISHED)
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=MENU_ORDER,
        id_column=Menu.key,
        page=page,
    )
    items = []
    for menu in rows:
        name, meta = localize(menu.names, language, ["name"], empty="")
        items.append(MenuRead.model_validate({"key": menu.key, "name": name, **meta}))
    total = count_matching(session, statement) if page.include_total else None
    return (
        Page[MenuRead](items=items, next_cursor=next_cursor, total=total),
        max((m.updated_at for m in rows), default=None),
    )


def public_menu_versions(session: Session, *, after: str, limit: int) -> list[tuple[str, int]]:
    """Keys and versions of the published menus after `after`, in key order (for snapshots)."""
    rows = session.execute(
        select(Menu.key, Menu.version)
        .where(Menu.key > after, Menu.publication_status == PublicationStatus.PUBLISHED)
        .order_by(Menu.key)
        .limit(limit)
    )
    return [(row.key, row.version) for row in rows]
