"""Search benchmark (issue #10, acceptance 5): `q=` on 100,000 statements, with wrk.

    .venv/bin/python -m bench.search                 # SQLite
    .venv/bin/python -m bench.search --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Seeds a scratch database with the demo data plus N generated statements whose texts draw on a
vocabulary of 2,000 words with a Zipf-like spread (so a word matches a realistic share of the
statements, not all of them) and carry the phrase "human trafficking" in about 1 in 100. The
rows go in as bulk Core inserts, which bypass the ORM hooks, so the seed then calls the indexer
itself (`index.rebuild`), as such a writer must. The server runs with the response cache off:
every request searches. Nothing is asserted. wrk waits up to 30 s for an answer (its default
of 2 s would count slow searches as errors rather than measure them).
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_engine, refresh_statistics
from app.demo.loader import load_demo_data
from app.ids import new_id
from app.schema import migrate
from app.search import index
from app.statements.editing import record_due_go_lives
from app.statements.models import Statement, StatementTranslation
from bench.harness import Result, get, run_wrk
from tests.databases import create_scratch_database, drop_scratch_database

VOCABULARY = [f"w{n:04d}" for n in range(2000)]
COMMON = "migration"  # in the vocabulary's place 0: found in many statements


def _words(rng: random.Random, count: int) -> str:
    chosen = []
    for _ in range(count):
        rank = min(int(rng.paretovariate(1.1)) - 1, len(VOCABULARY) - 1)
        chosen.append(COMMON if rank == 0 else VOCABULARY[rank])
    return " ".join(chosen)


def seed(database_url: str, extra: int) -> int:
    """The demo data plus `extra` generated statements, indexed; returns the documents."""
    rng = random.Random(20261203)
    engine = make_engine(Settings(environment="test", database_url=database_url))
    migrate(engine)
    with engine.begin() as connection, Session(bind=connection) as session:
        load_demo_data(session)
        record_due_go_lives(session, datetime.now(UTC))
        session.flush()
        start = datetime(2015, 1, 1, tzinfo=UTC)
        statements: list[dict[str, Any]] = []
        translations: list[dict[str, Any]] = []
        for n in range(extra):
            sid = new_id("stm")
            when = start + timedelta(hours=n)
            statements.append(
                {
                    "id": sid,
                    "type": "news",
                    "publication_status": "published",
                    "published_at": when,
                    "created_at": when,
                    "updated_at": when,
                    "version": 1,
                    "live_since": when,
                }
            )
            phrase = " human trafficking" if n % 100 == 0 else ""
            apart = " human rights and trafficking" if n % 100 == 50 else ""
            for lang in ("en", "fr") if n % 3 else ("en",):
                translations.append(
                    {
                        "statement_id": sid,
                        "lang": lang,
                        "slug": f"bench-{n}-{lang}",
                        "title": f"Bench {_words(rng, 6)}",
                        "dateline": "Geneva",
                        "summary": _words(rng, 25) + phrase,
                        "body": [
                            {"anchor": "p1", "text": _words(rng, 60) + apart},
                            {"anchor": "p2", "text": _words(rng, 60)},
                        ],
                        "created_at": when,
                        "updated_at": when,
                    }
                )
        for target, rows in ((Statement, statements), (StatementTranslation, translations)):
            for i in range(0, len(rows), 2000):
                connection.execute(insert(target), rows[i : i + 2000])
        # Core inserts bypass the ORM's flush hook: index explicitly.
        documents = index.rebuild(session)
    refresh_statistics(engine)
    engine.dispose()
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="SERVER_URL", help="a PostgreSQL server")
    parser.add_argument("--extra", type=int, default=100_000, help="generated statements")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--seeded",
        metavar="DATABASE_URL",
        help="measure a database an earlier run seeded (kept, not dropped) instead of seeding",
    )
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="newsroom-search-bench-")
    database_url = options.seeded or f"sqlite:///{folder}/bench.db"
    if options.postgres and not options.seeded:
        database_url = create_scratch_database(options.postgres)
    try:
        began = time.perf_counter()
        documents = 0 if options.seeded else seed(database_url, options.extra)
        seeded = time.perf_counter() - began
        print(f"seeded and indexed {documents} documents in {seeded:.0f} s", flush=True)
        results = serve_and_measure(database_url, options.seconds, options.connections)
    finally:
        if options.postgres and not options.seeded:
            drop_scratch_database(options.postgres, database_url)
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"\n{kind}, {options.extra + 32} statements ({documents} index documents, seeded and "
        f"indexed in {seeded:.0f} s), response cache off, uvicorn x1, wrk -t1 "
        f"-c{options.connections} -d{options.seconds}s --timeout=30s\n"
    )
    print("| query | hits | req/s | p50 ms | p99 ms | server CPU µs/req | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for result, hits in results:
        print(
            f"| {result.name} | {hits:,} | {result.requests_per_second:,.0f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.cpu_us_per_request:,.0f} | "
            f"{result.non_2xx_3xx} |"
        )


def serve_and_measure(
    database_url: str, seconds: int, connections: int
) -> list[tuple[Result, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "NEWSROOM_DATABASE_URL": database_url,
        "NEWSROOM_AUTO_MIGRATE": "false",
        "NEWSROOM_RESPONSE_CACHE_ENTRIES": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:serve_app"]
    command += ["--port", str(port), "--no-access-log", "--loop", "uvloop", "--http", "httptools"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    scenarios = [
        ("one word, 20 hits a page", "/v1/statements?limit=20&q=migration&lang=en"),
        ("one rarer word", "/v1/statements?limit=20&q=w0040&lang=en"),
        ("phrase", "/v1/statements?limit=20&q=%22human%20trafficking%22&lang=en"),
        ("one word, /v1/search", "/v1/search?limit=20&q=migration&lang=en"),
        (
            "rarer word + facets type, year, lang",
            "/v1/statements?limit=20&q=w0040&lang=en&facets=type,year,lang",
        ),
        ("phrase + facets year", "/v1/statements?limit=20&q=%22human%20trafficking%22&facets=year"),
    ]
    measured = []
    try:
        while True:
            try:
                get(f"{base}/health/live")
                break
            except OSError:
                time.sleep(0.05)
        for name, path in scenarios:
            total = json.loads(get(f"{base}{path}&include_total=true")[1])["total"]
            result = run_wrk(
                name,
                f"{base}{path}",
                {},
                server.pid,
                seconds,
                connections=connections,
                timeout_s=30,
            )
            measured.append((result, total))
            print(f"{name}: {total} hits, {result}", flush=True)  # partial figures as they come
    finally:
        server.terminate()
        server.wait(timeout=10)
    return measured


if __name__ == "__main__":
    main()
