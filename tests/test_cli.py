"""The operator's command line, including a real `serve` on a free port."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine

from app.cli import main
from app.config import get_settings
from tests.conftest import requires_postgres
from tests.databases import planned_rows


@pytest.fixture
def fresh_env(fresh_database_url: Callable[[], str]) -> Iterator[dict[str, str]]:
    env = {"NEWSROOM_DATABASE_URL": fresh_database_url(), "NEWSROOM_ENVIRONMENT": "test"}
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def test_help_explains_every_command() -> None:
    runner = CliRunner()
    overview = runner.invoke(main, ["--help"])
    assert overview.exit_code == 0
    for command in ("serve", "migrate", "demo-data"):
        assert command in overview.output
        detail = runner.invoke(main, [command, "--help"])
        assert detail.exit_code == 0
        assert "Usage:" in detail.output


def test_migrate_then_demo_data_twice(fresh_env: dict[str, str]) -> None:
    runner = CliRunner()
    migrated = runner.invoke(main, ["migrate"], env=fresh_env)
    assert migrated.exit_code == 0, migrated.output
    assert "places 280" in migrated.output
    again = runner.invoke(main, ["migrate"], env=fresh_env)
    assert "places 0" in again.output
    for _ in range(2):
        loaded = runner.invoke(main, ["demo-data"], env=fresh_env)
        assert loaded.exit_code == 0, loaded.output
        assert "32 demo statements, 23 commitments and 49 menu items loaded" in loaded.output
    # The statistics were refreshed after the load: the planner knows the rows are there.
    assert planned_rows(fresh_env["NEWSROOM_DATABASE_URL"], "statements") == 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_french_with_demo_data(fresh_env: dict[str, str]) -> None:
    env = {**os.environ, **fresh_env}
    subprocess.run([sys.executable, "-m", "app", "demo-data"], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        response = httpx.get(f"{base}/v1/statements", params={"lang": "fr", "limit": 100})
        assert response.status_code == 200
        assert response.headers["content-language"] == "fr"
        assert "server" not in response.headers
        items = response.json()["items"]
        assert any(i["lang"] == "fr" for i in items)
        assert any(i["fallback"] and i["fallback"]["requested_lang"] == "fr" for i in items)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting: {what}"
        time.sleep(0.05)


def _refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@requires_postgres
def test_sigterm_lets_the_request_in_flight_finish_then_exits(fresh_env: dict[str, str]) -> None:
    env = {
        **os.environ,
        **fresh_env,
        "NEWSROOM_RESPONSE_CACHE_ENTRIES": "0",
        "NEWSROOM_DATABASE_STATEMENT_TIMEOUT_MS": "0",  # the lock, not a timeout, ends the wait
    }
    subprocess.run([sys.executable, "-m", "app", "demo-data"], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    engine = create_engine(fresh_env["NEWSROOM_DATABASE_URL"])
    answered: dict[str, int] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until(lambda: not _refuses_connections(port), "the server listens")
        assert httpx.get(f"{base}/v1/statements?limit=1").status_code == 200
        with engine.connect() as holder:  # holds the request in flight until released
            holder.exec_driver_sql("LOCK TABLE statements IN ACCESS EXCLUSIVE MODE")

            def read() -> None:
                url = f"{base}/v1/statements?limit=1"
                answered["status"] = httpx.get(url, timeout=60).status_code

            reader = threading.Thread(target=read)
            reader.start()
            _wait_until(
                lambda: (
                    holder.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    ).scalar_one()
                    > 0
                ),
                "the request waits for the lock",
            )
            server.send_signal(signal.SIGTERM)
            with pytest.raises(subprocess.TimeoutExpired):  # not gone: a request is in flight
                server.wait(timeout=1)
            holder.rollback()
        reader.join(timeout=60)
        assert answered == {"status": 200}
        _, log = server.communicate(timeout=30)
        # uvicorn re-raises the signal once shut down, so the exit status says SIGTERM; the
        # lifespan's shutdown (announcer and webhook worker stopped) ran before it.
        assert server.returncode == -signal.SIGTERM
        assert "Application shutdown complete." in log
        assert _refuses_connections(port)
    finally:
        if server.poll() is None:
            server.kill()
        engine.dispose()
