"""Public shapes of actors."""

from pydantic import ConfigDict, Field

from app.actors.models import ActorType
from app.api.schemas import Localized, Schema


class ActorRead(Localized):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "act_2k8v0c3n6q1x9m4r7t2w5y8z0b",
                    "slug": "iom",
                    "type": "igo",
                    "name": "Organización Internacional para las Migraciones",
                    "acronym": "OIM",
                    "iso3": None,
                    "url": "https://www.iom.int",
                    "lang": "es",
                    "available_langs": ["en", "es", "fr"],
                    "fallback": None,
                }
            ]
        }
    )

    id: str
    slug: str = Field(description="Readable unique key, usable wherever an actor id is.")
    type: ActorType
    name: str
    acronym: str | None
    iso3: str | None = Field(description="ISO 3166-1 alpha-3, for states.")
    url: str | None


class ActorRef(Schema):
    """An actor as embedded in another resource, named in the served language."""

    id: str
    slug: str
    type: ActorType
    name: str
    acronym: str | None
