"""Logs: one access line per request, JSON in production; never a secret, a query or a body."""

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import Depends, Request
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.auth.dependencies import current_principal
from app.db import SessionDep
from app.observability.logs import (
    JsonFormatter,
    RequestIdFilter,
    TextFormatter,
    logging_config,
    resolve_format,
)
from tests.observability.conftest import Stack, bearer

BODY_MARKER = "body-marker-6d1f0a"
QUERY_MARKER = "query-marker-93c2e4"


class Capture:
    """What an operator's log collector would receive (formatted lines), and the records
    themselves, so that a secret is shown to never reach a record, not only to be redacted."""

    def __init__(self, formatter: logging.Formatter) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter)
        self.handler.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []
        self.handler.emit = self._emit  # type: ignore[method-assign]

    def _emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        logging.StreamHandler.emit(self.handler, record)

    @property
    def output(self) -> str:
        return self.stream.getvalue()

    def raw(self) -> str:
        plain = logging.Formatter()
        return "\n".join(plain.format(record) + " " + repr(vars(record)) for record in self.records)


@pytest.fixture
def json_logs() -> Iterator[Capture]:
    capture = Capture(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.INFO)
    # As logging_config sets it: the test client's own request lines would quote the URL.
    client_log = logging.getLogger("httpx2")
    client_level = client_log.level
    client_log.setLevel(logging.WARNING)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
        root.setLevel(level)
        client_log.setLevel(client_level)


def _failing_route(stack: Stack, client: TestClient) -> None:
    """A route whose query fails with the body's value bound as a parameter: the database
    error's text would quote it unless parameters are hidden (app.db.make_engine)."""

    async def fail(
        request: Request,
        session: SessionDep,
        _principal: Annotated[object, Depends(current_principal)],
    ) -> None:
        body: dict[str, Any] = await request.json()
        session.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": body["note"]})

    client.app.add_api_route("/test/fail", fail, methods=["POST"])  # type: ignore[attr-defined]


def test_a_suite_of_requests_logs_no_secret_and_no_body(stack: Stack, json_logs: Capture) -> None:
    secret = stack.editor.rsplit("_", 1)[-1]
    wrong = stack.editor[: -len(secret)] + "wrong-secret-5b7e"
    app = stack.app()
    with TestClient(app, raise_server_exceptions=False) as client:
        _failing_route(stack, client)
        keyed = bearer(stack.editor)
        answers = [
            client.get("/v1/statements", params={"q": QUERY_MARKER}, headers=keyed),
            client.post(
                "/v1/statements",
                json={"title": {"en": BODY_MARKER}, "unknown": BODY_MARKER},
                headers=keyed,
            ),
            client.patch(
                "/v1/statements/stm_00000000000000000000000000",
                json={"title": {"en": BODY_MARKER}},
                headers={**keyed, "If-Match": '"x"'},
            ),
            client.get("/v1/statements", headers={"Authorization": f"Bearer {wrong}"}),
            client.get("/v1/statements", headers={"X-API-Key": stack.editor}),
            client.post("/test/fail", json={"note": BODY_MARKER}, headers=keyed),
        ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[1] == 422
    assert statuses[3] == 401
    assert statuses[5] in (500, 503)  # SQLite: "no such table" reads as an outage

    for where in (json_logs.output, json_logs.raw()):
        assert secret not in where
        assert "wrong-secret-5b7e" not in where
        assert BODY_MARKER not in where
        assert QUERY_MARKER not in where

    lines = [json.loads(line) for line in json_logs.output.splitlines()]
    access = [line for line in lines if line["logger"] == "app.access"]
    assert len(access) == len(answers)
    for line, answer in zip(access, answers, strict=True):
        assert line["request_id"] == answer.headers["x-request-id"]
        assert line["status"] == answer.status_code
        assert line["method"] in ("GET", "POST", "PATCH")
        assert line["route"].startswith("/")
        assert isinstance(line["duration_ms"], float)
    assert access[1]["route"] == "/v1/statements"
    assert access[2]["route"] == "/v1/statements/{id_or_slug}"
    keyed_lines = [line for i, line in enumerate(access) if i in (0, 1, 2, 5)]
    assert all(line["key_id"] == stack.editor_id for line in keyed_lines)
    assert "key_id" not in access[3]  # a refused key is nobody

    # The failure is logged once, with the request id of the answer and without the value.
    (error,) = [line for line in lines if line["level"] in ("warning", "error")]
    assert error["request_id"] == answers[5].headers["x-request-id"]
    assert "no_such_table" in error["message"] + error.get("exception", "")


def test_a_token_in_a_message_is_redacted(stack: Stack, json_logs: Capture) -> None:
    logging.getLogger("app.test").warning("failed with %s", f"Bearer {stack.reader}")
    logging.getLogger("app.test").warning("token %s", stack.reader)
    secret = stack.reader.rsplit("_", 1)[-1]
    assert secret not in json_logs.output
    assert stack.reader_id.removeprefix("key_") in json_logs.output  # the public id stays


def test_development_lines_are_readable(stack: Stack) -> None:
    capture = Capture(TextFormatter())
    access = logging.getLogger("app.access")
    access.addHandler(capture.handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        with TestClient(stack.app()) as client:
            answer = client.get("/v1/statements", headers=bearer(stack.reader))
    finally:
        access.removeHandler(capture.handler)
        access.setLevel(level)
    (line,) = capture.output.splitlines()
    assert "app.access GET /v1/statements 200 " in line
    assert f"request_id={answer.headers['x-request-id']}" in line
    assert f"key_id={stack.reader_id}" in line
    assert not line.startswith("{")


def test_the_format_follows_the_environment_unless_set() -> None:
    assert resolve_format(None, "production") == "json"
    assert resolve_format(None, "development") == "text"
    assert resolve_format("json", "development") == "json"
    assert resolve_format("text", "production") == "text"


def test_uvicorn_logs_through_the_same_format() -> None:
    """What `newsroom serve` hands uvicorn: its lines become JSON, its access log is off."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(logging_config("json"))
        (handler,) = root.handlers
        assert isinstance(handler.formatter, JsonFormatter)
        assert logging.getLogger("uvicorn.error").propagate
        assert not logging.getLogger("uvicorn.access").propagate
        assert not logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
