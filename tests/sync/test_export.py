"""The snapshot export: each line is the item route's body, from one snapshot, streamed."""

import json
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.changes.models import ChangeEntry
from app.changes.service import latest_seq
from app.config import Settings
from app.navigation.service import Links
from app.statements.models import PublicationStatus
from app.sync import cli as sync_cli
from app.sync import export
from tests.conftest import FIXED_NOW, Clock
from tests.factories import make_statement

ITEM_PATHS = {
    "statements": "/v1/statements/{}",
    "commitments": "/v1/commitments/{}",
    "menus": "/v1/navigation/{}",
}


def _lines(client: TestClient, path: str, **params: str) -> tuple[Any, list[str]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text.endswith("\n")
    return response, response.text.splitlines()


def _item_bytes(line: str) -> str:
    """The `item` member exactly as it stands in the line (it is the record's last member)."""
    head, _, item = line.partition(',"item":')
    assert head.startswith('{"resource":')
    return item[:-1]


@pytest.mark.parametrize("resource", export.RESOURCES)
@pytest.mark.parametrize("lang", [None, "fr"])
def test_each_item_is_the_item_routes_body_byte_for_byte(
    client: TestClient, resource: str, lang: str | None
) -> None:
    params = {"lang": lang} if lang else {}
    _, lines = _lines(client, f"/v1/export/{resource}.ndjson", **params)
    records = [json.loads(line) for line in lines[:-1]]
    assert records, "the demo data has some of each"
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    for line, record in zip(lines, records, strict=False):
        assert record["resource"] == resource.rstrip("s")
        assert set(record) == {"resource", "id", "version", "lang", "item"}
        item = client.get(ITEM_PATHS[resource].format(record["id"]), params=params)
        assert item.status_code == 200
        assert _item_bytes(line) == item.text
        assert record["lang"] == item.headers["content-language"]


def test_checkpoint_is_the_last_line_and_the_header(client: TestClient, session: Session) -> None:
    response, lines = _lines(client, "/v1/export/statements.ndjson")
    checkpoint = json.loads(lines[-1])
    assert checkpoint == {"checkpoint": {"seq": latest_seq(session), "records": len(lines) - 1}}
    assert response.headers["newsroom-seq"] == str(latest_seq(session))
    assert "checkpoint" not in "".join(lines[:-1])


def test_only_public_statements_and_lang_filter(client: TestClient, session: Session) -> None:
    english = make_statement(session, published_at=FIXED_NOW - timedelta(days=1), langs=("en",))
    both = make_statement(session, published_at=FIXED_NOW - timedelta(days=1), langs=("en", "fr"))
    draft = make_statement(
        session, published_at=FIXED_NOW, status=PublicationStatus.DRAFT, langs=("fr",)
    )
    scheduled = make_statement(session, published_at=FIXED_NOW + timedelta(days=1), langs=("fr",))
    ids = {json.loads(line).get("id") for line in _lines(client, "/v1/export/statements.ndjson")[1]}
    french = _lines(client, "/v1/export/statements.ndjson", lang="fr")[1]
    french_ids = {json.loads(line).get("id") for line in french}
    assert {english.id, both.id} <= ids
    assert both.id in french_ids
    assert english.id not in french_ids
    assert draft.id not in ids | french_ids
    assert scheduled.id not in ids | french_ids
    assert all(json.loads(line)["lang"] == "fr" for line in french[:-1])


def test_all_translations_gives_each_language_as_its_route_does(
    client: TestClient, session: Session
) -> None:
    both = make_statement(session, published_at=FIXED_NOW - timedelta(days=1), langs=("en", "fr"))
    lines = _lines(client, "/v1/export/statements.ndjson", translations="all")[1]
    record = next(json.loads(line) for line in lines if both.id in line)
    assert set(record) == {"resource", "id", "version", "translations"}
    assert sorted(record["translations"]) == ["en", "fr"]
    for lang, item in record["translations"].items():
        served = client.get(f"/v1/statements/{both.id}", params={"lang": lang})
        assert item == served.json()


def test_an_unserved_language_is_a_problem_before_any_streaming(client: TestClient) -> None:
    response = client.get("/v1/export/commitments.ndjson", params={"lang": "xx"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "lang"


def _spec(settings: Settings, clock: Clock) -> export.ExportSpec:
    return export.ExportSpec(
        resource="statements",
        lang=None,
        all_translations=False,
        default=settings.default_language,
        served=settings.languages,
        links=Links(default_lang=settings.default_language, statement_path=settings.statement_path),
        now=clock(),
    )


def test_streaming_reads_one_batch_per_chunk(
    session: Session, settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "BATCH_SIZE", 4)
    reader = Session(bind=session.get_bind(), join_transaction_mode="create_savepoint")
    statements: list[str] = []

    @event.listens_for(session.get_bind(), "before_cursor_execute")
    def count(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT") and "FROM statements" in sql:
            statements.append(sql)

    try:
        chunks = export.chunks(reader, _spec(settings, clock), 0)
        first = next(chunks)
        assert first.count(b"\n") == 4  # one batch's records, sent before the next is read
        assert len(statements) == 1
        rest = list(chunks)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", count)
    total = json.loads(rest[-1])["checkpoint"]["records"]
    assert total > 8
    assert len(statements) == -(-total // 4) + 1  # one page query per batch, then the empty one


def test_cli_export_writes_what_the_route_serves(
    client: TestClient,
    settings: Settings,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setattr(sync_cli, "get_settings", lambda: settings)
    monkeypatch.setattr(sync_cli, "utcnow", clock)
    for resource in export.RESOURCES:
        output = tmp_path / f"{resource}.ndjson"
        args = ["--resource", resource, "--lang", "fr", "--all-translations"]
        result = CliRunner().invoke(sync_cli.export_command, [*args, "--output", str(output)])
        assert result.exit_code == 0, result.output
        served = client.get(
            f"/v1/export/{resource}.ndjson", params={"lang": "fr", "translations": "all"}
        )
        assert output.read_text(encoding="utf-8") == served.text


def test_cli_refuses_an_unserved_language(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_cli, "get_settings", lambda: settings)
    result = CliRunner().invoke(sync_cli.export_command, ["--lang", "xx"])
    assert result.exit_code == 2
    assert "not served" in result.output


def test_versions_are_those_the_change_feed_announced(client: TestClient, session: Session) -> None:
    lines = _lines(client, "/v1/export/commitments.ndjson")[1][:-1]
    for record in map(json.loads, lines):
        announced = session.scalar(
            select(ChangeEntry.version)
            .where(
                ChangeEntry.resource_type == "commitment", ChangeEntry.resource_id == record["id"]
            )
            .order_by(ChangeEntry.seq.desc())
            .limit(1)
        )
        assert record["version"] == announced
