"""The floors a scenario is measured against, served by the same uvicorn flags as the API.

`raw_asgi`: no framework; answers each scenario's URL with the exact bytes, `Content-Type` and
`ETag` the API returned for it (read from the file named by `BENCH_FLOOR_RESPONSES`), and 304
when `If-None-Match` matches. Nothing can serve those bytes faster on this stack.

`raw_driver`: no framework and no SQLAlchemy; every request runs the first list page's query
(20 published statements, newest first, with their translation in `lang`, default `en`) with
the raw driver (`sqlite3` or `psycopg`) on the database named by `BENCH_DATABASE_URL`, and
serializes the rows with `json`. What the list costs with nothing but the driver.
"""

import base64
import json
import os
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import make_url

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

LIST_QUERY = (
    "SELECT s.id, s.type, s.published_at, s.updated_at, t.lang, t.slug, t.title, t.dateline,"
    " t.summary FROM statements s JOIN statement_translations t ON t.statement_id = s.id"
    " AND t.lang = {p} WHERE s.publication_status = 'published' AND s.published_at <= {p}"
    " AND s.deleted_at IS NULL AND s.withdrawn_at IS NULL"
    " ORDER BY s.published_at DESC, s.id DESC LIMIT 20"
)
COLUMNS = [
    "id",
    "type",
    "published_at",
    "updated_at",
    "lang",
    "slug",
    "title",
    "dateline",
    "summary",
]


def _load_responses() -> dict[str, tuple[int, list[tuple[bytes, bytes]], bytes, bytes]]:
    path = os.environ.get("BENCH_FLOOR_RESPONSES")
    table: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes, bytes]] = {}
    if not path:
        return table
    for url, saved in json.loads(Path(path).read_text()).items():
        headers = [(k.encode(), v.encode()) for k, v in saved["headers"]]
        etag = saved["headers_by_name"].get("etag", "").encode()
        table[url] = (saved["status"], headers, etag, base64.b64decode(saved["body"]))
    return table


_RESPONSES = _load_responses()
_NOT_FOUND = [(b"content-type", b"text/plain")]


async def raw_asgi(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    query = scope["query_string"].decode()
    key = scope["path"] + ("?" + query if query else "")
    if scope["path"] == "/health/ready":
        await _answer(send, 200, [(b"content-type", b"text/plain")], b"ok")
        return
    found = _RESPONSES.get(key)
    if found is None:
        await _answer(send, 404, _NOT_FOUND, b"unknown URL")
        return
    status, headers, etag, body = found
    if etag:
        for name, value in scope["headers"]:
            if name == b"if-none-match" and value == etag:
                await _answer(send, 304, [(b"etag", etag)], b"")
                return
    await _answer(send, status, headers, body)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Driver:
    """One connection per worker, used from the event loop (no threadpool, as the perf
    notes' fastest driver path)."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        self.connection: Any
        if self.sqlite:
            self.connection = sqlite3.connect(url.database or "", check_same_thread=False)
            self.sql = LIST_QUERY.format(p="?")
        else:
            import psycopg

            conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.connection = psycopg.connect(conninfo, autocommit=True)
            self.sql = LIST_QUERY.format(p="%s")

    def page(self, lang: str) -> bytes:
        now = datetime.now(UTC)
        bound: Any = now.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else now
        rows = self.connection.execute(self.sql, (lang, bound)).fetchall()
        items = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        return json.dumps({"items": items}, default=str).encode()


_driver: _Driver | None = None


async def raw_driver(scope: Scope, receive: Receive, send: Send) -> None:
    global _driver
    if scope["type"] != "http":
        return
    if scope["path"] == "/health/ready":
        await _answer(send, 200, [(b"content-type", b"text/plain")], b"ok")
        return
    if _driver is None:
        _driver = _Driver(os.environ["BENCH_DATABASE_URL"])
    lang = parse_qs(scope["query_string"].decode()).get("lang", ["en"])[0]
    await _answer(send, 200, [(b"content-type", b"application/json")], _driver.page(lang))


def save_responses(path: Path, responses: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
    """Write what the API answered per URL, for `raw_asgi` (Content-Type and ETag only)."""
    saved = {}
    for url, (status, headers, body) in responses.items():
        if status != 200:
            continue  # the floor answers 404 too: the API's errors are counted
        lowered = {k.lower(): v for k, v in headers.items()}
        kept = {k: lowered[k] for k in ("content-type", "etag") if k in lowered}
        saved[url] = {
            "status": status,
            "headers": list(kept.items()),
            "headers_by_name": kept,
            "body": base64.b64encode(body).decode(),
        }
    path.write_text(json.dumps(saved))
