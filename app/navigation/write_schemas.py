"""Shapes editors send to build menus."""

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.api.text import Code, HttpsUrl, Input, LangTag, LongText, Route, ShortText
from app.navigation.models import ItemKind
from app.navigation.schemas import Target
from app.publication import PublicationStatus

MenuKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")]
Labels = dict[LangTag, ShortText]


class Strict(Input):
    """Unknown fields refused, numbers finite (`app.api.text.Input`)."""


class MenuCreate(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"key": "sidebar", "names": {"en": "Sidebar"}}]},
    )

    key: MenuKey
    names: Labels = Field(min_length=1, max_length=20)


class TargetIn(Strict):
    """As the public `target`: the API resource a `content` item links to."""

    type: Literal["statement"]
    id: Code = Field(description="The statement's id.")


class ItemCreate(Strict):
    """A menu item; what it links to depends on `kind`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "route",
                    "route": "/our-work",
                    "labels": {"en": "Our Work", "fr": "Notre travail"},
                }
            ]
        },
    )

    parent_id: Code | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    kind: ItemKind
    route: Route | None = Field(
        default=None, description="For `route` items: a path on the site, no `..` or `//`."
    )
    target: TargetIn | None = Field(
        default=None, description="For `content` items: the statement linked."
    )
    url: HttpsUrl | None = Field(default=None, description="For `external` items: https only.")
    labels: Labels = Field(min_length=1, max_length=20)
    blurbs: dict[LangTag, LongText] = Field(default_factory=dict, max_length=20)
    icon: Code | None = None
    visible: bool = True

    @model_validator(mode="after")
    def _target_matches_kind(self) -> Self:
        needs = {ItemKind.ROUTE: "route", ItemKind.CONTENT: "target", ItemKind.EXTERNAL: "url"}
        for kind, field in needs.items():
            given = getattr(self, field) is not None
            if given != (self.kind is kind):
                raise ValueError(f"`{field}` goes with kind `{kind.value}` and only with it")
        return self


class ItemUpdate(Strict):
    """`labels` and `blurbs` merge per language: one left out is kept, `null` removes it (a
    label must remain)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"labels": {"en": "Who we are"}}]}
    )

    route: Route | None = None
    url: HttpsUrl | None = Field(default=None, description="For `external` items: https only.")
    target: TargetIn | None = Field(default=None, description="For `content` items.")
    labels: dict[LangTag, ShortText | None] | None = Field(default=None, max_length=20)
    blurbs: dict[LangTag, LongText | None] | None = Field(default=None, max_length=20)
    icon: Code | None = None
    visible: bool | None = None


class ItemMove(Strict):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"parent_id": None, "position": 0}]}
    )

    parent_id: Code | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class ChildrenOrder(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"parent_id": None, "ids": ["nav_a", "nav_b"]}]},
    )

    parent_id: Code | None = None
    ids: list[Code] = Field(max_length=1000)


class ItemEditorial(BaseModel):
    """A menu item as editors see it: the public item's `id`, `kind`, `icon` and `target`, its
    labels and blurbs in every language, and what editors set (`route`, `url`, placement)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "nav_01j0c3d2e8f7g6h5j4k3m2n1p0",
                    "menu_key": "main",
                    "parent_id": None,
                    "position": 0,
                    "kind": "content",
                    "route": None,
                    "target": {"type": "statement", "id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4"},
                    "url": None,
                    "labels": {"en": "The Los Angeles Declaration"},
                    "blurbs": {},
                    "icon": None,
                    "visible": True,
                    "publication_status": "draft",
                    "version": 1,
                }
            ]
        },
    )

    id: str
    menu_key: str
    parent_id: str | None
    position: int
    kind: ItemKind
    route: str | None
    target: Target | None
    url: str | None
    labels: dict[str, str]
    blurbs: dict[str, str]
    icon: str | None
    visible: bool
    publication_status: PublicationStatus = Field(
        description="`draft` (staged: hidden with its subtree) or `published`."
    )
    version: int

    @model_validator(mode="before")
    @classmethod
    def _target_from_columns(cls, data: Any) -> Any:
        """The stored `target_type`/`target_id` pair, shown as the public `target`."""
        if isinstance(data, dict) or not hasattr(data, "target_id"):
            return data
        fields = {name: getattr(data, name) for name in cls.model_fields if name != "target"}
        target = (
            {"type": data.target_type or "statement", "id": data.target_id}
            if data.target_id
            else None
        )
        return {**fields, "target": target}


class MenuEditorial(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "key": "main",
                    "names": {"en": "Main"},
                    "publication_status": "published",
                    "version": 3,
                    "revision": 7,
                }
            ]
        },
    )

    key: str
    names: dict[str, str]
    publication_status: PublicationStatus = Field(
        description="`draft`: a 404 to the public, whatever its items; or `published`."
    )
    version: int = Field(
        description="The public version, as in the change log: moved only by changes the "
        "public sees (0 for a menu never published)."
    )
    revision: int = Field(
        description="Moved by every change to the menu or its items, drafts included: the "
        "number in its ETag."
    )
