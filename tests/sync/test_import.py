"""`newsroom import`: a snapshot loaded into a fresh instance shows the same public content."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_engine
from app.demo.commitments import _load_actors, _load_events, demo_commitment_data
from app.main import create_app
from app.schema import migrate
from app.sync import cli as sync_cli
from tests.conftest import Clock
from tests.databases import planned_rows


@pytest.fixture
def fresh(
    fresh_database_url: Callable[[], str], settings: Settings, clock: Clock
) -> Iterator[tuple[Settings, TestClient]]:
    """An empty instance, but for the reference data no API writes (actors and events, like
    the taxonomies the migrations bring)."""
    fresh_settings = settings.model_copy(update={"database_url": fresh_database_url()})
    engine = make_engine(fresh_settings)
    migrate(engine)
    with Session(engine) as session, session.begin():
        data = demo_commitment_data()
        _load_actors(session, data["actors"])
        _load_events(session, data["events"])
    engine.dispose()
    with TestClient(create_app(fresh_settings, clock=clock)) as client:
        yield fresh_settings, client


def _run_import(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, clock: Clock, *files: Path
) -> Result:
    monkeypatch.setattr(sync_cli, "get_settings", lambda: settings)
    monkeypatch.setattr(sync_cli, "utcnow", clock)
    return CliRunner().invoke(sync_cli.import_command, [str(f) for f in files])


def _snapshot(client: TestClient, tmp_path: Path) -> list[Path]:
    files = []
    for resource in ("statements", "commitments"):
        response = client.get(f"/v1/export/{resource}.ndjson", params={"translations": "all"})
        assert response.status_code == 200
        files.append(tmp_path / f"{resource}.ndjson")
        files[-1].write_text(response.text, encoding="utf-8")
    return files


def _public_list(client: TestClient, path: str, lang: str) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": "100", "lang": lang})
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    items: list[dict[str, Any]] = body["items"]
    for item in items:
        item.pop("updated_at")  # this instance's own: when it was imported
    return items


def test_round_trip_shows_the_same_public_lists_and_a_second_import_changes_nothing(
    client: TestClient,
    fresh: tuple[Settings, TestClient],
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fresh_settings, fresh_client = fresh
    files = _snapshot(client, tmp_path)
    result = _run_import(monkeypatch, fresh_settings, clock, *files)
    assert result.exit_code == 0, result.output
    assert "imported 31 statements, 23 commitments; 0 already here" in result.output
    # Statistics refreshed after the commit: the planner knows the imported rows.
    assert planned_rows(fresh_settings.database_url, "statements") == 31
    for path in ("/v1/statements", "/v1/commitments"):
        for lang in ("en", "fr"):
            source = _public_list(client, path, lang)
            assert source
            assert _public_list(fresh_client, path, lang) == source

    again = _run_import(monkeypatch, fresh_settings, clock, *files)
    assert again.exit_code == 0, again.output
    assert "imported 0 statements, 0 commitments; 54 already here unchanged" in again.output


def test_bad_lines_are_all_reported_and_nothing_is_imported(
    client: TestClient,
    fresh: tuple[Settings, TestClient],
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fresh_settings, fresh_client = fresh
    statements = _snapshot(client, tmp_path)[0]
    lines = statements.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    for item in record["translations"].values():
        item["topics"] = ["no-such-topic"]
    lines[1] = json.dumps(record)
    lines[3] = lines[3][:40]  # cut short: not JSON
    statements.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run_import(monkeypatch, fresh_settings, clock, statements)
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if line.startswith(str(statements))]
    assert [line.removeprefix(f"{statements}:").split(":")[0] for line in reported] == ["2", "4"]
    assert "topic" in reported[0]
    assert "not JSON" in reported[1]
    assert "2 bad records: nothing was imported" in result.output
    assert fresh_client.get("/v1/statements").json()["items"] == []
