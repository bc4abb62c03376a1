"""Writing actors (scope `taxonomies:write`)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.actors.models import ID_PREFIX, Actor, ActorType
from app.api.problems import Conflict, NotFound
from app.api.text import Input, LangTag, ShortText, Title, WebUrl
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.service import Principal
from app.cdn import models as cdn
from app.changes import service as changes
from app.commitments import service as commitments_service
from app.db import touch
from app.ids import new_id
from app.taxonomy import service as taxonomy

ActorSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class ActorCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "padf",
                    "type": "ngo",
                    "names": {"en": "Pan American Development Foundation"},
                    "acronyms": {"en": "PADF"},
                }
            ]
        },
    )

    slug: ActorSlug
    type: ActorType
    names: dict[LangTag, Title] = Field(min_length=1, max_length=20)
    acronyms: dict[LangTag, ShortText] = Field(default_factory=dict, max_length=20)
    iso3: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    url: WebUrl | None = None


class ActorUpdate(Input):
    """Maps merge per language: one left out is kept, `null` removes it (a name must remain)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"acronyms": {"fr": "FUPAD"}}]})

    type: ActorType | None = None
    names: dict[LangTag, Title | None] | None = Field(default=None, max_length=20)
    acronyms: dict[LangTag, ShortText | None] | None = Field(default=None, max_length=20)
    url: WebUrl | None = None


class ActorEditorial(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "act_x",
                    "slug": "padf",
                    "type": "ngo",
                    "names": {"en": "PADF"},
                    "acronyms": {},
                    "iso3": None,
                    "url": None,
                    "version": 2,
                }
            ]
        },
    )

    id: str
    slug: str
    type: ActorType
    names: dict[str, str]
    acronyms: dict[str, str]
    iso3: str | None
    url: str | None
    version: int


def load(session: Session, actor_id: str) -> Actor:
    actor = session.get(Actor, actor_id)
    if actor is None or actor.deleted_at is not None:
        raise NotFound("No actor has this id.")
    return actor


def _done(session: Session, actor: Actor, principal: Principal, action: str, now: datetime) -> None:
    touch(session, actor, now)
    # Commitments embed actor names: those naming it are logged (and purged) as updates.
    cdn.enqueue(session, [actor.id, "actors"], changes.bump(session, at=now))
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type="actor",
        resource_id=actor.id,
        at=now,
        details={"version": actor.version},
    )


def create(session: Session, data: ActorCreate, *, principal: Principal, now: datetime) -> Actor:
    if session.scalar(select(Actor.id).where(Actor.slug == data.slug)) is not None:
        raise Conflict("Another actor already has this slug.")
    if data.iso3 is not None:
        taxonomy.known_place_codes(session, [data.iso3], pointers=["#/iso3"])
        if session.scalar(select(Actor.id).where(Actor.iso3 == data.iso3)) is not None:
            raise Conflict("This state already has an actor.")
    actor = Actor(
        id=new_id(ID_PREFIX),
        slug=data.slug,
        type=data.type,
        names=dict(data.names),
        acronyms=dict(data.acronyms),
        iso3=data.iso3,
        url=str(data.url) if data.url else None,
        created_at=now,
    )
    session.add(actor)
    _done(session, actor, principal, "create", now)
    return actor


def update(
    session: Session, actor: Actor, data: ActorUpdate, *, principal: Principal, now: datetime
) -> Actor:
    if data.type is not None:
        actor.type = data.type
    actor.names = merge_translations(actor.names, data.names, pointer="#/names")
    actor.acronyms = merge_translations(
        actor.acronyms, data.acronyms, pointer="#/acronyms", required=False
    )
    if "url" in data.model_fields_set:
        actor.url = str(data.url) if data.url else None
    _done(session, actor, principal, "update", now)
    # Partners hold commitments with the actor's name in them: each gets an event.
    commitments_service.announce_naming(session, actor.id, now)
    return actor


def remove(session: Session, actor: Actor, *, principal: Principal, now: datetime) -> None:
    """Soft delete, refused while commitments or progress reports name the actor."""
    if commitments_service.actor_in_use(session, actor.id):
        raise Conflict("Commitments or progress reports name this actor; change them first.")
    actor.deleted_at = now
    _done(session, actor, principal, "delete", now)
