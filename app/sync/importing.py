"""Loading a snapshot (the export's NDJSON) into this instance, through the API's own rules.

Each record becomes the body an editor would send (`StatementCreate`, `CommitmentCreate`,
validated by the same pydantic models: sanitization, codes, slugs) and goes through the same
domain services (create, then publish at its `published_at`; a commitment's progress reports
are replayed through the lifecycle rules). Every record is tried, each in a savepoint, so that
every bad line is reported; the caller commits only when none was bad.

Ids: the source's ids are kept, so that a mirror's ids (and the change feed's) stay valid.
A record whose id is already here is skipped when the public item here is the same (a
re-import changes nothing) and reported as a conflict otherwise. What is this instance's own:
`updated_at`, `version`, and the ids of progress reports.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.api.language import Language
from app.api.problems import ProblemError
from app.auth.models import Scope
from app.auth.service import Principal
from app.commitments import detail as commitments_detail
from app.commitments import editing as commitments_editing
from app.commitments import progress
from app.commitments.models import Commitment, Event
from app.commitments.write_schemas import CommitmentCreate, ProgressIn
from app.statements import editing as statements_editing
from app.statements import service as statements_service
from app.statements.models import Statement
from app.statements.schemas import StatementCreate

IMPORTER = Principal(key_id="cli-import", scopes=frozenset(s.value for s in Scope))
IMPORTABLE = ("statement", "commitment")
# What is this instance's own, not the source's: left out when comparing for a re-import.
_OWN_FIELDS = frozenset({"updated_at"})


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORTABLE, 0))
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)


def _texts(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The record's items by language: the ones served in their own language (an item that
    fell back to another language is that language's text, met under another name)."""
    if "translations" in record:
        items = record["translations"]
        if not isinstance(items, dict) or not items:
            raise ValueError("`translations` must be a non-empty object")
    elif "item" in record:
        items = {record.get("lang"): record["item"]}
    else:
        raise ValueError("a record needs `item` or `translations`")
    texts: dict[str, dict[str, Any]] = {}
    for item in items.values():
        if not isinstance(item, dict) or not isinstance(item.get("lang"), str):
            raise ValueError("every item must be an object with its `lang`")
        texts.setdefault(item["lang"], item)
    return texts


def _statement_body(texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    first = next(iter(texts.values()))
    return {
        "type": first.get("type"),
        "dateline": {"place": (first.get("dateline") or {}).get("place")},
        "places": first.get("places", []),
        "topics": first.get("topics", []),
        "terms": first.get("terms", []),
        "translations": {
            lang: {
                "slug": item.get("slug"),
                "title": item.get("title"),
                "dateline": (item.get("dateline") or {}).get("text"),
                "summary": item.get("summary"),
                "body": item.get("body"),
            }
            for lang, item in texts.items()
        },
    }


def _commitment_body(texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    first = next(iter(texts.values()))
    source = first.get("source") or {}
    indicators = [dict(raw) for raw in first.get("indicators") or []]
    for indicator in indicators:
        indicator["names"] = {}
    for lang, item in texts.items():
        for indicator, raw in zip(indicators, item.get("indicators") or [], strict=False):
            indicator["names"][lang] = raw.get("name")
    for indicator in indicators:
        indicator.pop("name", None)
    return {
        "code": first.get("code"),
        "kinds": first.get("kinds", []),
        "actors": [{"id": a.get("id"), "role": a.get("role")} for a in first.get("actors", [])],
        "places": first.get("places", []),
        "terms": first.get("terms", []),
        "made_on": first.get("made_on"),
        "due_on": first.get("due_on"),
        "due_precision": first.get("due_precision"),
        "source": {k: source.get(k) for k in ("statement_id", "anchor", "url")},
        "translations": {
            lang: {
                "title": item.get("title"),
                "summary": item.get("summary"),
                "text": item.get("text"),
                "quote": (item.get("source") or {}).get("quote"),
            }
            for lang, item in texts.items()
        },
        "indicators": indicators,
        "resources": first.get("resources"),
    }


def _progress_bodies(texts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The commitment's progress reports, oldest first, narratives gathered by language."""
    first = next(iter(texts.values()))
    reports = sorted(first.get("progress_updates") or [], key=lambda u: u.get("sequence", 0))
    bodies = []
    for report in reports:
        narrative: dict[str, str] = {}
        for item in texts.values():
            for twin in item.get("progress_updates") or []:
                if twin.get("sequence") == report.get("sequence") and twin.get("narrative"):
                    narrative.setdefault(twin["narrative_lang"], twin["narrative"])
        bodies.append(
            {
                "reported_on": report.get("reported_on"),
                "status": report.get("status"),
                "reporter": (report.get("reporter") or {}).get("id"),
                "narrative": narrative,
                "evidence": report.get("evidence", []),
            }
        )
    return bodies


def _published_at(texts: dict[str, dict[str, Any]]) -> datetime:
    published = next(iter(texts.values())).get("published_at")
    if not isinstance(published, str):
        raise ValueError("`published_at` must be a date-time")
    return datetime.fromisoformat(published)


def _comparable(value: Any) -> Any:
    """A public item without what is this instance's own (dates of change, report ids)."""
    if isinstance(value, dict):
        return {
            k: _comparable(v)
            for k, v in value.items()
            if k not in _OWN_FIELDS and not (k == "id" and "sequence" in value)
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


@dataclass(frozen=True)
class Importer:
    session: Session
    now: datetime
    default: str
    served: tuple[str, ...]

    def _language(self, lang: str) -> Language:
        return Language(
            preferences=(lang,), default=self.default, served=self.served, explicit=True
        )

    def _here(self, kind: str, item_id: str, lang: str) -> dict[str, Any] | None:
        """The public item with this id here, in `lang`, as the item route serves it."""
        try:
            if kind == "statement":
                found: Any = statements_service.get_statement(
                    self.session, id_or_slug=item_id, language=self._language(lang), now=self.now
                )[0]
            else:
                found = commitments_detail.get_commitment(
                    self.session, key=item_id, language=self._language(lang), now=self.now
                )[0]
        except ProblemError:
            return None
        loaded: dict[str, Any] = json.loads(found.model_dump_json())
        return loaded

    def exists(self, kind: str, item_id: str) -> bool:
        model: Any = Statement if kind == "statement" else Commitment
        return self.session.scalar(select(model.id).where(model.id == item_id)) is not None

    def one(self, record: dict[str, Any]) -> bool:
        """Import one record; False when an identical item is already here."""
        kind, item_id = record.get("resource"), record.get("id")
        if kind not in IMPORTABLE:
            raise ValueError(f"cannot import a {kind!r} record (statements and commitments)")
        if not isinstance(item_id, str):
            raise ValueError("`id` must be a string")
        texts = _texts(record)
        if self.exists(kind, item_id):
            for lang, item in texts.items():
                if _comparable(self._here(kind, item_id, lang)) != _comparable(item):
                    raise ValueError(f"{item_id} is already here, with other content")
            return False
        if kind == "statement":
            at = _published_at(texts)
            body = StatementCreate.model_validate(_statement_body(texts))
            statement = statements_editing.create(
                self.session, body, principal=IMPORTER, now=self.now, keep_id=item_id
            )
            statements_editing.publish(
                self.session, statement, principal=IMPORTER, now=self.now, at=at
            )
        else:
            data = CommitmentCreate.model_validate(_commitment_body(texts))
            commitment = commitments_editing.create(
                self.session, data, principal=IMPORTER, now=self.now, keep_id=item_id
            )
            # Events are reference data no API writes: linked when this instance has it.
            event = next(iter(texts.values())).get("event") or {}
            if self.session.get(Event, str(event.get("id"))) is not None:
                commitment.event_id = event["id"]
            for report in _progress_bodies(texts):
                progress.report(
                    self.session,
                    commitment,
                    ProgressIn.model_validate(report),
                    principal=IMPORTER,
                    now=self.now,
                )
            # Its publication date is not public: it goes live at the import.
            commitments_editing.set_published(
                self.session, commitment, publish=True, principal=IMPORTER, now=self.now
            )
        return True


def describe(exc: Exception) -> str:
    """One line saying what was wrong, as the API's problem would."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"/{'/'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
    if isinstance(exc, ProblemError):
        details = [
            f"{e.pointer or e.parameter or ''}: {e.detail}".lstrip(": ") for e in exc.errors or []
        ]
        return "; ".join([exc.detail, *details])
    return str(exc)


def records(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each numbered line's record, or what is wrong with the line; blank lines, checkpoints
    and menus (not imported) are passed over."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield number, f"not JSON: {exc}"
            continue
        if not isinstance(record, dict):
            yield number, "a line must be a JSON object"
        elif "checkpoint" in record or record.get("resource") == "menu":
            continue
        elif record.get("resource") not in IMPORTABLE:
            yield number, f"unknown resource {record.get('resource')!r}"
        else:
            yield number, record


def import_lines(
    importer: Importer,
    lines: Iterable[tuple[int, str]],
    *,
    kind: str,
    report: ImportReport,
    on_record: Callable[[], None] | None = None,
) -> ImportReport:
    """Try every record of one kind, each in a savepoint, noting every bad line in the
    report (lines that are no record at all, in the statements' pass). Statements go first,
    in a pass of their own: a commitment may cite one. The caller commits or rolls back."""
    for number, found in records(lines):
        if isinstance(found, str):
            if kind == IMPORTABLE[0]:
                report.errors.append(LineError(number, found))
            continue
        if found["resource"] != kind:
            continue
        try:
            with importer.session.begin_nested():
                created = importer.one(found)
        except (ValidationError, ProblemError, ValueError, TypeError, SQLAlchemyError) as exc:
            report.errors.append(LineError(number, describe(exc)))
            continue
        finally:
            if on_record is not None:
                on_record()
        if created:
            report.created[kind] += 1
        else:
            report.unchanged += 1
    return report
