"""One commitment in full: texts, event, indicators, resources and its progress updates."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.actors.models import Actor
from app.api.language import Language
from app.api.problems import NotFound, Withdrawn
from app.api.schemas import code_label, localize
from app.commitments import queries, working_copy
from app.commitments.models import (
    ID_PREFIX,
    Commitment,
    CommitmentTranslation,
    Event,
    ProgressUpdate,
)
from app.commitments.schemas import (
    CommitmentDetail,
    EventRef,
    Indicator,
    ProgressUpdateRead,
    Resources,
    indicator_fields,
)
from app.commitments.shapes import (
    SUMMARY_FIELDS,
    PageRefs,
    page_refs,
    related,
    summary_fields,
)
from app.publication.sql import withdrawn_after_public

DETAIL_COLUMNS = (
    *queries.SUMMARY_COLUMNS,
    Commitment.event_id,
    Commitment.indicators,
    Commitment.resources_amount,
    Commitment.resources_currency,
)


def get_commitment(
    session: Session, *, key: str, language: Language, now: datetime, preview: bool = False
) -> tuple[CommitmentDetail, datetime]:
    """By id or by code (`LAD-2022-IOM-01`, any case), with its progress updates; with
    `preview`, in any state but deleted."""
    column = Commitment.id if key.startswith(f"{ID_PREFIX}_") else Commitment.code
    value = key if column is Commitment.id else key.upper()
    row: Any = session.execute(
        select(*DETAIL_COLUMNS).where(column == value, queries.visible(preview, now))
    ).first()
    if row is None:
        _raise_if_withdrawn(session, column == value, language)
        raise NotFound("No published commitment has this id or code.")
    return details(session, [row], language=language, now=now, preview=preview)[0], row.updated_at


def full_page(
    session: Session, ids: list[str], *, language: Language, now: datetime, preview: bool = False
) -> list[CommitmentDetail]:
    """The commitments of a list page as their item route serves them (`profile=full`), in
    the page's order: a fixed number of queries, whatever the number of items."""
    if not ids:
        return []
    found = {
        row.id: row
        for row in session.execute(select(*DETAIL_COLUMNS).where(Commitment.id.in_(ids)))
    }
    rows = [found[i] for i in ids if i in found]
    return details(session, rows, language=language, now=now, preview=preview)


def details(
    session: Session, rows: list[Any], *, language: Language, now: datetime, preview: bool
) -> list[CommitmentDetail]:
    """Whole commitments out of their rows (`DETAIL_COLUMNS`): texts, actors, tags, sources,
    names, events and progress updates, one query each for all the rows."""
    ids = [row.id for row in rows]
    texts: dict[str, dict[str, Any]] = {i: {} for i in ids}
    for text in session.scalars(
        select(CommitmentTranslation).where(CommitmentTranslation.commitment_id.in_(ids))
    ):
        texts[text.commitment_id][text.lang] = text
    if preview:  # editors preview what a publisher would publish: the pending working copies
        texts = {i: working_copy.previewed_texts(session, i, texts[i]) for i in ids}
    actors, fell_back, tags = related(session, ids, language)
    events = _events(session, [row.event_id for row in rows if row.event_id])
    places = [event.place_code for event in events.values() if event.place_code]
    refs = page_refs(session, rows, tags, now, extra_places=places)
    updates = updates_of(session, ids, language)
    found = []
    for row in rows:
        text, meta = localize(texts[row.id], language, [*SUMMARY_FIELDS, "text"])
        fields = summary_fields(
            row,
            text,
            meta,
            actors[row.id],
            row.id in fell_back,
            tags[row.id],
            now.date(),
            refs=refs,
            language=language,
        )
        found.append(
            CommitmentDetail.model_validate(
                {
                    **fields,
                    "text": text.text,
                    "event": _event_ref(events.get(row.event_id), refs, language),
                    "indicators": [_indicator(raw, language) for raw in row.indicators],
                    "resources": (
                        Resources(amount=row.resources_amount, currency=row.resources_currency)
                        if row.resources_amount is not None and row.resources_currency
                        else None
                    ),
                    "progress_updates": updates.get(row.id, []),
                }
            )
        )
    return found


def _raise_if_withdrawn(session: Session, where: Any, language: Language) -> None:
    """410 with the note, for a withdrawn commitment the public has seen (else the caller's
    404: never-public content does not exist for the public, whatever happened to it)."""
    withdrawn = session.execute(
        select(Commitment.id, Commitment.withdrawn_at, Commitment.withdrawal_note).where(
            where, withdrawn_after_public(Commitment)
        )
    ).first()
    if withdrawn is None:
        return
    titles: dict[str, str] = dict(
        session.execute(
            select(CommitmentTranslation.lang, CommitmentTranslation.title).where(
                CommitmentTranslation.commitment_id == withdrawn.id
            )
        ).all()
    )
    picked = language.pick(titles)
    raise Withdrawn.of(
        withdrawn_at=withdrawn.withdrawn_at,
        note=withdrawn.withdrawal_note,
        title=picked[1] if picked else None,
    )


def _indicator(raw: dict[str, Any], language: Language) -> Indicator:
    picked = language.pick(raw.get("names", {}))
    return Indicator.model_validate(indicator_fields(raw, picked[1] if picked else ""))


def _events(session: Session, event_ids: list[str]) -> dict[str, Event]:
    if not event_ids:
        return {}
    found = session.scalars(select(Event).where(Event.id.in_(sorted(set(event_ids)))))
    return {event.id: event for event in found}


def _event_ref(event: Event | None, refs: PageRefs, language: Language) -> EventRef | None:
    if event is None:
        return None
    picked = language.pick(event.names)
    place = event.place_code
    return EventRef(
        id=event.id,
        slug=event.slug,
        name=picked[1] if picked else event.slug,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        place=place,
        place_label=code_label(refs.names["places"].get(place, {}), language, place).label
        if place
        else None,
    )


def updates_of(
    session: Session, ids: list[str], language: Language
) -> dict[str, list[ProgressUpdateRead]]:
    """The progress updates of many commitments, oldest first: one query, none for no ids."""
    updates: dict[str, list[ProgressUpdateRead]] = {i: [] for i in ids}
    if not ids:
        return updates
    rows = session.execute(
        select(ProgressUpdate, Actor)
        .outerjoin(Actor, Actor.id == ProgressUpdate.reporter_actor_id)
        .where(ProgressUpdate.commitment_id.in_(ids))
        .order_by(ProgressUpdate.commitment_id, ProgressUpdate.sequence)
    ).all()
    for update, actor in rows:
        picked = language.pick(update.narrative)
        updates[update.commitment_id].append(
            ProgressUpdateRead(
                id=update.id,
                sequence=update.sequence,
                reported_on=update.reported_on,
                reporter=actors_service.actor_ref(actor, language)[0] if actor else None,
                status_before=update.status_before,
                status=update.status,
                narrative=picked[1] if picked else None,
                narrative_lang=picked[0] if picked else None,
                evidence=update.evidence,
            )
        )
    return updates


@dataclass(frozen=True)
class Exported:
    """One public commitment of an export batch. Rendered one by one through the item
    route's own code (a handful of queries each): commitments number in the hundreds."""

    id: str
    version: int
    langs: list[str]
    session: Session
    now: datetime

    def render(self, language: Language) -> CommitmentDetail:
        return get_commitment(self.session, key=self.id, language=language, now=self.now)[0]


def export_batch(
    session: Session, *, after: str, limit: int, now: datetime, lang: str | None
) -> list[Exported]:
    """The next `limit` public commitments by id after `after` (with `lang`, only those with
    a text in it), with the languages of their texts."""
    query = (
        select(Commitment.id, Commitment.version)
        .where(queries.is_public(now), Commitment.id > after)
        .order_by(Commitment.id)
        .limit(limit)
    )
    if lang is not None:
        query = query.where(
            exists().where(
                CommitmentTranslation.commitment_id == Commitment.id,
                CommitmentTranslation.lang == lang,
            )
        )
    rows = session.execute(query).all()
    langs: dict[str, list[str]] = {row.id: [] for row in rows}
    if rows:
        for commitment_id, text_lang in session.execute(
            select(CommitmentTranslation.commitment_id, CommitmentTranslation.lang)
            .where(CommitmentTranslation.commitment_id.in_(list(langs)))
            .order_by(CommitmentTranslation.lang)
        ):
            langs[commitment_id].append(text_lang)
    return [Exported(row.id, row.version, langs[row.id], session, now) for row in rows]
