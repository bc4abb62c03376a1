"""The snapshot: every public item of one kind as NDJSON, stamped with the change-feed sequence.

One record per line, each item exactly as its item route serves it (the same service code
renders it, and pydantic serializes it the same way), then a checkpoint line. The rows and the
sequence number are read in one database snapshot (`open_snapshot`), so a partner that loads
the file and then follows `GET /v1/changes?after=<seq>` misses nothing and replays nothing
twice. Items are read in keyset batches by id: memory stays flat however many there are.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.api.language import Language
from app.changes.models import ChangeEntry
from app.changes.service import latest_seq
from app.commitments import detail as commitments_detail
from app.navigation import service as navigation_service
from app.statements import service as statements_service

Resource = Literal["statements", "commitments", "menus"]
RESOURCES: tuple[Resource, ...] = ("statements", "commitments", "menus")
TYPES: dict[Resource, str] = {
    "statements": "statement",
    "commitments": "commitment",
    "menus": "menu",
}
BATCH_SIZE = 500


class Exportable(Protocol):
    """One item of a batch: its id, public version, and how to render it in a language."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...

    def render(self, language: Language) -> BaseModel: ...


@dataclass(frozen=True)
class ExportSpec:
    """What to export and how: `lang` keeps only items available in it and renders them in
    it; without it, each item comes in the default language, falling back as the item
    route does. `all_translations` gives every served language the item has instead."""

    resource: Resource
    lang: str | None
    all_translations: bool
    default: str
    served: tuple[str, ...]
    links: navigation_service.Links
    now: datetime


def open_snapshot(factory: Callable[[], Session]) -> tuple[Session, int]:
    """A session holding one read snapshot, and the sequence number it stands at.

    PostgreSQL: a REPEATABLE READ, read-only transaction (every statement sees the database as
    of its first one). SQLite: one read transaction, whose WAL snapshot starts at the first
    read, which is the sequence number's. The caller closes the session.
    """
    session = factory()
    try:
        bind = session.get_bind()
        # A session bound to a connection (tests) already runs inside its transaction.
        if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
            session.connection(
                execution_options={
                    "isolation_level": "REPEATABLE READ",
                    "postgresql_readonly": True,
                }
            )
        return session, latest_seq(session)
    except Exception:
        session.close()
        raise


@dataclass(frozen=True)
class _MenuItem:
    id: str
    version: int
    session: Session
    spec: ExportSpec

    def render(self, language: Language) -> BaseModel:
        tree, _ = navigation_service.get_tree(
            self.session,
            menu_key=self.id,
            language=language,
            depth=None,
            links=self.spec.links,
            now=self.spec.now,
        )
        return tree


def _batch(session: Session, spec: ExportSpec, after: str) -> Sequence[Exportable]:
    lang = spec.lang
    if spec.resource == "statements":
        return statements_service.export_batch(
            session, after=after, limit=BATCH_SIZE, now=spec.now, lang=lang
        )
    if spec.resource == "commitments":
        return commitments_detail.export_batch(
            session, after=after, limit=BATCH_SIZE, now=spec.now, lang=lang
        )
    # Menus are public in every language (labels fall back), so `lang` keeps them all.
    rows = navigation_service.public_menu_versions(session, after=after, limit=BATCH_SIZE)
    return [_MenuItem(key, version, session, spec) for key, version in rows]


def _langs_of(item: Exportable, spec: ExportSpec) -> list[str]:
    """The served languages an item has a translation in (menus: every served language)."""
    if isinstance(item, statements_service.Exported):
        return sorted(lang for lang in item.translations if lang in spec.served)
    if isinstance(item, commitments_detail.Exported):
        return [lang for lang in item.langs if lang in spec.served]
    return sorted(spec.served)


def _language(spec: ExportSpec, lang: str | None) -> Language:
    """The reader the item route would see: `?lang=xx`, or no preference at all."""
    if lang is None:
        return Language(preferences=(spec.default,), default=spec.default, served=spec.served)
    return Language(preferences=(lang,), default=spec.default, served=spec.served, explicit=True)


def public_versions(session: Session, resource: Resource, ids: list[str]) -> dict[str, int]:
    """Each item's version as the change feed last announced it (one query per batch).

    Not the row's own version: that one also moves for what the public does not see (a
    working copy edited, a schedule), and a partner compares the snapshot with the feed."""
    if not ids:
        return {}
    kind = TYPES[resource]
    latest = (
        select(ChangeEntry.resource_id, func.max(ChangeEntry.seq).label("seq"))
        .where(ChangeEntry.resource_type == kind, ChangeEntry.resource_id.in_(ids))
        .group_by(ChangeEntry.resource_id)
        .subquery()
    )
    rows = session.execute(
        select(ChangeEntry.resource_id, ChangeEntry.version).join(
            latest, ChangeEntry.seq == latest.c.seq
        )
    )
    return {resource_id: int(version) for resource_id, version in rows}


def _head(spec: ExportSpec, item: Exportable, version: int) -> str:
    return (
        f'{{"resource":{json.dumps(TYPES[spec.resource])},"id":{json.dumps(item.id)},'
        f'"version":{version}'
    )


def record(spec: ExportSpec, item: Exportable, version: int | None = None) -> str:
    """One NDJSON line (without its newline); the item's bytes are the item route's bytes.
    `version`: the announced one (`public_versions`); the item's own when it has none."""
    head = _head(spec, item, int(item.version if version is None else version))
    if spec.all_translations:
        parts = [
            f"{json.dumps(lang)}:{item.render(_language(spec, lang)).model_dump_json()}"
            for lang in _langs_of(item, spec)
        ]
        return f'{head},"translations":{{{",".join(parts)}}}}}'
    rendered: Any = item.render(_language(spec, spec.lang))
    served = getattr(rendered, "lang", None) or spec.lang or spec.default
    return f'{head},"lang":{json.dumps(served)},"item":{rendered.model_dump_json()}}}'


def checkpoint(seq: int, records: int) -> str:
    return json.dumps({"checkpoint": {"seq": seq, "records": records}}, separators=(",", ":"))


def chunks(
    session: Session, spec: ExportSpec, seq: int, *, on_batch: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The export, one chunk of lines per batch, ending with the checkpoint line.

    Closes the session when done, or when the consumer stops early (a client that hangs up
    closes the generator). `on_batch` hears how many records each batch held (progress bars).
    """
    try:
        records = 0
        after = ""
        while True:
            batch = _batch(session, spec, after)
            if not batch:
                break
            versions = public_versions(session, spec.resource, [item.id for item in batch])
            lines = [record(spec, item, versions.get(item.id)) for item in batch]
            records += len(lines)
            after = batch[-1].id
            if on_batch is not None:
                on_batch(len(lines))
            yield ("\n".join(lines) + "\n").encode()
            session.expunge_all()  # keep the identity map from growing batch after batch
        yield (checkpoint(seq, records) + "\n").encode()
    finally:
        session.close()
