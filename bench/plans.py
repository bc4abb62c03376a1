"""Query plans of the public read paths at scale, from the SQL the real routes emit.

    .venv/bin/python -m bench.plans --statements 100000                # SQLite, seeded here
    .venv/bin/python -m bench.plans --statements 100000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.plans --seeded sqlite:////tmp/s.db  # seeded already (taken to head)

Each case is one GET through the whole app (TestClient, response cache off); every SELECT the
request ran is captured as sent (a `before_cursor_execute` hook) and explained on the same
database: `EXPLAIN ANALYZE` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite. Nothing here knows
the queries, so the plans follow the code. Flagged: a full scan of a large table (statements,
their translations, the change log, the search index), and a request running more than
MAX_QUERIES queries or the same one more than twice (queries per row). It then times each case
(median of --repeat requests, in process), for first-page against deep-page comparisons.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from app.api.pagination import CursorCodec
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.schema import upgrade
from app.statements.models import Statement, StatementTranslation
from app.statements.service import SORTS
from bench.seed import seed
from tests.databases import create_scratch_database, drop_scratch_database

SLOW_QUERY_MS = 3.0  # an indexed page or lookup takes well under a millisecond
MAX_QUERIES = 12  # a request's queries do not grow with its page or its depth
LARGE_TABLES = (
    "statements",
    "statement_translations",
    "change_log",
    "search_documents",
    "commitments",
    "commitment_translations",
)
# SQLite: "SCAN t" alone reads the whole table ("SCAN t USING INDEX" walks an index in order,
# which a LIMIT stops early). PostgreSQL: a sequential scan.
_SQLITE_FULL_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)(?:\s|$)")
_PG_FULL_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass
class Captured:
    sql: str
    params: Any


@dataclass
class Case:
    name: str
    path: str
    queries: list[Captured] = field(default_factory=list)
    status: int = 0
    flags: list[str] = field(default_factory=list)


def cases(engine: Engine, codec: CursorCodec, depth: int, word: str) -> list[tuple[str, str]]:
    """The requests to explain; the deep page's cursor sits `depth` rows from the oldest."""
    sort = SORTS["-published_at"]
    with engine.connect() as connection:
        row = connection.execute(
            select(Statement.published_at, Statement.id)
            .order_by(Statement.published_at, Statement.id)
            .offset(depth)
            .limit(1)
        ).one()
        slug = connection.execute(
            select(StatementTranslation.slug)
            .where(StatementTranslation.lang == "en")
            .order_by(StatementTranslation.statement_id)
            .offset(depth)
            .limit(1)
        ).scalar_one()
    cursor = codec.encode(sort, (row.published_at,), row.id)
    return [
        ("list, first page", "/v1/statements"),
        ("list, deep page", f"/v1/statements?cursor={cursor}"),
        ("list, lang=fr&place=FRA", "/v1/statements?lang=fr&place=FRA&available_lang=fr"),
        ("item by slug", f"/v1/statements/{slug}"),
        (f"search q={word}", f"/v1/statements?q={word}"),
        ("change feed, first page", "/v1/changes?after=0"),
        ("commitments, first page", "/v1/commitments"),
        ("navigation tree", "/v1/navigation/main"),
    ]


def explain(engine: Engine, captured: Captured) -> str:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + captured.sql, captured.params)
            return "\n".join(f"  {'  ' * _depth(r, cursor)}{r[3]}" for r in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.sql, captured.params)
        return "\n".join(f"  {r[0]}" for r in cursor.fetchall())
    finally:
        connection.rollback()
        connection.close()


def time_ms(engine: Engine, captured: Captured) -> float:
    """The query's own time, best of three, on a raw connection (no ORM, no HTTP)."""
    connection = engine.raw_connection()
    try:
        best = float("inf")
        for _ in range(3):
            cursor = connection.cursor()
            start = time.perf_counter()
            cursor.execute(captured.sql, captured.params)
            cursor.fetchall()
            best = min(best, time.perf_counter() - start)
        return best * 1000
    finally:
        connection.rollback()
        connection.close()


def _depth(row: Any, _cursor: Any) -> int:
    return 1 if row[1] else 0  # the parent id: nested steps indented once


def large_tables(engine: Engine) -> set[str]:
    """The LARGE_TABLES that are large here (by the planner's statistics): a full scan of a
    table of ten rows is the right plan."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl"
            )
        else:
            rows = connection.exec_driver_sql("SELECT relname, reltuples FROM pg_class")
        return {name for name, count in rows if name in LARGE_TABLES and (count or 0) > 10_000}


def flags_for(
    case: Case, plans: list[str], spent: list[float], dialect: str, large: set[str]
) -> list[str]:
    found = [
        f"query {number}: {ms:.1f} ms (a walk over many rows?)"
        for number, ms in enumerate(spent, start=1)
        if ms > SLOW_QUERY_MS
    ]
    pattern = _SQLITE_FULL_SCAN if dialect == "sqlite" else _PG_FULL_SCAN
    for number, plan in enumerate(plans, start=1):
        for table in pattern.findall(plan):
            if table in large:
                found.append(f"query {number}: full scan of {table}")
    if len(case.queries) > MAX_QUERIES:
        found.append(f"{len(case.queries)} queries (more than {MAX_QUERIES})")
    texts = [q.sql for q in case.queries]
    for text in set(texts):
        if texts.count(text) > 2:
            found.append(f"the same query {texts.count(text)} times: one per row?")
    return found


def run(url: str, depth: int, word: str, repeat: int) -> int:
    settings = Settings(environment="test", database_url=url, response_cache_entries=0)
    app = create_app(settings)
    engine: Engine = app.state.engine
    capture: list[Captured] | None = None

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if capture is not None and not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            capture.append(Captured(sql, params))

    large = large_tables(engine)
    flagged = 0
    timings: list[tuple[str, float]] = []
    with TestClient(app) as client:
        for name, path in cases(engine, app.state.cursor_codec, depth, word):
            case = Case(name, path)
            client.get(path)  # warm: the statement caches, the database's pages
            capture = case.queries
            case.status = client.get(path).status_code
            capture = None
            plans = [explain(engine, q) for q in case.queries]
            spent = [time_ms(engine, q) for q in case.queries]
            case.flags = flags_for(case, plans, spent, engine.dialect.name, large)
            flagged += bool(case.flags)
            print(f"\n## {name}: GET {path[:90]}\n{case.status}, {len(case.queries)} queries")
            listed = zip(case.queries, plans, spent, strict=True)
            for number, (query, plan, ms) in enumerate(listed, 1):
                one_line = " ".join(query.sql.split())
                shown = one_line[:300] + (" ..." if len(one_line) > 300 else "")
                print(f"\n[{number}] {ms:.2f} ms: {shown}")
                print(plan)
            for flag in case.flags:
                print(f"FLAG {flag}")
            requests = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(path)
                requests.append(time.perf_counter() - start)
            timings.append((name, statistics.median(requests) * 1000))
    print(f"\n## In-process request time (median of {repeat})\n")
    print("| case | ms |\n|---|---:|")
    for name, ms in timings:
        print(f"| {name} | {ms:.2f} |")
    print(f"\n{flagged} case(s) flagged")
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=100_000, help="extra statements seeded")
    parser.add_argument("--postgres", help="a PostgreSQL server URL: seeds a scratch database")
    parser.add_argument("--seeded", help="explain on this database as it is (no seeding)")
    parser.add_argument("--depth", type=int, default=100, help="deep page: rows from the end")
    parser.add_argument("--q", default="bench", help="the search word")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per case")
    args = parser.parse_args()
    scratch = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.seeded:
            url = args.seeded
        elif args.postgres:
            url = scratch = create_scratch_database(args.postgres)
        else:
            url = f"sqlite:///{Path(tmp) / 'plans.db'}"
        try:
            if not args.seeded:
                print(f"seeding {args.statements:,} statements ...", file=sys.stderr)
                seed(url, args.statements)
            else:  # seeded by an older tree perhaps: the plans are those of the current schema
                engine = make_engine(Settings(environment="test", database_url=url))
                upgrade(engine)
                engine.dispose()
            flagged = run(url, args.depth, args.q, args.repeat)
        finally:
            if scratch is not None:
                drop_scratch_database(args.postgres, scratch)
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
