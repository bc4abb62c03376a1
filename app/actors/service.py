"""Reading actors; other domains resolve and name actors through this module."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.actors.models import Actor, ActorType
from app.actors.schemas import ActorRead, ActorRef
from app.api.language import Language
from app.api.pagination import Page, PageRequest, count_matching, fetch_page, string_sort_key
from app.api.problems import FieldError, InvalidParameters, NotFound
from app.api.schemas import Label, label_of, localize

SLUG_ORDER = string_sort_key("slug", Actor.slug, descending=False)


def _localized(actor: Any, language: Language) -> tuple[dict[str, Any], dict[str, Any]]:
    name, meta = localize(actor.names, language, ["name"], empty="")
    picked = language.pick(actor.acronyms)
    fields = {
        "id": actor.id,
        "slug": actor.slug,
        "type": actor.type,
        "name": name,
        "acronym": picked[1] if picked else None,
    }
    return fields, meta


def actor_ref(actor: Any, language: Language) -> tuple[ActorRef, bool]:
    """The embedded form, and whether its name fell back to another language."""
    fields, meta = _localized(actor, language)
    return ActorRef.model_validate(fields), meta["fallback"] is not None


def list_actors(
    session: Session, *, language: Language, page: PageRequest, types: list[ActorType]
) -> tuple[Page[ActorRead], datetime | None]:
    statement = select(Actor).where(Actor.deleted_at.is_(None))
    if types:
        statement = statement.where(Actor.type.in_(types))
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=SLUG_ORDER,
        id_column=Actor.slug,
        page=page,
    )
    total = count_matching(session, statement) if page.include_total else None
    items = [_read(actor, language) for actor in rows]
    return (
        Page[ActorRead](items=items, next_cursor=next_cursor, total=total),
        max((a.updated_at for a in rows), default=None),
    )


def _read(actor: Actor, language: Language) -> ActorRead:
    fields, meta = _localized(actor, language)
    return ActorRead.model_validate({**fields, "iso3": actor.iso3, "url": actor.url, **meta})


def get_actor(session: Session, *, key: str, language: Language) -> tuple[ActorRead, datetime]:
    actor = session.scalar(
        select(Actor).where(or_(Actor.id == key, Actor.slug == key), Actor.deleted_at.is_(None))
    )
    if actor is None:
        raise NotFound("No actor has this id or slug.")
    return _read(actor, language), actor.updated_at


def resolve_ids(session: Session, keys: list[str], *, parameter: str) -> list[str]:
    """Actor ids for a list of ids or slugs; 422 naming the parameter if one is unknown."""
    rows = session.execute(
        select(Actor.id, Actor.slug).where(
            or_(Actor.id.in_(keys), Actor.slug.in_(keys)), Actor.deleted_at.is_(None)
        )
    ).all()
    known = {row.id for row in rows} | {row.slug for row in rows}
    if any(key not in known for key in keys):
        raise InvalidParameters(
            f"Unknown value(s) for `{parameter}`.",
            errors=[FieldError(parameter=parameter, detail="Unknown actor; see /v1/actors.")],
        )
    return [row.id for row in rows]


def resolve_keys(session: Session, keys: list[str], *, pointer: str | Sequence[str]) -> list[str]:
    """Actor ids for ids or slugs given in a request body, in order; 422 at `pointer` if one
    names no actor (with one pointer per key, at each unknown one)."""
    rows = session.execute(
        select(Actor.id, Actor.slug).where(
            or_(Actor.id.in_(keys), Actor.slug.in_(keys)), Actor.deleted_at.is_(None)
        )
    ).all()
    by_key = {row.id: row.id for row in rows} | {row.slug: row.id for row in rows}
    missing = [index for index, key in enumerate(keys) if key not in by_key]
    if missing:
        at = [pointer] if isinstance(pointer, str) else [pointer[index] for index in missing]
        raise InvalidParameters(
            "Unknown actor.",
            errors=[FieldError(pointer=p, detail="No actor has this id or slug.") for p in at],
        )
    return [by_key[key] for key in keys]


def labels(session: Session, ids: Sequence[str], language: Language) -> dict[str, Label]:
    """`{actor id: (name, fell back)}` in the reader's language or its fallback: one query."""
    found: dict[str, Label] = {}
    if ids:
        for actor_id, names in session.execute(
            select(Actor.id, Actor.names).where(Actor.id.in_(ids))
        ):
            label = label_of(names, language)
            if label is not None:
                found[actor_id] = label
    return found
