"""Public shapes of places, topics, frameworks and terms."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, JsonValue

from app.api.schemas import Label, Localized, Schema

PlaceKind = Literal["country", "region"]


class PlaceRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "HND",
                    "kind": "country",
                    "name": "Honduras",
                    "alpha2": "HN",
                    "m49": "340",
                    "parent_code": "013",
                    "lang": "en",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    code: str = Field(description="ISO 3166-1 alpha-3 for countries, UN M49 for regions.")
    kind: PlaceKind
    name: str
    alpha2: str | None = Field(description="ISO 3166-1 alpha-2 (countries only).")
    m49: str | None = Field(description="UN M49 numeric code.")
    parent_code: str | None = Field(description="The smallest M49 region containing it.")


class PlaceDetail(PlaceRead):
    ancestors: list[str] = Field(description="Enclosing regions, from the world down.")
    children: list[str] = Field(description="Places directly inside this one.")


class TopicRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "counter-trafficking",
                    "name": "Counter-trafficking",
                    "description": "Preventing trafficking in persons and protecting survivors.",
                    "lang": "en",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    surrogate_key: ClassVar[str] = "topic:{slug}"  # its CDN key (app/cdn/keys.py)

    slug: str
    name: str
    description: str


class FrameworkRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "gcm",
                    "name": "Global Compact for Safe, Orderly and Regular Migration",
                    "description": "23 objectives agreed by UN Member States in 2018.",
                    "url": "https://www.un.org/en/migration2022/global-compact-for-migration",
                    "adopted_on": "2018-12-10",
                    "lang": "en",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    code: str
    name: str
    description: str
    url: str | None
    adopted_on: date | None


class TermRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "sdg:10.7",
                    "framework": "sdg",
                    "parent_code": "sdg:10",
                    "kind": "target",
                    "notation": "10.7",
                    "name": "Well-managed migration policies",
                    "lang": "en",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    code: str = Field(description="Framework-qualified code, e.g. `sdg:10.7`, `gcm:21`.")
    framework: str
    parent_code: str | None
    kind: str = Field(description="goal, target, objective, pillar, action_package, ...")
    notation: str
    name: str


class TermDetail(TermRead):
    ancestors: list[str] = Field(description="Enclosing terms, from the root down.")
    children: list[str]


_LABELS_EXAMPLE: dict[str, JsonValue] = {
    "places": {"019": {"label": "Americas", "fallback": False}},
    "topics": {"counter-trafficking": {"label": "Counter-trafficking", "fallback": False}},
    "terms": {"gcm:2": {"label": "Minimize adverse drivers", "fallback": False}},
}


class TagLabels(Schema):
    """Labels of exactly the codes the item carries (`places`, `topics`, `terms`, and the
    dateline place), in the served language; `fallback` says when one is in another."""

    model_config = ConfigDict(json_schema_extra={"examples": [_LABELS_EXAMPLE]})

    places: dict[str, Label] = Field(default_factory=dict)
    topics: dict[str, Label] = Field(default_factory=dict)
    terms: dict[str, Label] = Field(default_factory=dict)
