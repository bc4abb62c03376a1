"""Bulk writers for the seed: one transaction, rows as the database stores them.

SQLite: `executemany` in large batches, the journal in memory and no fsync while seeding (the
server's connections set WAL again). PostgreSQL: `COPY`, and the search index's GIN built once
at the end rather than row by row.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine

from app.search.analysis import pg_config, stem, terms, words
from app.search.models import FTS_TABLE

if TYPE_CHECKING:
    from bench.seed import Doc

_GAP = "newsroomgap"  # as app.search.index joins the fields


class BulkWriter(Protocol):
    def begin(self) -> None: ...
    def timestamp(self, value: datetime) -> Any: ...
    def rows(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None: ...
    def documents(self, documents: Iterable["Doc"]) -> None: ...
    def finish_documents(self) -> None: ...
    def execute(self, sql: str) -> None: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


def writer_for(engine: Engine) -> BulkWriter:
    if engine.dialect.name == "postgresql":
        return PostgresWriter(engine)
    return SQLiteWriter(engine)


class SQLiteWriter:
    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        db: Any = self.raw.driver_connection
        db.isolation_level = None  # transactions are ours
        self.db = db
        self.next_id = 0
        self._terms: dict[tuple[str, str], str] = {}
        self._digits_checked: set[str] = set()

    def begin(self) -> None:
        for pragma in (
            "journal_mode=MEMORY",
            "synchronous=OFF",
            "foreign_keys=OFF",
            "cache_size=-262144",
            "temp_store=MEMORY",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")
        last = self.db.execute("SELECT max(id) FROM search_documents").fetchone()[0]
        self.next_id = int(last or 0) + 1

    def timestamp(self, value: datetime) -> str:
        """As SQLAlchemy stores an aware datetime on SQLite (`UTCDateTime`)."""
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def rows(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def _fts(self, value: str, lang: str) -> str:
        key = (value, lang)
        found = self._terms.get(key)
        if found is None:
            found = " ".join(terms(value, lang))
            if len(self._terms) < 100_000:
                self._terms[key] = found
        return found

    def _title_terms(self, value: str, lang: str) -> str:
        """`terms` of a unique title, without filling the stemmer's cache with its number
        (a digit-only word stems to itself in every language, checked at first use)."""
        out = []
        for word in words(value):
            if word.isdigit():
                if lang not in self._digits_checked:
                    assert stem("0123456789", lang) == "0123456789"
                    self._digits_checked.add(lang)
                out.append(word)
            else:
                out.append(stem(word, lang))
        return " ".join(out)

    def documents(self, documents: Iterable["Doc"]) -> None:
        rows, fts = [], []
        for d in documents:
            rows.append((self.next_id, d.kind, d.item_id, d.lang, d.title, d.summary, d.body))
            fts.append(
                (
                    self.next_id,
                    self._title_terms(d.title, d.lang),
                    self._fts(d.summary, d.lang),
                    self._fts(d.body, d.lang),
                )
            )
            self.next_id += 1
        self.rows(
            "search_documents",
            ("id", "kind", "item_id", "lang", "title", "summary", "body"),
            rows,
        )
        self.rows(FTS_TABLE, ("rowid", "title", "summary", "body"), fts)

    def finish_documents(self) -> None:
        pass

    def execute(self, sql: str) -> None:
        self.db.execute(sql)

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.raw.close()


class PostgresWriter:
    """Index rows are staged in a temporary table with their title's words and the ids of
    their summary's and body's vectors (each distinct text analysed once), then inserted in
    one statement with the expression `index.write` uses."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        self.db: Any = self.raw.driver_connection
        self.vectors: dict[tuple[str, str], int] = {}

    def begin(self) -> None:
        with self.db.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Foreign keys are checked by triggers, one query per row and key: the generated
            # rows are consistent by construction, so the seed skips them (superuser only).
            if self._superuser(cursor):
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "CREATE TEMP TABLE bench_docs (ord bigserial, kind text, item_id text, lang text,"
                " title text, summary text, body text, config text, title_words text,"
                " summary_vid int, body_vid int) ON COMMIT DROP"
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_vectors (vid int PRIMARY KEY, config text, words text,"
                " vec tsvector) ON COMMIT DROP"
            )

    def timestamp(self, value: datetime) -> datetime:
        return value

    @staticmethod
    def _superuser(cursor: Any) -> bool:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        return bool(row and row[0])

    def rows(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.db.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _vector(self, value: str, lang: str, new: list[tuple[Any, ...]]) -> int:
        config = pg_config(lang)
        key = (config, value)
        vid = self.vectors.get(key)
        if vid is None:
            vid = self.vectors[key] = len(self.vectors) + 1
            new.append((vid, config, " ".join(words(value))))
        return vid

    def documents(self, documents: Iterable["Doc"]) -> None:
        rows: list[tuple[Any, ...]] = []
        new: list[tuple[Any, ...]] = []
        for d in documents:
            config = pg_config(d.lang)
            rows.append(
                (
                    d.kind,
                    d.item_id,
                    d.lang,
                    d.title,
                    d.summary,
                    d.body,
                    config,
                    " ".join(words(d.title)),
                    self._vector(d.summary, d.lang, new),
                    self._vector(d.body, d.lang, new),
                )
            )
        self.rows("bench_vectors", ("vid", "config", "words"), new)
        self.rows(
            "bench_docs",
            (
                "kind",
                "item_id",
                "lang",
                "title",
                "summary",
                "body",
                "config",
                "title_words",
                "summary_vid",
                "body_vid",
            ),
            rows,
        )

    def finish_documents(self) -> None:
        gap = f"to_tsvector('simple'::regconfig, '{_GAP}')"
        document = (
            f"ts_delete(setweight(to_tsvector(d.config::regconfig, d.title_words), 'A') || {gap}"
            f" || setweight(s.vec, 'B') || {gap} || setweight(b.vec, 'D'), '{_GAP}')"
        )
        with self.db.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_vectors SET vec = to_tsvector(config::regconfig, words)"
                " WHERE vec IS NULL"
            )
            cursor.execute("DROP INDEX ix_search_documents_document")
            cursor.execute(
                "INSERT INTO search_documents (kind, item_id, lang, title, summary, body,"
                f" document) SELECT d.kind, d.item_id, d.lang, d.title, d.summary, d.body,"
                f" {document} FROM bench_docs d JOIN bench_vectors s ON s.vid = d.summary_vid"
                " JOIN bench_vectors b ON b.vid = d.body_vid ORDER BY d.ord"
            )
            cursor.execute(
                "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)"
            )

    def execute(self, sql: str) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(sql)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.raw.close()
