"""A fast seed for the benchmarks: the demo data and menus, then N generated statements.

The demo content goes through the application (its loaders, the ORM, the indexing hook, the
change log). The generated statements go in as the application would leave them, but in bulk:
statements with translations (en; fr for 2 in 3; es for 1 in 5), slug claims, places, topics,
framework terms, one `publish` entry each in the change log (the content version follows), a
commitment citing every 100th statement, and their search index rows. SQLite takes them in
large `executemany` batches in one transaction (journal and sync relaxed for the seed only),
PostgreSQL through `COPY`. The index rows are the ones `index.rebuild` would write (the
seeder's test compares them): on PostgreSQL each distinct summary and body is analysed once
and the vectors are joined as `index.write` joins them. Statistics are refreshed at the end.
"""

import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_engine, refresh_statistics
from app.demo.loader import load_demo_data
from app.demo.navigation import load_demo_navigation
from app.schema import migrate
from app.search.index import plain
from app.search.models import SearchKind
from app.statements.editing import record_due_go_lives
from bench import corpus
from bench.bulk import writer_for

BATCH = 20_000  # statements generated and written per round
_GAP = "newsroomgap"  # as app.search.index joins the fields


@dataclass
class SeedReport:
    statements: int
    translations: int
    commitments: int
    documents: int
    seconds: float


def seed(
    database_url: str, statements: int, *, log: Callable[[str], None] = lambda _: None
) -> SeedReport:
    started = time.perf_counter()
    engine = make_engine(Settings(environment="test", database_url=database_url))
    migrate(engine)
    with engine.begin() as connection, Session(bind=connection) as session:
        load_demo_data(session)
        record_due_go_lives(session, datetime.now(UTC))  # as `newsroom demo-data` does
        load_demo_navigation(session)
        session.flush()
    log(f"demo data and menus: {time.perf_counter() - started:.1f} s")
    with engine.connect() as connection:
        places = list(
            connection.scalars(text("SELECT code FROM places WHERE kind = 'country' ORDER BY code"))
        )
        topics = list(connection.scalars(text("SELECT slug FROM topics ORDER BY slug")))
        term_codes = list(
            connection.scalars(text("SELECT code FROM framework_terms ORDER BY code"))
        )
        seq = int(connection.scalar(text("SELECT version FROM content_version WHERE id = 1")) or 0)
    writer = writer_for(engine)
    counts = {"translations": 0, "commitments": 0, "documents": 0}
    try:
        writer.begin()
        for first in range(0, statements, BATCH):
            batch = _Batch(first, min(first + BATCH, statements), seq, places, topics, term_codes)
            batch.build(writer.timestamp)
            for table, columns, rows in batch.tables():
                writer.rows(table, columns, rows)
            writer.documents(batch.documents)
            seq = batch.seq
            counts["translations"] += batch.translation_count
            counts["commitments"] += batch.commitment_count
            counts["documents"] += len(batch.documents)
            log(f"{batch.end:,} statements: {time.perf_counter() - started:.1f} s")
        writer.finish_documents()
        writer.execute(
            f"UPDATE content_version SET version = {seq} WHERE id = 1 AND version < {seq}"
        )
        writer.commit()
    finally:
        writer.close()
    refresh_statistics(engine)
    engine.dispose()
    log(f"statistics refreshed: {time.perf_counter() - started:.1f} s")
    return SeedReport(
        statements,
        counts["translations"],
        counts["commitments"],
        counts["documents"],
        time.perf_counter() - started,
    )


@dataclass(frozen=True)
class Doc:
    """An index row, as `index.of_statement` / `of_commitment` make it."""

    kind: str
    item_id: str
    lang: str
    title: str
    summary: str
    body: str


class _Batch:
    def __init__(
        self,
        start: int,
        end: int,
        seq: int,
        places: list[str],
        topics: list[str],
        term_codes: list[str],
    ) -> None:
        self.start, self.end, self.seq = start, end, seq
        self.places, self.topics, self.term_codes = places, topics, term_codes
        self.data: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
        self.documents: list[Doc] = []
        self.translation_count = 0
        self.commitment_count = 0
        self.millis = int(time.time() * 1000)

    def _table(self, name: str, columns: str) -> list[tuple[Any, ...]]:
        """The rows of `name`, whose `columns` are named in one space-separated string."""
        return self.data.setdefault(name, (tuple(columns.split()), []))[1]

    def tables(self) -> Iterator[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
        for name, (columns, rows) in self.data.items():
            yield name, columns, rows

    def build(self, ts: Callable[[datetime], Any]) -> None:
        statements = self._table(
            "statements",
            (
                "id type publication_status published_at created_at updated_at version "
                "live_since first_public_at"
            ),
        )
        texts = self._table(
            "statement_translations",
            "statement_id lang slug title dateline summary body created_at updated_at",
        )
        claims = self._table("statement_slug_claims", "slug statement_id claimed_at")
        places = self._table("statement_places", "statement_id place_code")
        topics = self._table("statement_topics", "statement_id topic_slug")
        terms_ = self._table("statement_terms", "statement_id term_code")
        changes = self._table(
            "change_log",
            "seq resource_type resource_id version operation occurred_at langs previous_langs",
        )
        for n in range(self.start, self.end):
            sid = fast_id("stm", self.millis)
            when = corpus.published_at(n)
            at = ts(when)
            statements.append((sid, corpus.statement_type(n), "published", at, at, at, 1, at, at))
            langs = corpus.languages(n)
            for lang in langs:
                t = corpus.statement_text(n, lang)
                texts.append(
                    (sid, lang, t.slug, t.title, t.dateline, t.summary, t.body_json, at, at)
                )
                claims.append((t.slug, sid, at))
                self.documents.append(
                    Doc(
                        SearchKind.STATEMENT,
                        sid,
                        lang,
                        _plain_title(t.title),
                        _plain(t.summary),
                        _statement_body(t.dateline, t.body_key, lang),
                    )
                )
            self.translation_count += len(langs)
            for code in corpus.pick(self.places, n, 2 if n % 4 == 0 else 1):
                places.append((sid, code))
            for slug in corpus.pick(self.topics, n, 1):
                topics.append((sid, slug))
            if n % 2 == 0:
                for code in corpus.pick(self.term_codes, n, 1):
                    terms_.append((sid, code))
            self.seq += 1
            changes.append(
                (self.seq, "statement", sid, 1, "publish", at, corpus.encode(langs), ",")
            )
            if n % 100 == 50:
                self._commitment(n, sid, when, ts, changes)

    def _commitment(
        self,
        n: int,
        statement_id: str,
        when: datetime,
        ts: Callable[[datetime], Any],
        changes: list[tuple[Any, ...]],
    ) -> None:
        cid = fast_id("cmt", self.millis)
        at = ts(when)
        made_on = when.date()
        self._table(
            "commitments",
            (
                "id code publication_status published_at made_on source_statement_id "
                "source_anchor implementation_status status_changed_on indicators "
                "created_at updated_at version live_since first_public_at"
            ),
        ).append(
            (cid, f"BENCH-{n}", "published", at, _day(made_on), statement_id, "p1")  # noqa: RUF005
            + ("announced", _day(made_on), "[]", at, at, 1, at, at)
        )
        texts = self._table(
            "commitment_translations",
            "commitment_id lang title summary text quote",
        )
        langs = ("en", "fr")
        for lang in langs:
            c = corpus.commitment_text(n, lang)
            texts.append((cid, lang, c.title, c.summary, c.text, c.quote))
            self.documents.append(
                Doc(
                    SearchKind.COMMITMENT,
                    cid,
                    lang,
                    plain(c.title),
                    _plain(c.summary),
                    _plain(c.text),
                )
            )
        self.seq += 1
        changes.append((self.seq, "commitment", cid, 1, "publish", at, corpus.encode(langs), ","))
        self.commitment_count += 1


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # every 10-bit value


def fast_id(prefix: str, millis: int) -> str:
    """What `app.ids.new_id` makes (48 bits of milliseconds, 80 random bits, 26 base32
    characters), ten bits a lookup."""
    value = (millis << 80) | secrets.randbits(80)
    return prefix + "_" + "".join(_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10))


_PLAIN = re.compile(r"[A-Za-z0-9 ]*")


def _plain_title(title: str) -> str:
    """`plain` of a generated title: letters, digits and spaces are their own plain text."""
    return title if _PLAIN.fullmatch(title) else plain(title)


def _day(value: date) -> str:
    return value.isoformat()


@lru_cache(maxsize=4096)
def _plain(value: str) -> str:
    return plain(value)


@lru_cache(maxsize=4096)
def _statement_body(dateline: str, body_key: int, lang: str) -> str:
    """What `index.of_statement` makes of the dateline and paragraphs."""
    paragraphs = corpus.paragraphs(body_key, lang)
    lines = [dateline, *(plain(p) for p in paragraphs)]
    return "\n".join(line for line in lines if line)
