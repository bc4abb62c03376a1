"""Public shapes of menus, their trees and breadcrumb trails."""

from typing import ClassVar

from pydantic import ConfigDict, Field

from app.api.schemas import Localized, Schema
from app.navigation.models import ItemKind


class Target(Schema):
    type: str = Field(description="The kind of resource linked, e.g. `statement`.")
    id: str


class NavigationNode(Localized):
    """One menu item. `lang` and `fallback` describe its label (and blurb)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "nav_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "kind": "route",
                    "label": "Agenda 2030",
                    "blurb": None,
                    "href": "/fr/2030-agenda",
                    "icon": None,
                    "target": None,
                    "lang": "en",
                    "available_langs": ["en"],
                    "fallback": {"requested_lang": "fr", "fields": ["label"]},
                    "has_children": False,
                    "children": [],
                }
            ]
        }
    )

    id: str
    kind: ItemKind
    label: str
    blurb: str | None = Field(description="Short text for mega-menus.")
    href: str | None = Field(
        description="Where the item leads, in the served language; null for headings."
    )
    icon: str | None
    target: Target | None = Field(description="The linked API resource, for content items.")
    has_children: bool = Field(
        description="Whether the item has children, even when `depth` left them out (fetch "
        "them with `?root=<id>`)."
    )
    children: list["NavigationNode"]


class MenuRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "main",
                    "name": "Menu principal",
                    "lang": "fr",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    surrogate_key: ClassVar[str] = "menu:{key}"  # its CDN key (app/cdn/keys.py)

    key: str
    name: str


class MenuTree(MenuRead):
    """A whole menu, nested, in the served language."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "main",
                    "name": "Main menu",
                    "lang": "en",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                    "depth": None,
                    "root": None,
                    "items": [],
                }
            ]
        }
    )

    depth: int | None = Field(description="The depth asked for; null for the whole tree.")
    root: str | None = Field(
        default=None,
        description="The item the tree starts at (`?root=`); `items` is then that item alone.",
    )
    items: list[NavigationNode]


class Crumb(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "nav_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "label": "Ce que nous faisons",
                    "href": "/fr/our-work/what-we-do",
                    "lang": "fr",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    id: str
    label: str
    href: str | None


class Breadcrumbs(Schema):
    """The trail from the menu's root down to the item."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "menu": "main",
                    "items": [
                        {
                            "id": "nav_01j0c3d2e8f7g6h5j4k3m2n1p0",
                            "label": "Our Work",
                            "href": None,
                            "lang": "en",
                            "available_langs": ["en", "es", "fr"],
                            "fallback": None,
                        }
                    ],
                }
            ]
        }
    )

    surrogate_key: ClassVar[str] = "menu:{menu}"  # its CDN key (app/cdn/keys.py)

    menu: str
    items: list[Crumb]
