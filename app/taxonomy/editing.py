"""Writing topics (scope `taxonomies:write`). Places and frameworks are reference data: they
change through the files in data/ and `newsroom migrate`, reviewed like code."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.problems import Conflict, NotFound
from app.api.text import Input, LangTag, LongText, ShortText
from app.api.translations import merge_translations
from app.audit import service as audit
from app.auth.service import Principal
from app.cdn import models as cdn
from app.changes import service as changes
from app.db import touch
from app.statements import service as statements_service
from app.taxonomy.models import Topic

TopicSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class TopicCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"slug": "statelessness", "names": {"en": "Statelessness"}}]
        },
    )

    slug: TopicSlug
    names: dict[LangTag, ShortText] = Field(min_length=1, max_length=20)
    descriptions: dict[LangTag, LongText] = Field(default_factory=dict, max_length=20)


class TopicUpdate(Input):
    """Maps merge per language: one left out is kept, `null` removes it (a name must remain)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"names": {"fr": "Apatridie", "es": None}}]}
    )

    names: dict[LangTag, ShortText | None] | None = Field(default=None, max_length=20)
    descriptions: dict[LangTag, LongText | None] | None = Field(default=None, max_length=20)


class TopicEditorial(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "slug": "statelessness",
                    "names": {"en": "Statelessness"},
                    "descriptions": {},
                    "version": 1,
                }
            ]
        },
    )

    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    version: int


def load(session: Session, slug: str) -> Topic:
    topic = session.get(Topic, slug)
    if topic is None or topic.deleted_at is not None:
        raise NotFound("No topic has this slug.")
    return topic


def _done(session: Session, topic: Topic, principal: Principal, action: str, now: datetime) -> None:
    touch(session, topic, now)
    version = changes.bump(session, at=now)
    # Items show its label: their pages carry its key; lists and feeds are purged whole.
    keys = [f"topic:{topic.slug}", "taxonomy", "statements", "commitments"]
    cdn.enqueue(session, keys, version)
    audit.record(
        session,
        key_id=principal.key_id,
        action=action,
        resource_type="topic",
        resource_id=topic.slug,
        at=now,
        details={"version": topic.version},
    )


def create(session: Session, data: TopicCreate, *, principal: Principal, now: datetime) -> Topic:
    if session.get(Topic, data.slug) is not None:
        raise Conflict("A topic with this slug exists already.")
    last = session.scalar(select(func.max(Topic.position))) or 0
    topic = Topic(
        slug=data.slug,
        position=last + 1,
        names=dict(data.names),
        descriptions=dict(data.descriptions),
    )
    session.add(topic)
    _done(session, topic, principal, "create", now)
    return topic


def update(
    session: Session, topic: Topic, data: TopicUpdate, *, principal: Principal, now: datetime
) -> Topic:
    topic.names = merge_translations(topic.names, data.names, pointer="#/names")
    topic.descriptions = merge_translations(
        topic.descriptions, data.descriptions, pointer="#/descriptions", required=False
    )
    _done(session, topic, principal, "update", now)
    return topic


def remove(session: Session, topic: Topic, *, principal: Principal, now: datetime) -> None:
    """Soft delete, refused while statements are tagged with the topic."""
    if statements_service.topic_in_use(session, topic.slug):
        raise Conflict("Statements are tagged with this topic; retag them first.")
    topic.deleted_at = now
    _done(session, topic, principal, "delete", now)
