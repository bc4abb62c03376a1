"""Memory of the snapshot export: does the server stay flat however many statements it streams?

    .venv/bin/python -m bench.export_memory                  # SQLite, 10,000 then 100,000
    .venv/bin/python -m bench.export_memory --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

For each size: a scratch database seeded with the demo data plus that many generated statements
(bench/seed.py's bulk seed), a real uvicorn serving it, and one client reading
`GET /v1/export/statements.ndjson` to the end. The server's resident memory is sampled from
/proc every 20 ms while the export runs. Prints a Markdown table: records, bytes, seconds,
records/s, the server's RSS before the export and its peak during it. Nothing is asserted.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass

from bench.harness import Sampler, get, rss_mb
from bench.seed import seed
from tests.databases import create_scratch_database, drop_scratch_database


@dataclass
class Measure:
    statements: int
    records: int
    megabytes: float
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float

    @property
    def per_second(self) -> float:
        return self.records / self.seconds


def measure(database_url: str, statements: int) -> Measure:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NEWSROOM_DATABASE_URL": database_url, "NEWSROOM_AUTO_MIGRATE": "false"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory", "app.main:serve_app"),
            *("--port", str(port), "--no-access-log", "--loop", "uvloop", "--http", "httptools"),
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
        get(f"{base}/v1/export/menus.ndjson")  # warm: imports, first queries, pools
        before = rss_mb(server.pid)
        sampler = Sampler(server.pid)
        sampler.start()
        started = time.perf_counter()
        size = lines = 0
        with urllib.request.urlopen(f"{base}/v1/export/statements.ndjson") as response:
            while chunk := response.read(65536):
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return Measure(statements, lines - 1, size / 1e6, seconds, before, sampler.peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="SERVER_URL", help="a PostgreSQL server to use")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="generated statements"
    )
    options = parser.parse_args()
    results = []
    for size in options.sizes:
        folder = tempfile.mkdtemp(prefix="newsroom-export-bench-")
        url = f"sqlite:///{folder}/bench.db"
        if options.postgres:
            url = create_scratch_database(options.postgres)
        try:
            seeding = time.perf_counter()
            seed(url, size)
            print(f"seeded {size} statements in {time.perf_counter() - seeding:.0f} s")
            results.append(measure(url, size))
        finally:
            if options.postgres:
                drop_scratch_database(options.postgres, url)
    kind = "PostgreSQL" if options.postgres else "SQLite"
    print(f"\n{kind}, GET /v1/export/statements.ndjson, uvicorn x1\n")
    print("| statements | records | MB | seconds | records/s | RSS before MB | RSS peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.statements:,} | {r.records:,} | {r.megabytes:,.1f} | {r.seconds:.1f} "
            f"| {r.per_second:,.0f} | {r.rss_before_mb:.1f} | {r.rss_peak_mb:.1f} |"
        )


if __name__ == "__main__":
    main()
