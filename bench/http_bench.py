"""HTTP benchmark of the read paths with wrk, against a real `newsroom serve`.

    .venv/bin/python -m bench.http_bench                 # SQLite, 10,000 extra statements
    .venv/bin/python -m bench.http_bench --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Needs `wrk` (Debian package `wrk`). Prints a Markdown table: requests/s, p50/p99 latency and the
server's CPU time per request (from /proc, so it does not depend on the load generator's share).
Run nothing else meanwhile: the machine has two cores and wrk uses part of one.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_engine, refresh_statistics
from app.demo.loader import load_demo_data
from app.demo.navigation import load_demo_navigation
from app.ids import new_id
from app.schema import migrate
from app.search import index
from app.statements.editing import record_due_go_lives
from app.statements.models import Statement, StatementTranslation, statement_places
from tests.databases import create_scratch_database, drop_scratch_database

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float
    non_2xx_3xx: int


def seed(database_url: str, extra: int) -> None:
    engine = make_engine(Settings(environment="test", database_url=database_url))
    migrate(engine)
    with engine.begin() as connection:
        with Session(bind=connection) as session:
            load_demo_data(session)
            record_due_go_lives(session, datetime.now(UTC))  # as `newsroom demo-data` does
            session.flush()
        start = datetime(2015, 1, 1, tzinfo=UTC)
        statements, translations, places = [], [], []
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
                    "live_since": when,  # already announced, as the migration does
                }
            )
            for lang in ("en", "fr") if n % 3 else ("en",):
                translations.append(
                    {
                        "statement_id": sid,
                        "lang": lang,
                        "slug": f"bench-{n}-{lang}",
                        "title": f"Bench statement {n} ({lang})",
                        "dateline": "Geneva",
                        "summary": "A generated statement for benchmarks. " * 4,
                        "body": [{"anchor": "p1", "text": "Paragraph. " * 40}],
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            places.append({"statement_id": sid, "place_code": ("HND", "FRA", "NGA")[n % 3]})
        batches: list[tuple[Any, list[dict[str, Any]]]] = [
            (Statement, statements),
            (StatementTranslation, translations),
            (statement_places, places),
        ]
        for target, rows in batches:
            for i in range(0, len(rows), 2000):
                connection.execute(insert(target), rows[i : i + 2000])
        with Session(bind=connection) as session:
            load_demo_navigation(session)  # the menus, for the navigation tree
            session.flush()
            index.rebuild(session)  # Core inserts bypass the ORM's indexing hook
    refresh_statistics(engine)
    engine.dispose()


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for child in [pid, *children_of(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def children_of(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return []
    kids = [int(p) for p in out.split()]
    return kids + [g for k in kids for g in children_of(k)]


def latency_ms(text: str, label: str) -> float:
    match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(
    name: str,
    url: str,
    headers: dict[str, str],
    pid: int,
    seconds: int,
    *,
    connections: int = 32,
    timeout_s: int = 2,
) -> Result:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout_s}s"]
    args.append("--latency")
    args.append(url)
    for key, value in headers.items():
        args[1:1] = ["-H", f"{key}: {value}"]
    subprocess.run([*args[:-1], "-d2s", url], capture_output=True, check=True)  # warm-up
    before = cpu_seconds(pid)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(
        name,
        rps,
        latency_ms(out, "50%"),
        latency_ms(out, "99%"),
        cpu / max(requests, 1) * 1e6,
        int(bad.group(1)) if bad else 0,
    )


def get(url: str, headers: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request) as response:
        return dict(response.headers), response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        help="run on a scratch database on this PostgreSQL server instead of SQLite",
    )
    parser.add_argument("--extra", type=int, default=10_000, help="generated statements")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="disable the response cache (every request computes)",
    )
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="newsroom-bench-")
    database_url = f"sqlite:///{folder}/bench.db"
    if options.postgres:
        database_url = create_scratch_database(options.postgres)
    try:
        seed(database_url, options.extra)
        run(database_url, options)
    finally:
        if options.postgres:
            drop_scratch_database(options.postgres, database_url)


def run(database_url: str, options: argparse.Namespace) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NEWSROOM_DATABASE_URL": database_url, "NEWSROOM_AUTO_MIGRATE": "false"}
    if options.no_cache:
        env["NEWSROOM_RESPONSE_CACHE_ENTRIES"] = "0"
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "app.main:serve_app",
            "--port",
            str(port),
            "--workers",
            str(options.workers),
            "--no-access-log",
            "--no-server-header",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                get(f"{base}/health/live")
                break
            except OSError:
                time.sleep(0.02)
        cold_start_ms = (time.perf_counter() - started) * 1000
        first_headers, _ = get(f"{base}/v1/statements?limit=20")
        deep_url = f"{base}/v1/statements?limit=100"
        for _ in range(options.extra // 100 - 2):  # walk to a deep page
            page = json.loads(get(deep_url)[1])
            if not page["next_cursor"]:
                break
            deep_url = f"{base}/v1/statements?limit=100&cursor={page['next_cursor']}"
        deep_url = deep_url.replace("limit=100", "limit=20")
        item_headers, _ = get(f"{base}/v1/statements/bench-5-en")
        scenarios = [
            ("list, first page (20 items)", f"{base}/v1/statements?limit=20", {}),
            ("list, deep page (20 items)", deep_url, {}),
            ("list, lang=fr, place=019", f"{base}/v1/statements?limit=20&lang=fr&place=019", {}),
            ("item by slug", f"{base}/v1/statements/bench-5-en", {}),
            (
                "list, 304 (If-None-Match)",
                f"{base}/v1/statements?limit=20",
                {"If-None-Match": first_headers["etag"]},
            ),
            (
                "item, 304 (If-None-Match)",
                f"{base}/v1/statements/bench-5-en",
                {"If-None-Match": item_headers["etag"]},
            ),
        ]
        results = [run_wrk(n, u, h, server.pid, options.seconds) for n, u, h in scenarios]
    finally:
        server.terminate()
        server.wait(timeout=10)
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    cache = "response cache off" if options.no_cache else "response cache on"
    print(
        f"\n{kind}, {options.extra + 32} statements, {cache}, uvicorn x{options.workers}, "
        f"wrk -t1 -c32 -d{options.seconds}s; cold start to first answer: {cold_start_ms:.0f} ms\n"
    )
    print("| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.name} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.cpu_us_per_request:,.0f} | {r.non_2xx_3xx} |"
        )


if __name__ == "__main__":
    main()
