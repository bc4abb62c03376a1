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
from app.commitments.service import (
    SUMMARY_FIELDS,
    page_refs,
    pick_text,
    related,
    summary_fields,
)
from app.publication.sql import withdrawn_after_public


def get_commitment(
    session: Session, *, key: str, language: Language, now: datetime, preview: bool = False
) -> tuple[CommitmentDetail, datetime]:
    """By id or by code (`LAD-2022-IOM-01`, any case), with its progress updates; with
    `preview`, in any state but deleted."""
    column = Commitment.id if key.startswith(f"{ID_PREFIX}_") else Commitment.code
    value = key if column is Commitment.id else key.upper()
    row: Any = session.execute(
        select(
            *queries.SUMMARY_COLUMNS,
            Commitment.event_id,
            Commitment.indicators,
            Commitment.resources_amount,
            Commitment.resources_currency,
        ).where(column == value, queries.visible(preview, now))
    ).first()
    if row is None:
        _raise_if_withdrawn(session, column == value, language)
        raise NotFound("No published commitment has this id or code.")
    texts = {
        t.lang: t
        for t in session.scalars(
            select(CommitmentTranslation).where(CommitmentTranslation.commitment_id == row.id)
        )
    }
    if preview:  # editors preview what a publisher would publish: the pending working copy
        texts = working_copy.previewed_texts(session, row.id, texts)
    text, meta = pick_text(texts, language, [*SUMMARY_FIELDS, "text"])
    actors, fell_back, tags = related(session, [row.id], language)
    fields = summary_fields(
        row,
        text,
        meta,
        actors[row.id],
        row.id in fell_back,
        tags[row.id],
        now.date(),
        refs=page_refs(session, [row], tags, now),
        language=language,
    )
    detail = CommitmentDetail.model_validate(
        {
            **fields,
            "text": text.text,
            "event": _event(session, row.event_id, language),
            "indicators": [_indicator(raw, language) for raw in row.indicators],
            "resources": (
                Resources(amount=row.resources_amount, currency=row.resources_currency)
                if row.resources_amount is not None and row.resources_currency
                else None
            ),
            "progress_updates": _updates(session, row.id, language),
        }
    )
    return detail, row.updated_at


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


def _event(session: Session, event_id: str | None, language: Language) -> EventRef | None:
    if event_id is None:
        return None
    event = session.get(Event, event_id)
    if event is None:
        return None
    picked = language.pick(event.names)
    return EventRef(
        id=event.id,
        slug=event.slug,
        name=picked[1] if picked else event.slug,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        place=event.place_code,
    )


def _updates(session: Session, commitment_id: str, language: Language) -> list[ProgressUpdateRead]:
    rows = session.execute(
        select(ProgressUpdate, Actor)
        .outerjoin(Actor, Actor.id == ProgressUpdate.reporter_actor_id)
        .where(ProgressUpdate.commitment_id == commitment_id)
        .order_by(ProgressUpdate.sequence)
    ).all()
    updates = []
    for update, actor in rows:
        picked = language.pick(update.narrative)
        updates.append(
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
