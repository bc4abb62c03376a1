"""Real `newsroom serve` processes on a test database, for what only separate workers show."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def servers(database_url: str, count: int, **env: str) -> Iterator[list[str]]:
    """`count` separate `newsroom serve` processes on the database, each on its own port."""
    environment = {
        **os.environ,
        "NEWSROOM_DATABASE_URL": database_url,
        "NEWSROOM_ENVIRONMENT": "test",
        "NEWSROOM_AUTO_MIGRATE": "false",
        "NEWSROOM_SECRET_KEY": "test-secret-key",  # tests.conftest's, so test keys work
        **env,
    }
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{base}/health/live")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, f"{base} did not start"
                    time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
