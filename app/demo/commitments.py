"""Loads the demo actors, events and commitments, and replays their progress reports through the
lifecycle rules, so demo data can never hold a status change the service would refuse.

Demo data obeys the rules live data does: each report is dated (and created) on its day, a
commitment's `updated_at` is its last report (or the day it was made), never older, and it goes
live in the change log dated when it was published."""

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.actors.models import ID_PREFIX as ACTOR_PREFIX
from app.actors.models import Actor, ActorType
from app.cdn import models as cdn
from app.cdn.keys import SITE
from app.changes import service as changes_service
from app.changes.service import Operation
from app.commitments.lifecycle import ProgressReport, record_progress
from app.commitments.models import (
    EVENT_ID_PREFIX,
    ID_PREFIX,
    Commitment,
    CommitmentTranslation,
    Event,
    ImplementationStatus,
    ProgressUpdate,
    commitment_actors,
    commitment_kinds,
    commitment_places,
    commitment_terms,
)
from app.commitments.publishing import COMMITMENTS
from app.demo.loader import statement_id_for
from app.ids import stable_id
from app.publication import PublicationStatus
from app.taxonomy.models import Place


def demo_commitment_data() -> dict[str, Any]:
    text = resources.files("app.demo").joinpath("data", "commitments.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def commitment_id_for(key: str) -> str:
    return stable_id(ID_PREFIX, key)


def actor_id_for(key: str) -> str:
    return stable_id(ACTOR_PREFIX, key)


def _apply(target: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def _upsert(session: Session, model: Any, key: str, values: dict[str, Any]) -> bool:
    current = session.get(model, key)
    if current is None:
        session.add(model(id=key, **values))
        return True
    return _apply(current, values)


def _load_actors(session: Session, actors: list[dict[str, Any]]) -> bool:
    changed = False
    for entry in actors:
        names = entry.get("names", {})
        if entry.get("iso3") and not names:
            place = session.get(Place, entry["iso3"])
            names = dict(place.names) if place else {"en": entry["iso3"]}
        values = {
            "slug": entry["key"],
            "type": ActorType(entry["type"]),
            "names": names,
            "acronyms": entry.get("acronyms", {}),
            "iso3": entry.get("iso3"),
            "url": entry.get("url"),
        }
        changed = _upsert(session, Actor, actor_id_for(entry["key"]), values) or changed
    session.flush()
    return changed


def _load_events(session: Session, events: list[dict[str, Any]]) -> bool:
    changed = False
    for entry in events:
        values = {
            "slug": entry["key"],
            "kind": entry["kind"],
            "names": entry["names"],
            "starts_on": date.fromisoformat(entry["starts_on"]),
            "ends_on": date.fromisoformat(entry["ends_on"]) if entry.get("ends_on") else None,
            "place_code": entry.get("place"),
        }
        changed = (
            _upsert(session, Event, stable_id(EVENT_ID_PREFIX, entry["key"]), values) or changed
        )
    session.flush()
    return changed


def _sync_links(session: Session, commitment_id: str, entry: dict[str, Any]) -> bool:
    wanted_sets = {
        (commitment_places, "place_code"): set(entry.get("places", [])),
        (commitment_terms, "term_code"): set(entry.get("terms", [])),
        (commitment_kinds, "kind"): set(entry.get("kinds", [])),
    }
    changed = False
    for (table, column), wanted in wanted_sets.items():
        current = {
            str(value)
            for value in session.scalars(
                select(table.c[column]).where(table.c.commitment_id == commitment_id)
            )
        }
        if current != wanted:
            session.execute(delete(table).where(table.c.commitment_id == commitment_id))
            rows = [{"commitment_id": commitment_id, column: value} for value in wanted]
            session.execute(insert(table), rows)
            changed = True
    wanted_actors = {(actor_id_for(a["id"]), a["role"]) for a in entry["actors"]}
    current_actors = {
        (row.actor_id, str(row.role))
        for row in session.execute(
            select(commitment_actors).where(commitment_actors.c.commitment_id == commitment_id)
        )
    }
    if wanted_actors != current_actors:
        session.execute(
            delete(commitment_actors).where(commitment_actors.c.commitment_id == commitment_id)
        )
        session.execute(
            insert(commitment_actors),
            [{"commitment_id": commitment_id, "actor_id": a, "role": r} for a, r in wanted_actors],
        )
        changed = True
    return changed


def _core(entry: dict[str, Any]) -> dict[str, Any]:
    source = entry.get("source", {})
    made_on = date.fromisoformat(entry["made_on"])
    resources_ = entry.get("resources") or {}
    return {
        "code": entry["code"],
        "publication_status": PublicationStatus.PUBLISHED,
        "published_at": datetime.combine(made_on, time.min, tzinfo=UTC),
        "made_on": made_on,
        "due_on": date.fromisoformat(entry["due_on"]) if entry.get("due_on") else None,
        "due_precision": entry.get("due_precision"),
        "event_id": stable_id(EVENT_ID_PREFIX, entry["event"]) if entry.get("event") else None,
        "source_statement_id": (
            statement_id_for(source["statement_id"]) if source.get("statement_id") else None
        ),
        "source_anchor": source.get("anchor"),
        "source_url": source.get("url"),
        "resources_amount": Decimal(resources_["amount"]) if resources_ else None,
        "resources_currency": resources_.get("currency"),
        "indicators": entry.get("indicators", []),
    }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _go_live(session: Session, commitment: Commitment, today: date) -> bool:
    """Announce a newly loaded commitment as the go-live job would, but with the `updated_at`
    of its last report: the job dates the new version at the go-live, older than the reports."""
    went_live = commitment.published_at
    if commitment.live_since is not None or went_live is None or went_live.date() > today:
        return False
    last = max(commitment.made_on, commitment.last_reported_on or commitment.made_on)
    commitment.live_since = went_live
    commitment.updated_at = max(went_live, _midnight(last))
    COMMITMENTS.announce(session, commitment, Operation.PUBLISH, went_live)
    return True


def _load_commitment(session: Session, entry: dict[str, Any], today: date) -> bool:
    commitment_id = commitment_id_for(entry["key"])
    core = _core(entry)
    commitment = session.get(Commitment, commitment_id)
    changed = False
    if commitment is None:
        commitment = Commitment(
            id=commitment_id,
            implementation_status=ImplementationStatus.ANNOUNCED,
            status_changed_on=core["made_on"],
            **core,
        )
        session.add(commitment)
        changed = True
    else:
        changed = _apply(commitment, core)
    session.flush()
    for lang, text in entry["translations"].items():
        values = {k: text.get(k) for k in ("title", "summary", "text", "quote")}
        current = session.get(CommitmentTranslation, (commitment_id, lang))
        if current is None:
            session.add(CommitmentTranslation(commitment_id=commitment_id, lang=lang, **values))
            changed = True
        else:
            changed = _apply(current, values) or changed
    changed = _sync_links(session, commitment_id, entry) or changed
    session.flush()
    done = len(
        session.scalars(
            select(ProgressUpdate.id).where(ProgressUpdate.commitment_id == commitment_id)
        ).all()
    )
    for update in entry.get("updates", [])[done:]:
        report = ProgressReport(
            reported_on=date.fromisoformat(update["reported_on"]),
            status=ImplementationStatus(update["status"]) if update.get("status") else None,
            reporter_actor_id=actor_id_for(update["reporter"]) if update.get("reporter") else None,
            narrative=update.get("narrative", {}),
            evidence=update.get("evidence", []),
        )
        recorded = record_progress(session, commitment, report, today=today)
        recorded.created_at = _midnight(report.reported_on)
        changed = True
    session.flush()
    return changed


def load_demo_commitments(session: Session, *, today: date) -> int:
    """Insert or refresh the demo commitments; returns how many there are. Idempotent."""
    data = demo_commitment_data()
    changed = _load_actors(session, data["actors"])
    changed = _load_events(session, data["events"]) or changed
    for entry in data["commitments"]:
        changed = _load_commitment(session, entry, today) or changed
    loaded = session.scalars(
        select(Commitment)
        .where(Commitment.id.in_([commitment_id_for(e["key"]) for e in data["commitments"]]))
        .order_by(Commitment.published_at, Commitment.id)  # the change log in go-live order
    ).all()
    for commitment in loaded:
        changed = _go_live(session, commitment, today) or changed
    if changed:
        cdn.enqueue(session, [SITE], changes_service.bump(session))
    return len(data["commitments"])
