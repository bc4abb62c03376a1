"""Issue #9, acceptance 6: `examples/mirror.py`, run against a real demo server, ends holding
the same statements (and commitments) as the public lists, and keeps doing so as they change."""

import base64
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from standardwebhooks.webhooks import Webhook

from app.config import get_settings
from tests.test_cli import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(fresh_database_url: Callable[[], str]) -> Iterator[tuple[str, dict[str, str]]]:
    """A demo server on a fresh database, and an editor's token made with the CLI."""
    env = {
        **os.environ,
        "NEWSROOM_DATABASE_URL": fresh_database_url(),
        "NEWSROOM_ENVIRONMENT": "test",
    }
    get_settings.cache_clear()
    subprocess.run([sys.executable, "-m", "app", "demo-data"], env=env, check=True)
    created = subprocess.run(
        [
            *(sys.executable, "-m", "app", "keys", "create", "--name", "mirror test"),
            *(f"--scope={s}" for s in ("statements:write", "content:publish")),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = re.search(r"token:\s+(\S+)", created.stdout)
    assert token is not None
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, {"Authorization": f"Bearer {token.group(1)}"}
    finally:
        process.terminate()
        process.wait(timeout=10)
        get_settings.cache_clear()


def run_mirror(base: str, state: Path, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            *(sys.executable, str(ROOT / "examples" / "mirror.py"), "sync", "--api", base),
            *("--state", str(state), "--page-size", "7", *extra),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def public_ids(base: str, kind: str, **params: Any) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        query = {"limit": 100, **params, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{base}/v1/{kind}", params=query).json()
        ids |= {item["id"] for item in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def held(report: dict[str, Any], kind: str) -> set[str]:
    return {key.split(":", 1)[1] for key in report["versions"] if key.startswith(f"{kind}:")}


def test_the_reference_mirror_holds_what_the_lists_show(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, editor = server
    state = tmp_path / "mirror.json"
    first = run_mirror(base, state)
    assert held(first, "statement") == public_ids(base, "statements")
    assert held(first, "commitment") == public_ids(base, "commitments")
    assert len(held(first, "statement")) > 20

    # Changes since: one statement unpublished, one new one published.
    gone = sorted(held(first, "statement"))[0]
    editorial = httpx.get(f"{base}/v1/statements/{gone}/editorial", headers=editor)
    unpublished = httpx.post(
        f"{base}/v1/statements/{gone}/unpublish",
        headers={**editor, "If-Match": editorial.headers["etag"]},
    )
    assert unpublished.status_code in (200, 409), unpublished.text  # 409: commitments cite it
    body = {
        "type": "news",
        "translations": {
            "en": {
                "slug": "mirrored",
                "title": "Mirrored",
                "summary": "S.",
                "body": [{"text": "X"}],
            }
        },
    }
    created = httpx.post(f"{base}/v1/statements", json=body, headers=editor)
    published = httpx.post(
        f"{base}/v1/statements/{created.json()['id']}/publish",
        headers={**editor, "If-Match": created.headers["etag"]},
    )
    assert published.status_code == 200, published.text

    second = run_mirror(base, state)  # resumes from its saved position
    assert second["applied"] >= 1
    assert held(second, "statement") == public_ids(base, "statements")
    assert created.json()["id"] in held(second, "statement")


def test_a_french_mirror_holds_the_statements_translated_into_french(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, _ = server
    report = run_mirror(base, tmp_path / "fr.json", "--lang", "fr")
    french = public_ids(base, "statements", available_lang="fr")
    assert held(report, "statement") == french
    assert french != public_ids(base, "statements")  # the filter really filters


def test_the_reference_mirror_receives_signed_webhooks_and_refuses_forged_ones(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, _ = server
    secret = "whsec_" + base64.b64encode(b"a mirror test secret, 32 bytes!!").decode()
    port = free_port()
    state = tmp_path / "hooks.json"
    receiver = subprocess.Popen(
        [
            *(sys.executable, str(ROOT / "examples" / "mirror.py"), "serve", "--api", base),
            *("--state", str(state), "--port", str(port), "--secret", secret),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        payload = json.dumps({"type": "statement.upsert", "data": {"seq": 1}})
        signer = Webhook(secret)
        now = datetime.now(UTC)
        headers = {
            "webhook-id": "msg_test",
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign("msg_test", now, payload),
            "content-type": "application/json",
        }
        deadline = time.monotonic() + 30
        while True:  # it syncs once before it listens
            try:
                answer = httpx.post(f"http://127.0.0.1:{port}/", content=payload, headers=headers)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the receiver did not start"
                time.sleep(0.2)
        assert answer.status_code == 204
        forged = {**headers, "webhook-signature": "v1,AAAA"}
        refused = httpx.post(f"http://127.0.0.1:{port}/", content=payload, headers=forged)
        assert refused.status_code == 401
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    held_now = json.loads(state.read_text())["items"]
    public = public_ids(base, "statements")
    assert {key.split(":", 1)[1] for key in held_now if key.startswith("statement:")} == public
