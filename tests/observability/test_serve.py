"""`newsroom serve --workers 2`: JSON lines from every process, one metrics view for all."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.test_cli import free_port


def _requests_to(text: str, route: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "newsroom_http_requests"
        for sample in family.samples
        if sample.labels.get("route") == route
    )


def test_two_workers_share_metrics_and_log_json(
    fresh_database_url: Callable[[], str], tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "NEWSROOM_DATABASE_URL": fresh_database_url(),
        "NEWSROOM_ENVIRONMENT": "test",
        "NEWSROOM_LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    command = [sys.executable, "-m", "app"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [*command, "keys", "create", "--name", "prometheus", "--scope", "metrics:read"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = created.stdout.split("token:")[1].strip()
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", "2"],
            env={**env, "NEWSROOM_AUTO_MIGRATE": "false"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health/live").status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            for _ in range(9):  # spread over both workers by the kernel
                assert httpx.get(f"{base}/v1/statements").status_code == 200
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(4):  # whichever worker answers counts every worker's requests
                scraped = httpx.get(f"{base}/metrics", headers=headers)
                assert scraped.status_code == 200
                assert _requests_to(scraped.text, "/v1/statements") == 9
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is JSON, uvicorn's too
    assert any(record["logger"].startswith("uvicorn") for record in records)
    access = [record for record in records if record["logger"] == "app.access"]
    assert sum(record["route"] == "/v1/statements" for record in access) == 9
    assert token.rsplit("_", 1)[-1] not in log_path.read_text()
