"""The taxonomy read endpoints' logic: places, topics, frameworks and terms, localized."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.pagination import (
    Page,
    PageRequest,
    count_matching,
    fetch_page,
    int_sort_key,
    string_sort_key,
)
from app.api.problems import NotFound
from app.api.schemas import also_fell_back, localize
from app.taxonomy.models import Framework, FrameworkTerm, Place, Topic
from app.taxonomy.schemas import (
    FrameworkRead,
    PlaceDetail,
    PlaceKind,
    PlaceRead,
    TermDetail,
    TermRead,
    TopicRead,
)
from app.taxonomy.service import canonical_place_code, place_subtree, require_known, term_read

PLACE_ORDER = string_sort_key("code", Place.code, descending=False)
TOPIC_ORDER = string_sort_key("slug", Topic.slug, descending=False)
FRAMEWORK_ORDER = string_sort_key("code", Framework.code, descending=False)
TERM_ORDER = int_sort_key("position", FrameworkTerm.position, descending=False)


def _place_read(place: Place, language: Language) -> dict[str, Any]:
    name, meta = localize(place.names, language, ["name"], empty="")
    return {
        "code": place.code,
        "kind": place.kind,
        "name": name,
        "alpha2": place.alpha2,
        "m49": place.m49,
        "parent_code": place.parent_code,
        **meta,
    }


def list_places(
    session: Session,
    *,
    language: Language,
    page: PageRequest,
    kind: PlaceKind | None,
    within: str | None,
) -> tuple[Page[PlaceRead], datetime | None]:
    statement = select(Place)
    if kind is not None:
        statement = statement.where(Place.kind == kind)
    if within is not None:
        code = canonical_place_code(within)
        require_known(session, Place.code, [code], parameter="within")
        statement = statement.where(Place.code.in_(place_subtree([code]))).where(Place.code != code)
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=PLACE_ORDER,
        id_column=Place.code,
        page=page,
    )
    total = count_matching(session, statement) if page.include_total else None
    items = [PlaceRead.model_validate(_place_read(p, language)) for p in rows]
    return (
        Page[PlaceRead](items=items, next_cursor=next_cursor, total=total),
        max((p.updated_at for p in rows), default=None),
    )


def get_place(session: Session, *, code: str, language: Language) -> tuple[PlaceDetail, datetime]:
    code = canonical_place_code(code)
    place = session.get(Place, code) or session.scalar(select(Place).where(Place.m49 == code))
    if place is None:
        raise NotFound("No place has this code.")
    ancestors: list[str] = []
    parent = place.parent_code
    while parent is not None:
        ancestors.insert(0, parent)
        parent = session.scalar(select(Place.parent_code).where(Place.code == parent))
    children = list(
        session.scalars(
            select(Place.code).where(Place.parent_code == place.code).order_by(Place.code)
        )
    )
    detail = PlaceDetail.model_validate(
        {**_place_read(place, language), "ancestors": ancestors, "children": children}
    )
    return detail, place.updated_at


def _topic_read(topic: Topic, language: Language) -> TopicRead:
    name, meta = localize(topic.names, language, ["name"], empty="")
    description, description_meta = localize(
        topic.descriptions, language, ["description"], empty=""
    )
    return TopicRead.model_validate(
        {
            "slug": topic.slug,
            "name": name,
            "description": description,
            **also_fell_back(meta, description_meta),
        }
    )


def list_topics(
    session: Session, *, language: Language, page: PageRequest
) -> tuple[Page[TopicRead], datetime | None]:
    statement = select(Topic).where(Topic.deleted_at.is_(None))
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=TOPIC_ORDER,
        id_column=Topic.slug,
        page=page,
    )
    total = count_matching(session, statement) if page.include_total else None
    return (
        Page[TopicRead](
            items=[_topic_read(t, language) for t in rows], next_cursor=next_cursor, total=total
        ),
        max((t.updated_at for t in rows), default=None),
    )


def get_topic(session: Session, *, slug: str, language: Language) -> tuple[TopicRead, datetime]:
    topic = session.get(Topic, slug)
    if topic is None or topic.deleted_at is not None:
        raise NotFound("No topic has this slug.")
    return _topic_read(topic, language), topic.updated_at


def _framework_read(framework: Framework, language: Language) -> FrameworkRead:
    name, meta = localize(framework.names, language, ["name"], empty="")
    description, description_meta = localize(
        framework.descriptions, language, ["description"], empty=""
    )
    return FrameworkRead.model_validate(
        {
            "code": framework.code,
            "name": name,
            "description": description,
            "url": framework.url,
            "adopted_on": framework.adopted_on,
            **also_fell_back(meta, description_meta),
        }
    )


def list_frameworks(
    session: Session, *, language: Language, page: PageRequest
) -> tuple[Page[FrameworkRead], datetime | None]:
    statement = select(Framework)
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=FRAMEWORK_ORDER,
        id_column=Framework.code,
        page=page,
    )
    total = count_matching(session, statement) if page.include_total else None
    return (
        Page[FrameworkRead](
            items=[_framework_read(f, language) for f in rows],
            next_cursor=next_cursor,
            total=total,
        ),
        max((f.updated_at for f in rows), default=None),
    )


def get_framework(
    session: Session, *, code: str, language: Language
) -> tuple[FrameworkRead, datetime]:
    framework = session.get(Framework, code.lower())
    if framework is None:
        raise NotFound("No framework has this code.")
    return _framework_read(framework, language), framework.updated_at


def list_terms(
    session: Session,
    *,
    framework: str,
    language: Language,
    page: PageRequest,
    parent: str | None,
    kind: str | None,
) -> tuple[Page[TermRead], datetime | None]:
    if session.get(Framework, framework) is None:
        raise NotFound("No framework has this code.")
    statement = select(FrameworkTerm).where(FrameworkTerm.framework_code == framework)
    if parent is not None:
        statement = statement.where(FrameworkTerm.parent_code == parent)
    if kind is not None:
        statement = statement.where(FrameworkTerm.kind == kind)
    rows, next_cursor = fetch_page(
        session,
        statement,
        sort=TERM_ORDER,
        id_column=FrameworkTerm.code,
        page=page,
    )
    total = count_matching(session, statement) if page.include_total else None
    return (
        Page[TermRead](
            items=[TermRead.model_validate(term_read(t, language)) for t in rows],
            next_cursor=next_cursor,
            total=total,
        ),
        max((t.updated_at for t in rows), default=None),
    )


def get_term(session: Session, *, code: str, language: Language) -> tuple[TermDetail, datetime]:
    term = session.get(FrameworkTerm, code.lower())
    if term is None:
        raise NotFound("No framework term has this code.")
    ancestors: list[str] = []
    parent = term.parent_code
    while parent is not None:
        ancestors.insert(0, parent)
        parent = session.scalar(
            select(FrameworkTerm.parent_code).where(FrameworkTerm.code == parent)
        )
    children = list(
        session.scalars(
            select(FrameworkTerm.code)
            .where(FrameworkTerm.parent_code == term.code)
            .order_by(FrameworkTerm.position)
        )
    )
    detail = TermDetail.model_validate(
        {**term_read(term, language), "ancestors": ancestors, "children": children}
    )
    return detail, term.updated_at
