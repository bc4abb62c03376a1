"""Load and soak (issue #11): 60 s at 64 connections against 2 workers on PostgreSQL.

    .venv/bin/python -m bench.soak --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Seeds a scratch database with the demo data plus 10,000 generated statements (bench/seed.py),
serves it with `newsroom serve --workers 2` (rate limits on, counters in Redis when --redis is
given), creates an API key for the load, and drives a mix of public reads with wrk (-t2): list
pages, a filtered list, an item, conditional requests, a search, the navigation tree and the
change feed, each request carrying the load key. Prints the request count, the errors
(non-2xx/3xx answers, connection errors and timeouts), req/s, p50 and p99.
Nothing is asserted.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus
from bench.harness import free_port, get, latency_ms
from bench.seed import seed
from tests.databases import create_scratch_database, drop_scratch_database

PATHS = [
    "/v1/statements?limit=20",
    "/v1/statements?limit=20&lang=fr&place=019",
    f"/v1/statements/{corpus.statement_text(5, 'en').slug}",
    "/v1/statements?limit=20&q=migrants",
    "/v1/commitments?limit=20",
    "/v1/navigation/main",
    "/v1/changes?limit=100",
]

SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def create_load_key(env: dict[str, str], extra_arguments: list[str]) -> str:
    # A key needs a scope; reading public content needs none, so grant the harmless one.
    command = [sys.executable, "-m", "app", "keys", "create", "--name", "load test"]
    command += ["--scope", "metrics:read"]
    out = subprocess.run(
        [*command, *extra_arguments], env=env, capture_output=True, text=True, check=True
    ).stdout
    return re.search(r"token:\s+(\S+)", out).group(1)  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="SERVER_URL", required=True)
    parser.add_argument("--redis", metavar="REDIS_URL", help="shared rate-limit counters")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--key-option",
        action="append",
        default=[],
        help="extra arguments for `newsroom keys create` (e.g. the load key's own limits)",
    )
    options = parser.parse_args()
    database_url = create_scratch_database(options.postgres)
    try:
        seed(database_url, 10_000)
        run(database_url, options)
    finally:
        drop_scratch_database(options.postgres, database_url)


def run(database_url: str, options: argparse.Namespace) -> None:
    env = {**os.environ, "NEWSROOM_DATABASE_URL": database_url, "NEWSROOM_AUTO_MIGRATE": "false"}
    if options.redis:
        env["NEWSROOM_REDIS_URL"] = options.redis
    token = create_load_key(env, options.key_option)
    port = free_port()
    serve = ["serve", "--port", str(port), "--workers", str(options.workers)]
    server = subprocess.Popen(
        [sys.executable, "-m", "app", *serve],
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
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "mix.lua"
            script.write_text(SCRIPT % ", ".join(f'"{path}"' for path in PATHS))
            command = ["wrk", "-t2", f"-c{options.connections}", f"-d{options.seconds}s"]
            command += ["--timeout=10s", "--latency", "-s", str(script)]
            command += ["-H", f"Authorization: Bearer {token}", base]
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=60)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    print(out)
    print(
        f"| {options.seconds} s, {options.connections} connections, {options.workers} workers | "
        f"{requests:,} | {errors:,} | {rps:,.0f} | {latency_ms(out, '50%'):.1f} | "
        f"{latency_ms(out, '99%'):.1f} |"
    )


if __name__ == "__main__":
    main()
