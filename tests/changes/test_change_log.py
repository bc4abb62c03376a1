"""The change log: complete, in order, and never readable out of commit order."""

import random
import threading
import time
from datetime import timedelta

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.changes import service as changes
from app.changes.models import ChangeEntry
from app.publication import has_been_public
from app.statements import editing
from app.statements.models import Statement, StatementType
from app.statements.queries import is_public
from app.statements.schemas import StatementCreate, StatementUpdate, TranslationIn
from tests.conftest import FIXED_NOW, requires_postgres

EDITOR = Principal(key_id="test", scopes=frozenset({"content:publish"}))


def new_draft(session: Session, n: int) -> Statement:
    data = StatementCreate(
        type=StatementType.NEWS,
        translations={
            "en": TranslationIn.model_validate(
                {
                    "slug": f"replay-{n}",
                    "title": f"Replay {n}",
                    "summary": "S.",
                    "body": [{"text": "Text."}],
                }
            )
        },
    )
    return editing.create(session, data, principal=EDITOR, now=FIXED_NOW)


def public_versions(session: Session, now: object) -> dict[str, int]:
    rows = session.execute(select(Statement.id, Statement.version).where(is_public(now)))
    return {row.id: row.version for row in rows}


def replay(start: dict[str, int], entries: list[ChangeEntry]) -> dict[str, int]:
    state = dict(start)
    for entry in entries:
        if entry.operation in changes.REMOVALS:
            state.pop(entry.resource_id, None)
        else:
            state[entry.resource_id] = entry.version
    return state


def test_replaying_the_log_reproduces_the_published_state(session: Session) -> None:
    rng = random.Random(20261127)
    start_seq = changes.current(session)
    start = public_versions(session, FIXED_NOW)
    now = FIXED_NOW
    statements = [new_draft(session, n) for n in range(12)]
    for _ in range(150):
        now += timedelta(minutes=rng.randint(1, 90))
        statement = rng.choice(statements)
        if statement.deleted_at is not None:
            continue
        action = rng.choice(
            ["publish", "schedule", "update", "unpublish", "withdraw", "delete", "go_live"]
        )
        if action == "publish":
            editing.publish(session, statement, principal=EDITOR, now=now)
        elif action == "schedule":
            at = now + timedelta(minutes=rng.randint(1, 240))
            editing.publish(session, statement, principal=EDITOR, now=now, at=at)
        elif action == "update":
            change = StatementUpdate(topics=[rng.choice(["displacement", "migration-data"])])
            editing.update(session, statement, change, principal=EDITOR, now=now)
        elif action == "unpublish" and statement.publication_status == "published":
            editing.unpublish(session, statement, principal=EDITOR, now=now)
        elif action == "withdraw" and has_been_public(statement, now):  # else refused (409)
            editing.withdraw(session, statement, note="Withdrawn.", principal=EDITOR, now=now)
        elif action == "delete" and rng.random() < 0.3:
            editing.remove(session, statement, principal=EDITOR, now=now)
        else:
            editing.record_due_go_lives(session, now)
    editing.record_due_go_lives(session, now)

    entries = changes.entries_after(session, start_seq, limit=10_000)
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert replay(start, entries) == public_versions(session, now)
    assert {e.operation for e in entries} >= {"publish", "update", "unpublish", "withdraw"}


@requires_postgres
def test_a_later_entry_is_not_readable_before_an_earlier_one_commits(engine: Engine) -> None:
    """T1 appends and stays open; T2's append waits for T1's lock, so seq N+1 cannot be seen
    (it does not even exist) while N is uncommitted."""

    def append(session: Session, resource: str) -> int:
        entry = changes.record(
            session,
            resource_type="test",
            resource_id=resource,
            version=1,
            operation=changes.Operation.UPDATE,
            at=FIXED_NOW,
        )
        return entry.seq

    def visible_test_entries() -> list[int]:
        with engine.connect() as reader:
            return list(
                reader.execute(
                    text("SELECT seq FROM change_log WHERE resource_type = 'test' ORDER BY seq")
                ).scalars()
            )

    results: dict[str, int] = {}
    first = Session(engine)
    try:
        results["first"] = append(first, "first")
        second_done = threading.Event()

        def second_writer() -> None:
            with Session(engine) as second, second.begin():
                results["second"] = append(second, "second")
            second_done.set()

        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)
        assert not second_done.is_set()  # waiting on the first writer's lock
        assert visible_test_entries() == []
        # A feed reader meanwhile: nothing new, and its next position stays before N, so it
        # cannot skip N once N commits.
        with Session(engine) as reader:
            page = changes.read_events(reader, after=results["first"] - 1, limit=10)
        assert page.events == []
        assert page.next_after < results["first"]
        first.commit()
        thread.join(timeout=10)
        assert second_done.is_set()
        assert visible_test_entries() == [results["first"], results["second"]]
        assert results["second"] == results["first"] + 1
        with Session(engine) as reader:
            page = changes.read_events(reader, after=page.next_after, limit=10, types=["test"])
        assert [event.seq for event in page.events] == [results["first"], results["second"]]
    finally:
        first.close()
        with engine.begin() as cleanup:
            cleanup.execute(text("DELETE FROM change_log WHERE resource_type = 'test'"))


def test_content_version_only_grows(session: Session) -> None:
    before = changes.current(session)
    assert changes.bump(session) == before + 1
