"""Acceptance: hostile strings (NUL, lone surrogates, bidi controls, 10k characters,
percent-encoded bytes...) in every path, query, header and body field never produce a 500.

Driven by the app's own `/openapi.json`: for every operation, every parameter, the headers the
app reads and every string in the request body schema (language-map keys included) are tried,
first with a fixed corpus, then with strings hypothesis generates, with a key holding every scope
so that write routes are reached, and a fresh `If-Match` so that writes get past their
precondition. Runs on whichever database the suite uses (`.ci/run`: SQLite, then PostgreSQL).
Bounded and deterministic: `derandomize=True` and a few examples per operation.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.api.text import text_is_clean
from app.auth.models import Scope
from app.main import create_app
from tests.conftest import TEST_SETTINGS
from tests.factories import make_key

# The headers the app reads, by the kind of operation that reads them.
READ_HEADERS = {
    "get": ("Authorization", "Accept-Language", "If-None-Match", "If-Modified-Since"),
    "post": ("Authorization", "Accept-Language", "If-Match", "Idempotency-Key"),
    "patch": ("Authorization", "If-Match"),
    "delete": ("Authorization", "If-Match"),
}
# Tried in every target; hypothesis explores beyond them.
CORPUS = [
    "",
    "a\x00b",
    "x\udfffy",
    "\u202eevil\u202c\u2066",
    "\u00e9" * 10_000,
    "%00%ff%C0%AF",
    "9999-12-31",  # a valid date whose next day overflows
]
MORE = [
    "0001-01-01T00:00:00+05:00",
    "99999999999999999999",
    "1e999",
    "\x00",
    "\ud800",
    "\u2066\u200f\u061c",
    "x" * 10_000,
    "\x85\x1b[31m",
    " ",
    "../..",
    "//h/x",
]
HOSTILE = st.one_of(
    st.sampled_from(CORPUS + MORE),
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(st.sampled_from("\x00\u202e\u2066\ud800\udc00%/.\\:&=?#+ aZ0é"), max_size=20),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(1000, 4000)),
)
EXAMPLES_PER_OPERATION = 8


# Building the document takes a second or more; every test's app gets this copy (the same code
# and settings, so the same document) instead of building its own.
SPEC = create_app(TEST_SETTINGS).openapi()
# HEAD runs the GET (app.api.middleware): fuzzing the GET covers it.
OPERATIONS = [
    (path, method) for path, ops in SPEC["paths"].items() for method in ops if method != "head"
]


@dataclass(frozen=True)
class Target:
    where: str  # path, query, header, body or body-key
    name: str
    at: tuple[str | int, ...] = ()  # where in the body


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_targets(
    spec: dict[str, Any], schema: dict[str, Any], at: tuple[str | int, ...]
) -> Iterator[Target]:
    schema = _resolve(spec, schema)
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        yield from _body_targets(spec, branch, at)
    kind = schema.get("type")
    if kind == "string":
        yield Target("body", "/".join(map(str, at)), at)
    elif kind == "array" and "items" in schema:
        yield from _body_targets(spec, schema["items"], (*at, 0))
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from _body_targets(spec, prop, (*at, name))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield Target("body-key", "/".join(map(str, at)), at)
            yield from _body_targets(spec, extra, (*at, "en"))


def _sample(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A plausible value for a schema: its example, else the simplest value of its type."""
    schema = _resolve(spec, schema)
    if schema.get("examples"):
        return json.loads(json.dumps(schema["examples"][0]))
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if branches:
        return _sample(spec, branches[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    formats = {"date": "2026-01-01", "date-time": "2026-12-01T00:00:00Z", "uri": "https://x.org"}
    if kind == "object":
        required = schema.get("required", [])
        return {
            name: _sample(spec, p)
            for name, p in schema.get("properties", {}).items()
            if name in required
        }
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return True
    return formats.get(schema.get("format", ""), "x")


def _put(body: Any, at: tuple[str | int, ...], value: Any, *, key: bool = False) -> Any:
    """`body` with `value` at `at` (parents made as needed); with `key`, the map at `at` gets an
    entry whose key is `value`."""
    if not at:
        return {value: "x"} if key else value
    head, rest = at[0], at[1:]
    if isinstance(head, int):
        items = list(body) if isinstance(body, list) else []
        current = items[0] if items else {}
        return [_put(current, rest, value, key=key), *items[1:]]
    mapping = dict(body) if isinstance(body, dict) else {}
    mapping[head] = _put(mapping.get(head, {}), rest, value, key=key)
    return mapping


class Fuzzer:
    def __init__(
        self, client: TestClient, spec: dict[str, Any], auth: dict[str, str], ids: dict[str, str]
    ) -> None:
        self.client, self.spec, self.auth, self.ids = client, spec, auth, ids
        self.etags: dict[str, str | None] = {}  # dropped whenever a write succeeds

    def path_value(self, template: str, name: str) -> str:
        by_prefix = {
            ("code", "/v1/places"): "HND",
            ("code", "/v1/frameworks"): "gcm",
            ("code", "/v1/terms"): "gcm:21",
            ("slug", "/v1/topics"): "migration-governance",
            ("slug", "/problems"): "not-found",
            ("id_or_slug", "/v1/statements"): self.ids["statement"],
            ("id_or_slug", "/v1/actors"): "iom",
        }
        for (param, prefix), value in by_prefix.items():
            if name == param and template.startswith(prefix):
                return value
        return {
            "statement_id": self.ids["statement"],
            "commitment_id": self.ids["commitment"],
            "id_or_code": self.ids["commitment"],
            "actor_id": self.ids["actor"],
            "menu": "main",
            "item_id": self.ids["item"],
            "key_id": self.ids["key"],
        }.get(name, "x")

    def url(self, template: str, target: Target | None, value: str, raw: bool) -> str:
        def encode(text: str) -> str:
            if raw and text.isascii():
                return text  # percent-escapes in it reach the server as bytes
            return quote(text.encode("utf-8", "surrogatepass"), safe="")

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if target is not None and target.where == "path" and target.name == name:
                return encode(value)
            return quote(self.path_value(template, name), safe="")

        url = re.sub(r"\{(\w+)\}", fill, template)
        if target is not None and target.where == "query":
            url += f"?{target.name}={encode(value)}"
        return url

    def etag(self, template: str) -> str | None:
        """The current ETag of the resource a write on `template` changes."""
        if template not in self.etags:
            self.etags[template] = self._read_etag(template)
        return self.etags[template]

    def _read_etag(self, template: str) -> str | None:
        candidate = template
        while candidate.count("/") > 1:
            for read in (f"{candidate}/editorial", candidate):
                if "get" in self.spec["paths"].get(read, {}):
                    response = self.client.get(self.url(read, None, "", False), headers=self.auth)
                    return response.headers.get("etag") if response.status_code == 200 else None
            candidate = candidate.rsplit("/", 1)[0]
        return None

    def send(self, template: str, method: str, target: Target, value: str, raw: bool) -> None:
        operation = self.spec["paths"][template][method]
        headers: dict[str, Any] = {"Authorization": self.auth["Authorization"]}
        if method != "get":
            etag = self.etag(template)
            if etag is not None:
                headers["If-Match"] = etag
        body: Any = None
        schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        if schema is not None:
            body = _sample(self.spec, schema)
        if target.where == "header":
            headers[target.name] = value.encode("utf-8", "surrogatepass")
        elif target.where == "body":
            body = _put(body, target.at, value)
        elif target.where == "body-key":
            body = _put(body, target.at, value, key=True)
        content = None if body is None else json.dumps(body)  # \ud800 escaped, as JSON allows
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            request = self.client.build_request(
                method.upper(),
                self.url(template, target, value, raw),
                headers=headers,
                content=content,
            )
        except Exception:  # building only (the app is not involved yet): an invalid URL
            return  # no client can send this; a server never sees it
        response = self.client.send(request)
        if method != "get" and response.status_code < 400:
            self.etags.clear()
        said = (
            f"{method.upper()} {template}: {target.where} {target.name!r} = {value[:60]!r} "
            f"(raw={raw}) gave {response.status_code}: {response.text[:300]}"
        )
        assert response.status_code < 500, said
        seen = _seen_by_server(target, value, raw)
        if seen is not None and not text_is_clean(seen):
            # The one text rule holds everywhere: what breaks it is refused, never stored.
            assert 400 <= response.status_code < 500, said


def _seen_by_server(target: Target, value: str, raw: bool) -> str | None:
    """The text the app receives, where the client's encoding makes it predictable: JSON keeps
    every code point (lone surrogates too), URLs carry UTF-8 (a surrogate arrives as U+FFFD)."""
    if target.where in ("body", "body-key"):
        return value
    if target.where == "header":
        return value if value.isascii() else None
    if raw and "%" in value:
        return None
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def targets_of(spec: dict[str, Any], template: str, method: str) -> list[Target]:
    operation = spec["paths"][template][method]
    targets = [Target(p["in"], p["name"]) for p in operation.get("parameters", [])]
    documented = {t.name.lower() for t in targets if t.where == "header"}
    targets += [Target("header", h) for h in READ_HEADERS[method] if h.lower() not in documented]
    schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    if schema is not None:
        targets += list(dict.fromkeys(_body_targets(spec, schema, ())))
    return targets


@pytest.fixture
def fuzzer(app: FastAPI, client: TestClient, session: Session) -> Fuzzer:
    app.openapi_schema = SPEC
    editor = make_key(session, *Scope)
    make_key(session, Scope.CONTENT_PREVIEW, name="throwaway")
    statement = client.post(
        "/v1/statements",
        json={
            "type": "news",
            "places": ["HND"],
            "translations": {
                "en": {"slug": "fuzz", "title": "T", "summary": "S.", "body": [{"text": "P."}]}
            },
        },
        headers=editor,
    )
    assert statement.status_code == 201, statement.text
    keys = client.get("/v1/keys", headers=editor).json()
    keys = keys["items"] if isinstance(keys, dict) else keys
    menu = client.get("/v1/navigation/main").json()
    ids = {
        "statement": statement.json()["id"],
        "commitment": client.get("/v1/commitments?limit=1").json()["items"][0]["id"],
        "actor": client.get("/v1/actors/iom").json()["id"],
        "item": _first_item_id(menu["items"]),
        "key": next(k["id"] for k in keys if k["name"] == "throwaway"),
    }
    spec = client.get("/openapi.json").json()
    return Fuzzer(client, spec, editor, ids)


def _first_item_id(tree: Any) -> str:
    if isinstance(tree, list):
        return _first_item_id(tree[0])
    if isinstance(tree, dict) and "id" in tree:
        return str(tree["id"])
    return "x"


@pytest.mark.parametrize(("template", "method"), OPERATIONS)
def test_no_hostile_string_is_a_server_error(fuzzer: Fuzzer, template: str, method: str) -> None:
    targets = targets_of(fuzzer.spec, template, method)
    for target in targets:
        for value in CORPUS:
            fuzzer.send(template, method, target, value, raw=value.startswith("%"))

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(target=st.sampled_from(targets), value=HOSTILE, raw=st.booleans())
    def explore(target: Target, value: str, raw: bool) -> None:
        fuzzer.send(template, method, target, value, raw)

    explore()
