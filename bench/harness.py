"""What every benchmark here shares: a uvicorn process, wrk, and the server's CPU and memory
read from /proc (figures that depend less on wrk sharing the two cores than req/s does)."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
UVICORN_FLAGS = ("--no-access-log", "--no-server-header", "--loop", "uvloop", "--http", "httptools")


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float
    non_2xx_3xx: int
    socket_errors: int = 0

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children_of(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return []
    kids = [int(p) for p in out.split()]
    return kids + [g for k in kids for g in children_of(k)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its descendants (uvicorn's workers)."""
    total = 0.0
    for child in [pid, *children_of(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants."""
    total = 0.0
    for child in [pid, *children_of(pid)]:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except FileNotFoundError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


class Sampler(threading.Thread):
    """The highest RSS seen while it runs (every 20 ms)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request) as response:
        return dict(response.headers), response.read()


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            status: int = r.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


class ServerFailed(RuntimeError):
    pass


class Server:
    """`uvicorn` serving `target` (an app, or a factory with `factory=True`) on a free port;
    `cold_start_ms` is spawn to the first 200 on `ready_path`."""

    def __init__(
        self,
        target: str,
        env: dict[str, str],
        *,
        factory: bool = False,
        workers: int = 1,
        ready_path: str = "/health/ready",
        timeout_s: float = 60,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "uvicorn", target, "--port", str(self.port)]
        command += [*UVICORN_FLAGS, "--workers", str(workers)]
        if factory:
            command.append("--factory")
        self.command = command
        self.env = {**os.environ, **env}
        self.ready_path = ready_path
        self.timeout_s = timeout_s
        self.cold_start_ms = float("nan")
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-server-{self.port}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> "Server":
        started = time.perf_counter()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        while time.perf_counter() - started < self.timeout_s:
            if self.process.poll() is not None:
                break
            try:
                if status_of(self.base + self.ready_path) == 200:
                    self.cold_start_ms = (time.perf_counter() - started) * 1000
                    return self
            except OSError:
                pass
            time.sleep(0.01)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:]
        raise ServerFailed(
            f"{' '.join(self.command)} did not answer 200 on {self.ready_path}:\n{tail}"
        )

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)


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
    threads: int = 1,
    timeout_s: int = 2,
    warmup_s: int = 2,
) -> Result:
    """wrk after a warm-up; CPU/request is the server tree's CPU over wrk's request count."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"--timeout={timeout_s}s", "--latency"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    if warmup_s > 0:
        subprocess.run([*args, f"-d{warmup_s}s", url], capture_output=True, check=True)
    else:  # at least the first request's one-off work (imports, first plan) is not timed
        status_of(url, headers)
    before = cpu_seconds(pid)
    out = subprocess.run([*args, f"-d{seconds}s", url], capture_output=True, text=True).stdout
    cpu = cpu_seconds(pid) - before
    found = re.search(r"(\d+) requests in", out)
    requests = int(found.group(1)) if found else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", out)
    return Result(
        name,
        float(rate.group(1)) if rate else 0.0,
        latency_ms(out, "50%"),
        latency_ms(out, "99%"),
        cpu / max(requests, 1) * 1e6,
        int(bad.group(1)) if bad else 0,
        (int(sockets.group(1)) + int(sockets.group(2))) if sockets else (0 if found else 1),
    )
