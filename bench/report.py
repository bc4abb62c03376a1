"""The benchmark's printout: the machine and run, one Markdown table, the export line."""

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import make_url

from bench.harness import Result

if TYPE_CHECKING:
    from bench.scenarios import Scenario

FLOOR = "raw ASGI floor"
DRIVER = "raw-driver floor"


@dataclass
class Export:
    records: int
    megabytes: float
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GB RAM"


def header(
    database_url: str,
    chosen: argparse.Namespace,
    statements: int,
    seed_seconds: float | None,
    cold_start_ms: dict[str, float],
    command: str,
) -> str:
    url = make_url(database_url)
    kind = "PostgreSQL" if url.get_backend_name() == "postgresql" else "SQLite"
    seeded = f"seeded in {seed_seconds:.1f} s" if seed_seconds is not None else "reused (--seeded)"
    starts = ", ".join(f"{mode} {ms:,.0f} ms" for mode, ms in cold_start_ms.items())
    lines = [
        f"- machine: {machine()}",
        f"- database: {kind} ({url.render_as_string(hide_password=True)}), "
        f"{statements:,} generated statements, {seeded}",
        f"- server: uvicorn --workers {chosen.workers}, uvloop + httptools, no access log; "
        f"wrk -t1 -c{chosen.connections} -d{chosen.seconds}s after "
        + (f"{chosen.warmup} s of warm-up" if chosen.warmup else "one warm-up request"),
        f"- cold start (spawn to the first 200 on /health/ready): {starts}",
        f"- command: `{command}`",
    ]
    return "\n".join(lines) + "\n"


def _ratio(value: float, floor: float | None) -> str:
    if not floor:
        return ""
    return f"{value / floor:.3f}"


def table(rows: list[tuple["Scenario", str, Result]]) -> str:
    floors = {case.name: r.requests_per_second for case, mode, r in rows if mode == FLOOR}
    driver = {case.name: r.requests_per_second for case, mode, r in rows if mode == DRIVER}
    out = [
        "| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | errors "
        "| ratio to raw ASGI floor | ratio to raw-driver floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = {FLOOR: 2, DRIVER: 3}
    names = list(dict.fromkeys(case.name for case, _, _ in rows))
    ordered = sorted(rows, key=lambda row: (names.index(row[0].name), order.get(row[1], 0)))
    for case, mode, r in ordered:
        to_floor = "1" if mode == FLOOR else _ratio(r.requests_per_second, floors.get(case.name))
        to_driver = "" if mode == FLOOR else _ratio(r.requests_per_second, driver.get(case.name))
        if mode == DRIVER:
            to_driver = "1"
        out.append(
            f"| {case.name} ({mode}) | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} "
            f"| {r.p99_ms:.1f} | {r.cpu_us_per_request:,.0f} | {r.errors} "
            f"| {to_floor} | {to_driver} |"
        )
    return "\n".join(out)


def progress(case: "Scenario", mode: str, r: Result) -> str:
    return (
        f"  {case.name} ({mode}): {r.requests_per_second:,.0f} req/s, "
        f"p99 {r.p99_ms:.1f} ms, {r.cpu_us_per_request:,.0f} µs/req, errors {r.errors}"
    )


def export_line(export: Export) -> str:
    rate = export.records / export.seconds if export.seconds else 0
    return (
        f"\nexport (GET /v1/export/statements.ndjson, one client): {export.records:,} lines, "
        f"{export.megabytes:,.1f} MB in {export.seconds:.1f} s ({rate:,.0f} lines/s); "
        f"server RSS {export.rss_before_mb:.0f} MB before, {export.rss_peak_mb:.0f} MB peak"
    )
