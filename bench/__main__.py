"""The benchmark: seed, serve, drive every read scenario with wrk, and measure the floors.

    .venv/bin/python -m bench                                  # SQLite, 1,000 statements
    .venv/bin/python -m bench --statements 100000 --workers 2
    .venv/bin/python -m bench --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench --small                          # CI: 200 statements, 1 s runs

Each scenario runs against the API with the response cache on ("cached") and off ("cold"),
and against a raw ASGI app returning the same bytes (the floor). The first list page is also
measured against a raw-driver app (the list query through sqlite3/psycopg, no framework).
Exits non-zero if any scenario had errors or a server did not start. See bench/README.md.
"""

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import report
from bench.floors import save_responses
from bench.harness import Result, Sampler, Server, ServerFailed, get, rss_mb, run_wrk, status_of
from bench.scenarios import SECRET_KEY, Scenario, inspect, scenarios
from bench.seed import seed
from tests.databases import create_scratch_database, drop_scratch_database

APP = "app.main:serve_app"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=1000, help="generated statements")
    parser.add_argument("--postgres", metavar="SERVER_URL", help="a scratch database there")
    parser.add_argument("--seeded", metavar="DATABASE_URL", help="reuse a seeded database")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--workers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before each run")
    parser.add_argument("--connections", type=int, default=32)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-cache", action="store_true", help="cold rows only (cache off)")
    mode.add_argument("--cache-only", action="store_true", help="cached rows only")
    parser.add_argument("--seed-only", action="store_true", help="seed, report, stop")
    parser.add_argument(
        "--small", "--ci", action="store_true", help="200 statements, 1 s runs, SQLite"
    )
    chosen = parser.parse_args()
    if chosen.small:
        # Fewer connections: a cold page at 32 in flight may finish none in one second.
        chosen.statements, chosen.seconds, chosen.warmup = 200, 1, 0
        chosen.connections, chosen.postgres = 8, None
    return chosen


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    root = subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() == "0"
    sudo = [] if root else ["sudo", "-n"]
    if root or subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=False)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed and could not be installed: apt-get install wrk")


def main() -> int:
    chosen = options()
    ensure_wrk()
    folder = tempfile.mkdtemp(prefix="newsroom-bench-")
    database_url = chosen.seeded or f"sqlite:///{folder}/bench.db"
    scratch = chosen.postgres and not chosen.seeded
    if scratch:
        database_url = create_scratch_database(chosen.postgres)
    seed_seconds = None
    try:
        if not chosen.seeded:
            print(f"seeding {chosen.statements:,} statements…", flush=True)
            made = seed(database_url, chosen.statements, log=lambda m: print("  " + m, flush=True))
            seed_seconds = made.seconds
            print(
                f"seeded {made.statements:,} statements, {made.translations:,} translations,"
                f" {made.commitments:,} commitments, {made.documents:,} index documents"
                f" in {made.seconds:.1f} s",
                flush=True,
            )
        if chosen.seed_only:
            return 0
        return measure(chosen, database_url, seed_seconds)
    except ServerFailed as failure:
        print(f"server failed to start: {failure}", file=sys.stderr)
        return 1
    finally:
        if chosen.keep:
            print(f"kept: {database_url}")
        elif scratch:
            drop_scratch_database(chosen.postgres, database_url)
        if not chosen.keep:
            shutil.rmtree(folder, ignore_errors=True)


def measure(chosen: argparse.Namespace, database_url: str, seed_seconds: float | None) -> int:
    seeded = inspect(database_url)
    cases = scenarios(seeded)
    env = {
        "NEWSROOM_DATABASE_URL": database_url,
        "NEWSROOM_AUTO_MIGRATE": "false",
        "NEWSROOM_SECRET_KEY": SECRET_KEY,
        # On, but far above what wrk sends: a 429 would be an error in the table.
        "NEWSROOM_RATE_LIMIT_ANONYMOUS": "1000000000",
    }
    rows: list[tuple[Scenario, str, Result]] = []
    wrk = {
        "seconds": chosen.seconds,
        "warmup_s": chosen.warmup,
        "connections": chosen.connections,
    }
    modes = [("cached", {}), ("cold", {"NEWSROOM_RESPONSE_CACHE_ENTRIES": "0"})]
    if chosen.no_cache:
        modes = modes[1:]
    elif chosen.cache_only:
        modes = modes[:1]
    answers: dict[str, tuple[int, dict[str, str], bytes]] = {}
    cold_start_ms: dict[str, float] = {}
    export = None
    for mode, extra in modes:
        with Server(APP, {**env, **extra}, factory=True, workers=chosen.workers) as server:
            cold_start_ms[mode] = server.cold_start_ms
            mine = {case.path: fetch(server.base + case.path) for case in cases}
            for path, answer in mine.items():
                answers.setdefault(path, answer)
            for case in cases:
                url, headers = server.base + case.path, conditional(case, mine)
                result = run_wrk(case.name, url, headers, server.pid, **wrk)
                if case.etag_of and status_of(url, headers) != 304:
                    print(f"  {case.name}: no 304 for its own ETag", file=sys.stderr)
                    result.non_2xx_3xx += 1
                rows.append((case, mode, result))
                print(report.progress(case, mode, result), flush=True)
            if export is None:
                export = measure_export(server)
    responses = Path(tempfile.mkdtemp(prefix="newsroom-floor-")) / "responses.json"
    save_responses(responses, answers)
    floor_env = {"BENCH_FLOOR_RESPONSES": str(responses), "BENCH_DATABASE_URL": database_url}
    with Server("bench.floors:raw_asgi", floor_env, workers=chosen.workers) as floor:
        for case in cases:
            headers = conditional(case, answers)
            result = run_wrk(case.name, floor.base + case.path, headers, floor.pid, **wrk)
            rows.append((case, "raw ASGI floor", result))
            print(report.progress(case, "raw ASGI floor", result), flush=True)
    with Server("bench.floors:raw_driver", floor_env, workers=chosen.workers) as driver:
        for case in (c for c in cases if c.driver_floor):
            result = run_wrk(case.name, driver.base + case.path, {}, driver.pid, **wrk)
            rows.append((case, "raw-driver floor", result))
            print(report.progress(case, "raw-driver floor", result), flush=True)
    shutil.rmtree(responses.parent, ignore_errors=True)
    print()
    print(
        report.header(
            database_url,
            chosen,
            seeded.statements,
            seed_seconds,
            cold_start_ms,
            " ".join(shlex.quote(a) for a in [sys.executable, "-m", "bench", *sys.argv[1:]]),
        )
    )
    print(report.table(rows))
    if export is not None:
        print(report.export_line(export))
    failed = [f"{case.name} ({mode})" for case, mode, result in rows if result.errors]
    if failed:
        print(f"\nerrors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def conditional(
    case: Scenario, answers: dict[str, tuple[int, dict[str, str], bytes]]
) -> dict[str, str]:
    """The scenario's headers; for a 304 scenario, `If-None-Match` with the ETag given."""
    headers = dict(case.headers)
    if case.etag_of:
        given = {k.lower(): v for k, v in answers[case.etag_of][1].items()}
        headers["If-None-Match"] = given.get("etag", "none")
    return headers


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """The scenario's answer (for the floor); a non-2xx answer is printed, wrk counts it."""
    try:
        headers, body = get(url)
        return 200, headers, body
    except OSError as error:
        status = getattr(error, "code", 0)
        print(f"  {url}: {status or error}", file=sys.stderr)
        return status, {}, b""


def measure_export(server: Server) -> report.Export:
    """The whole statements export with one client: time, size and the server's peak RSS."""
    get(server.base + "/v1/export/menus.ndjson")  # warm: imports, first queries, pools
    before = rss_mb(server.pid)
    sampler = Sampler(server.pid)
    sampler.start()
    started = time.perf_counter()
    size = lines = 0
    with urllib.request.urlopen(server.base + "/v1/export/statements.ndjson") as response:
        while chunk := response.read(65536):
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    return report.Export(lines, size / 1e6, seconds, before, sampler.peak)


if __name__ == "__main__":
    sys.exit(main())
