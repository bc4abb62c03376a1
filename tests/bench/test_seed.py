"""The benchmark seeder writes what the application would: counts, translations, claims, the
change log and content version, statistics, and the very index rows `index.rebuild` writes."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session

from app.search import index
from bench import corpus
from bench.seed import seed

N = 60


def _scalar(connection: Connection, sql: str) -> Any:
    return connection.execute(text(sql)).scalar_one()


def _index_rows(connection: Connection) -> list[tuple[Any, ...]]:
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT kind, item_id, lang, title, summary, body, document::text FROM search_documents"
        )
    else:
        sql = (
            "SELECT d.kind, d.item_id, d.lang, d.title, d.summary, d.body, f.title, f.summary,"
            " f.body FROM search_documents d JOIN search_fts f ON f.rowid = d.id"
        )
    return sorted(tuple(row) for row in connection.execute(text(sql)))


def test_seed_writes_what_the_application_would(fresh_database_url: Callable[[], str]) -> None:
    url = fresh_database_url()
    report = seed(url, N)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            generated_ids = (
                "SELECT statement_id FROM statement_translations"
                " WHERE lang = 'en' AND slug LIKE 'bench-%'"
            )
            assert _scalar(connection, f"SELECT count(*) FROM ({generated_ids}) g") == N
            generated = sum(len(corpus.languages(n)) for n in range(N))
            assert report.translations == generated
            fr = _scalar(
                connection,
                "SELECT count(*) FROM statement_translations"
                " WHERE lang = 'fr' AND slug LIKE 'bench-%'",
            )
            assert fr == sum(1 for n in range(N) if n % 3)
            claims = _scalar(
                connection,
                "SELECT count(*) FROM statement_translations t JOIN statement_slug_claims c"
                " ON c.slug = t.slug AND c.statement_id = t.statement_id",
            )
            assert claims == _scalar(connection, "SELECT count(*) FROM statement_translations")
            bench_commitments = "SELECT count(*) FROM commitments WHERE code LIKE 'BENCH-%'"
            assert _scalar(connection, bench_commitments) == 1
            # The change log names every generated item once, and the version follows it.
            published = _scalar(
                connection,
                "SELECT count(*) FROM change_log WHERE operation = 'publish'"
                f" AND resource_id IN ({generated_ids})",
            )
            assert published == N
            assert _scalar(connection, "SELECT max(seq) FROM change_log") == _scalar(
                connection, "SELECT version FROM content_version"
            )
            if connection.dialect.name == "postgresql":
                analyzed = _scalar(
                    connection,
                    "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'statements'"
                    " AND last_analyze IS NOT NULL",
                )
                assert analyzed == 1
            else:
                assert _scalar(connection, "SELECT count(*) FROM sqlite_stat1") > 0
            seeded = _index_rows(connection)
            bench_ids = (
                f"{generated_ids} UNION SELECT id FROM commitments WHERE code LIKE 'BENCH-%'"
            )
            ids = set(connection.scalars(text(bench_ids)))
        assert sum(1 for row in seeded if row[1] in ids) == report.documents
        with engine.begin() as connection, Session(bind=connection) as session:
            index.rebuild(session)
            assert _index_rows(connection) == seeded
    finally:
        engine.dispose()
