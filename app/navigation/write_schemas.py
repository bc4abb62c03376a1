"""Shapes editors send to build menus."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.api.text import Code, HttpsUrl, Input, LangTag, LongText, Route, ShortText
from app.navigation.models import ItemKind

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
    statement: Code | None = Field(default=None, description="For `content` items: a statement id.")
    url: HttpsUrl | None = Field(default=None, description="For `external` items: https only.")
    labels: Labels = Field(min_length=1, max_length=20)
    blurbs: dict[LangTag, LongText] = Field(default_factory=dict, max_length=20)
    icon: Code | None = None
    visible: bool = True

    @model_validator(mode="after")
    def _target_matches_kind(self) -> Self:
        needs = {ItemKind.ROUTE: "route", ItemKind.CONTENT: "statement", ItemKind.EXTERNAL: "url"}
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
    statement: Code | None = None
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
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"id": "nav_x", "menu_key": "main", "kind": "route"}]},
    )

    id: str
    menu_key: str
    parent_id: str | None
    position: int
    kind: ItemKind
    route: str | None
    target_type: str | None
    target_id: str | None
    url: str | None
    labels: dict[str, str]
    blurbs: dict[str, str]
    icon: str | None
    visible: bool
    version: int


class MenuEditorial(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"key": "main", "names": {"en": "Main"}, "version": 3}]},
    )

    key: str
    names: dict[str, str]
    version: int
