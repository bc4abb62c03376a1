"""The operator's command line, including a real `serve` on a free port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx2 as httpx
import pytest
from click.testing import CliRunner

from app.cli import main
from app.config import get_settings


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
