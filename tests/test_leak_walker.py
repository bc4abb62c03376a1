"""The leak walker: hidden content never shows in any public response (issue #8, acceptance 1).

For every hidden state of every content type it builds one item whose every text field and
slug carries a unique marker word, then walks every GET route of the OpenAPI document as an
anonymous reader: path parameters filled with public and hidden ids and slugs, every value of
every enumerated parameter, every language, `preview=true` without a key, every hidden value in
every free-text parameter, and lists paged to the end through `next_cursor`. No status line,
header or body may contain a marker or a hidden id, and the answer about a hidden item must be
the answer about one that never existed, byte for byte apart from its request id.

Routes come from the document, so a new route is walked without touching this file; a new
hidden state is one more builder in `STATEMENT_STATES` / `COMMITMENT_STATES`.
"""

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import Conflict
from app.auth import service as auth_service
from app.auth.service import Principal
from app.changes import service as changes_service
from app.commitments import editing as commitment_editing
from app.commitments.models import Commitment, CommitmentTranslation, ImplementationStatus
from app.commitments.write_schemas import CommitmentUpdate
from app.config import Settings
from app.ids import new_id
from app.navigation.models import ItemKind, Menu
from app.navigation.tree import add_item
from app.publication import PublicationStatus
from app.statements import editing as statement_editing
from app.statements.models import Statement, StatementTranslation, StatementType
from app.statements.schemas import StatementCreate, StatementUpdate, TranslationIn
from app.webhooks.models import WebhookMessage, WebhookSubscription
from app.webhooks.worker import pump
from tests.conftest import FIXED_NOW, TEST_SETTINGS, Clock, app_on_session

EDITOR = Principal(key_id="leak-walker", scopes=frozenset({"content:publish"}))
WRITER = Principal(key_id="leak-walker-writer", scopes=frozenset())  # edits, cannot publish
LANGS = ("en", "fr", "es")
MARKER = re.compile(r"zzleak[a-z]+", re.IGNORECASE)  # every marker word, in any case
PUBLIC_WORD = "openwalk"  # the walker's own public content, which may show anywhere
DOCUMENT: dict[str, Any] = {}  # the OpenAPI document under walk (for `$ref`s)
TOMBSTONES = "{http://purl.org/atompub/tombstones/1.0}"
HIDDEN_ID = re.compile(r"stm_[0-9a-z]+")
PUBLISHED = PublicationStatus.PUBLISHED


@dataclass
class World:
    hidden_ids: set[str] = field(default_factory=set)
    # Hidden now but public once: partner-sync channels must name them in tombstones (an id,
    # never a word of their text); every other route must not.
    once_public_ids: set[str] = field(default_factory=set)
    # Values that name hidden things (ids, slugs, codes): walked in every parameter.
    hidden_values: list[str] = field(default_factory=list)
    public_values: list[str] = field(default_factory=list)
    # Statements that were public, then removed: an Atom feed's RFC 6721 deleted entries name
    # them by id (that is their point, as in the change feed), never by any text.
    removed_ids: set[str] = field(default_factory=set)


def _marker(kind: str, state: str) -> str:
    # One length for all: values of one kind then share one nonexistent twin (see `_twin`).
    return f"zzleak{kind}{state[:8]:x<8}"


# --- statements -------------------------------------------------------------------------------


def _statement(session: Session, word: str) -> Statement:
    translations = {
        lang: TranslationIn.model_validate(
            {
                "slug": f"{word}-{lang}",
                "title": f"Title {word} {lang}",
                "dateline": f"Dateline {word}",
                "summary": f"Summary {word}.",
                "body": [
                    {"anchor": "p1", "text": f"Pledge {word} one."},
                    {"text": f"Paragraph {word} two."},
                ],
            }
        )
        for lang in LANGS
    }
    data = StatementCreate(type=StatementType.NEWS, translations=translations)
    return statement_editing.create(session, data, principal=EDITOR, now=FIXED_NOW)


def _publish(session: Session, s: Statement, at: datetime | None = None) -> None:
    statement_editing.publish(session, s, principal=EDITOR, now=FIXED_NOW, at=at)


def _statement_withdraw_attempt(session: Session, s: Statement) -> None:
    with pytest.raises(Conflict):  # never public: withdrawal is refused, it stays a draft
        statement_editing.withdraw(session, s, note=f"Note {s.id}", principal=EDITOR, now=FIXED_NOW)


def _statement_legacy_withdrawn(session: Session, s: Statement) -> None:
    # A draft withdrawn before the rule existed: its note must not answer 410.
    s.publication_status = PublicationStatus.WITHDRAWN
    s.withdrawn_at = FIXED_NOW
    s.withdrawal_note = f"Note {_marker('stm', 'legacy')}"


def _statement_deleted(session: Session, s: Statement) -> None:
    _publish(session, s)
    statement_editing.remove(session, s, principal=EDITOR, now=FIXED_NOW)


def _statement_unpublished(session: Session, s: Statement) -> None:
    _publish(session, s)
    statement_editing.unpublish(session, s, principal=EDITOR, now=FIXED_NOW)


LIVE_QUOTE = f"Pledge {PUBLIC_WORD} live one."


def _statement_pending(session: Session, s: Statement) -> None:
    """Live with public words; its pending working copy (a non-publisher's PATCH) carries the
    marker in every text field and slug."""
    word = _marker("stm", "pending")
    for text in session.query(StatementTranslation).filter_by(statement_id=s.id):
        text.slug = f"{PUBLIC_WORD}live-{text.lang}"
        text.title = text.summary = f"Live {PUBLIC_WORD}."
        text.dateline = None
        text.body = [{"anchor": "p1", "text": LIVE_QUOTE}, {"anchor": "p-1", "text": "Two."}]
    session.flush()
    _publish(session, s)
    edit = {
        lang: {
            "slug": f"{word}-{lang}",
            "title": f"Title {word}",
            "dateline": f"Dateline {word}",
            "summary": f"Summary {word}.",
            "body": [{"anchor": "p1", "text": LIVE_QUOTE}, {"text": f"New {word}."}],
        }
        for lang in LANGS
    }
    data = StatementUpdate.model_validate({"translations": edit, "type": "speech"})
    statement_editing.update(session, s, data, principal=WRITER, now=FIXED_NOW)


STATEMENT_STATES: dict[str, Callable[[Session, Statement], None]] = {
    "draft": lambda session, s: None,
    "scheduled": lambda session, s: _publish(session, s, FIXED_NOW + timedelta(days=3)),
    "embargoed": lambda session, s: _publish(session, s, FIXED_NOW + timedelta(minutes=30)),
    "unpublished": _statement_unpublished,
    "withdrawattempt": _statement_withdraw_attempt,
    "legacy": _statement_legacy_withdrawn,
    "deleted": _statement_deleted,
    "pending": _statement_pending,
}
# States whose item is live (only its pending text is hidden): the id may show, markers not.
LIVE_STATES: set[str] = {"pending"}
# States whose item was public, then left: partners must learn so by its id.
ONCE_PUBLIC_STATES: set[str] = {"unpublished", "deleted"}
# Routes that tell partners what left public view (tombstones name ids of once-public items).
TOMBSTONE_ROUTES = {"/v1/changes"}
# States of statements that were public before: a tombstone may name them (see `World`).
REMOVED_STATES: set[str] = {"unpublished", "deleted"}


# --- commitments ------------------------------------------------------------------------------


def _commitment(session: Session, word: str, *, quote: str | None = None) -> Commitment:
    made_on = date(2026, 11, 1)
    commitment = Commitment(
        id=new_id("cmt"),
        code=word.upper(),
        publication_status=PublicationStatus.DRAFT,
        made_on=made_on,
        status_changed_on=made_on,
        implementation_status=ImplementationStatus.ANNOUNCED,
        indicators=[{"names": {"en": f"Indicator {word}"}, "target": 1, "unit": word}],
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )
    session.add(commitment)
    session.flush()
    for lang in LANGS:
        session.add(
            CommitmentTranslation(
                commitment_id=commitment.id,
                lang=lang,
                title=f"Title {word} {lang}",
                summary=f"Summary {word}.",
                text=f"Text {word}.",
                quote=quote,
            )
        )
    session.flush()
    return commitment


def _set_published(session: Session, c: Commitment, at: datetime | None = None) -> None:
    commitment_editing.set_published(
        session, c, publish=True, principal=EDITOR, now=FIXED_NOW, at=at
    )


def _commitment_unpublished(session: Session, c: Commitment) -> None:
    _set_published(session, c)
    commitment_editing.set_published(session, c, publish=False, principal=EDITOR, now=FIXED_NOW)


def _commitment_withdraw_attempt(session: Session, c: Commitment) -> None:
    with pytest.raises(Conflict):
        commitment_editing.withdraw(session, c, note="Note.", principal=EDITOR, now=FIXED_NOW)


def _commitment_legacy_withdrawn(session: Session, c: Commitment) -> None:
    c.publication_status = PublicationStatus.WITHDRAWN
    c.withdrawn_at = FIXED_NOW
    c.withdrawal_note = f"Note {_marker('cmt', 'legacy')}"


def _commitment_deleted(session: Session, c: Commitment) -> None:
    _set_published(session, c)
    commitment_editing.remove(session, c, principal=EDITOR, now=FIXED_NOW)


def _commitment_pending(session: Session, c: Commitment) -> None:
    word = _marker("cmt", "pending")
    c.code = f"{PUBLIC_WORD}LIVE".upper()
    c.indicators = []
    for text in session.query(CommitmentTranslation).filter_by(commitment_id=c.id):
        text.title = text.summary = text.text = f"Live {PUBLIC_WORD}."
    session.flush()
    _set_published(session, c)
    edit = {
        lang: {"title": f"Title {word}", "summary": f"Summary {word}.", "text": f"Text {word}."}
        for lang in LANGS
    }
    data = CommitmentUpdate.model_validate(
        {
            "translations": edit,
            "due_on": "2031-01-01",
            "indicators": [{"names": {"en": f"Indicator {word}"}, "target": 1, "unit": word}],
        }
    )
    commitment_editing.update(session, c, data, principal=WRITER, now=FIXED_NOW)


COMMITMENT_STATES: dict[str, Callable[[Session, Commitment], None]] = {
    "draft": lambda session, c: None,
    "scheduled": lambda session, c: _set_published(session, c, FIXED_NOW + timedelta(days=3)),
    "embargoed": lambda session, c: _set_published(session, c, FIXED_NOW + timedelta(minutes=9)),
    "unpublished": _commitment_unpublished,
    "withdrawattempt": _commitment_withdraw_attempt,
    "legacy": _commitment_legacy_withdrawn,
    "deleted": _commitment_deleted,
    "pending": _commitment_pending,
}


def _staged_navigation(session: Session, world: World, *, under: str) -> None:
    """A staged (draft) section in the public menu, a published item under it, a draft child
    of the public item, and a draft menu whose items are all published."""
    word = _marker("nav", "staged")
    section = add_item(
        session,
        menu_key="leakwalk",
        kind=ItemKind.ROUTE,
        route=f"/{word}",
        labels=dict.fromkeys(LANGS, f"Label {word}"),
        blurbs={"en": f"Blurb {word}"},
    )
    below = add_item(
        session,
        menu_key="leakwalk",
        parent_id=section.id,
        kind=ItemKind.ROUTE,
        route=f"/{word}/below",
        labels={"en": f"Label {word} below"},
        publication_status=PUBLISHED,
    )
    draft_child = add_item(
        session,
        menu_key="leakwalk",
        parent_id=under,
        kind=ItemKind.EXTERNAL,
        url=f"https://example.org/{_marker('nav', 'draftchild')}",
        labels={"en": f"Label {_marker('nav', 'draftchild')}"},
    )
    menu_key = _marker("nav", "draftmenu")
    session.add(Menu(key=menu_key, names=dict.fromkeys(LANGS, f"Menu {menu_key}")))
    session.flush()
    in_draft_menu = add_item(
        session,
        menu_key=menu_key,
        kind=ItemKind.ROUTE,
        route=f"/{menu_key}",
        labels={"en": f"Label {menu_key}"},
        publication_status=PUBLISHED,
    )
    for item in (section, below, draft_child, in_draft_menu):
        world.hidden_ids.add(item.id)
        world.hidden_values.append(item.id)
    world.hidden_values += [menu_key, f"/{word}", f"/{word}/below", f"/{menu_key}"]


def build_world(session: Session) -> World:
    world = World()
    public = _statement(session, PUBLIC_WORD)
    _publish(session, public)
    world.public_values += [public.id, f"{PUBLIC_WORD}-en"]
    session.add(Menu(key="leakwalk", names={"en": "Leak walk"}, publication_status=PUBLISHED))
    session.flush()
    root = add_item(
        session,
        menu_key="leakwalk",
        kind=ItemKind.CONTENT,
        target_type="statement",
        target_id=public.id,
        labels={"en": "Public"},
        publication_status=PUBLISHED,
    )
    world.public_values += ["leakwalk", root.id]

    for state, build in STATEMENT_STATES.items():
        word = _marker("stm", state)
        statement = _statement(session, word)
        build(session, statement)
        if state in LIVE_STATES:  # live: its id may show (and is walked), its pending text not
            world.public_values.append(statement.id)
        else:
            world.hidden_ids.add(statement.id)
            world.hidden_values.append(statement.id)
        if state in ONCE_PUBLIC_STATES:
            world.once_public_ids.add(statement.id)
        if state in REMOVED_STATES:
            world.removed_ids.add(statement.id)
        world.hidden_values.append(f"{word}-{LANGS[0]}")  # the others differ only by suffix
        world.hidden_values.append(word)  # its unique word, as a search query (`q`)
        # A public commitment citing it (made before the rule, or the statement went away
        # since): it must neither name the statement nor quote it.
        live = state in LIVE_STATES
        quote = LIVE_QUOTE if live else f"Pledge {word} one."
        citing = _commitment(session, f"{PUBLIC_WORD}c{state}", quote=quote)
        citing.publication_status = PublicationStatus.PUBLISHED
        citing.published_at = FIXED_NOW - timedelta(days=1)
        citing.first_public_at = citing.published_at
        citing.source_statement_id = statement.id
        citing.source_anchor = "p1"
        if state in ("draft", *LIVE_STATES):
            world.public_values.append(citing.id)
        # Menu items linking to it, one at the root and one under the public item.
        for parent in (None, root.id):
            item = add_item(
                session,
                menu_key="leakwalk",
                parent_id=parent,
                kind=ItemKind.CONTENT,
                target_type="statement",
                target_id=statement.id,
                labels=dict.fromkeys(LANGS, f"Label {PUBLIC_WORD if live else word}"),
                blurbs={"en": f"Blurb {PUBLIC_WORD if live else word}"},
                publication_status=PUBLISHED,
            )
            if not live:
                world.hidden_ids.add(item.id)
                if parent is None:
                    world.hidden_values.append(item.id)
    invisible = add_item(
        session,
        menu_key="leakwalk",
        kind=ItemKind.ROUTE,
        route=f"/{_marker('nav', 'invisible')}",
        labels={"en": f"Label {_marker('nav', 'invisible')}"},
        visible=False,
        publication_status=PUBLISHED,
    )
    world.hidden_ids.add(invisible.id)
    world.hidden_values += [invisible.id, f"/{_marker('nav', 'invisible')}"]
    _staged_navigation(session, world, under=root.id)

    for state, build_commitment in COMMITMENT_STATES.items():
        word = _marker("cmt", state)
        commitment = _commitment(session, word, quote=None)
        commitment.source_statement_id = public.id  # shows up under the public statement
        build_commitment(session, commitment)
        if state in LIVE_STATES:  # live: its id and code may show, its pending text not
            world.public_values.append(commitment.id)
            world.hidden_values += [word.upper(), word]
            continue
        world.hidden_ids.add(commitment.id)
        world.hidden_values += [commitment.id, word.upper(), word]
        if state in ONCE_PUBLIC_STATES:
            world.once_public_ids.add(commitment.id)
    changes_service.bump(session)
    session.commit()
    return world


# --- walking the document ---------------------------------------------------------------------


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    subs = [schema.get("items"), *schema.get("anyOf", []), *schema.get("oneOf", [])]
    return [_resolve(sub) for sub in subs if isinstance(sub, dict) and sub]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a `$ref` into the document's components."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    target: Any = DOCUMENT
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return _resolve(target)


def _enum_values(schema: dict[str, Any]) -> list[Any]:
    """Every closed value a parameter schema names (enum, const, in items, anyOf, $ref)."""
    schema = _resolve(schema)
    found: list[Any] = list(schema.get("enum", []))
    if "const" in schema:
        found.append(schema["const"])
    for sub in _subschemas(schema):
        found += _enum_values(sub)
    return list(dict.fromkeys(found))


def _types(schema: dict[str, Any]) -> set[str]:
    schema = _resolve(schema)
    kinds = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    if "format" in schema:
        kinds.add(schema["format"])
    for sub in _subschemas(schema):
        kinds |= _types(sub)
    return kinds


def _is_free_text(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    kinds = _types(schema)
    return (
        "string" in kinds
        and not _enum_values(schema)
        and not kinds & {"date", "date-time"}
        and parameter["name"] not in ("cursor", "lang")
    )


@dataclass(frozen=True)
class Operation:
    path: str
    path_params: list[str]
    query: list[dict[str, Any]]


def get_operations(document: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, item in document["paths"].items():
        if "get" not in item:
            continue
        params = [*item.get("parameters", []), *item["get"].get("parameters", [])]
        operations.append(
            Operation(
                path=path,
                path_params=[p["name"] for p in params if p["in"] == "path"],
                query=[p for p in params if p["in"] == "query"],
            )
        )
    return operations


def _variants(operation: Operation, langs: list[str]) -> Iterator[list[tuple[str, str]]]:
    """The base request, then one parameter changed at a time."""
    names = {p["name"] for p in operation.query}
    base = [("limit", "100")] if "limit" in names else []
    base += _every_facet(operation)
    yield base
    for parameter in operation.query:
        name = parameter["name"]
        if name == "lang":
            for lang in langs:
                yield [*base, ("lang", lang)]
        for value in _enum_values(parameter.get("schema", {})):
            yield [*base, (name, str(value).lower() if isinstance(value, bool) else str(value))]
        if "boolean" in _types(parameter.get("schema", {})):
            yield [*base, (name, "true")]  # preview=true without a key, include_total=true
    yield from _shaped_variants(operation, base)


def _shaped_variants(
    operation: Operation, base: list[tuple[str, str]]
) -> Iterator[list[tuple[str, str]]]:
    """Issue #10's shapes: every embed at once (labels always), under each profile (the full
    one on a list at its largest page), and trimmed by `fields`."""
    by_name = {p["name"]: p for p in operation.query}
    if not {"profile", "include", "fields"} <= set(by_name):
        return
    every = [("include", str(v)) for v in _enum_values(by_name["include"].get("schema", {}))]
    full_page = [("limit", "20")] if "limit" in by_name else []
    yield [*base, *every]
    yield [*full_page, ("profile", "full"), *every]
    yield [*base, ("profile", "list"), *every]
    yield [*base, ("fields", "id"), *every]


def _every_facet(operation: Operation) -> list[tuple[str, str]]:
    """`facets=` naming every facet the list offers (its documented example names them all):
    every request to a list with facets counts them all, so no count or label may leak."""
    for parameter in operation.query:
        if parameter["name"] == "facets":
            return [("facets", parameter["schema"]["examples"][0][0])]
    return []


class Walker:
    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.world = world
        self.hidden_id = re.compile("|".join(re.escape(i) for i in sorted(world.hidden_ids)))
        never_public = sorted(world.hidden_ids - world.once_public_ids)
        self.never_public_id = re.compile("|".join(re.escape(i) for i in never_public))
        self.requests = 0
        self.references: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}

    def get(self, path: str, params: list[tuple[str, str]]) -> Response:
        self.requests += 1
        response = self.client.get(path, params=tuple(params))
        where = f"GET {path} {params} -> {response.status_code}"
        texts = [str(response.status_code), response.reason_phrase, self._body(response, where)]
        texts += [f"{k}: {v}" for k, v in response.headers.items()]
        hidden_id = self.never_public_id if path in TOMBSTONE_ROUTES else self.hidden_id
        for text in texts:
            assert not MARKER.search(text), f"marker leaked: {where}: {MARKER.search(text)}"
            found = hidden_id.search(text)
            assert found is None, f"hidden id leaked: {where}: {found}"
        assert response.status_code < 500, where
        if response.headers.get("cache-control", "").startswith("public"):
            # Every shared answer is keyed for CDN purges, and its keys were searched above.
            assert response.headers["surrogate-key"].startswith("newsroom"), where
        return response

    def _body(self, response: Response, where: str) -> str:
        """The body to search; an Atom feed's deleted entries checked apart and left out: each
        names by id a statement that was public and was removed, and says nothing else."""
        if not response.headers.get("content-type", "").startswith("application/atom+xml"):
            return response.text
        root = ET.fromstring(response.content)
        for tomb in list(root.iter(f"{TOMBSTONES}deleted-entry")):
            named = set(HIDDEN_ID.findall(tomb.attrib["ref"]))
            assert named, where
            assert named <= self.world.removed_ids, f"tombstone of {named}: {where}"
            assert set(tomb.attrib) == {"ref", "when"}, where
            for child in tomb:
                assert not MARKER.search(child.text or ""), where
                assert not self.hidden_id.search(child.text or ""), where
            root.remove(tomb)
        return ET.tostring(root, encoding="unicode")

    def walk_pages(self, path: str, params: list[tuple[str, str]]) -> int:
        """GET and follow `next_cursor` to the last page; the first page's status."""
        response = first = self.get(path, params)
        if first.status_code == 200:  # again: now a cache hit, answered before routing
            again = self.get(path, params)
            assert again.content == first.content, f"a hit differs: GET {path} {params}"
            assert again.headers.get("etag") == first.headers.get("etag")
        pages = 0
        while response.status_code == 200 and (cursor := _next_cursor(response)):
            pages += 1
            assert pages < 100, f"paging does not end: {path} {params}"
            response = self.get(path, [*params, ("cursor", cursor)])
        return first.status_code

    def same_as_nonexistent(
        self, request: Callable[[str], tuple[str, list[tuple[str, str]]]], hidden: str
    ) -> None:
        """The hidden value's answer equals the answer for a value that never existed."""
        answer = _comparable(self.get(*request(hidden)))
        path, params = request(_twin(hidden))
        key = (path, tuple(params))
        if key not in self.references:
            self.references[key] = _comparable(self.get(path, params))
        assert answer == self.references[key], f"{request(hidden)} differs from a nonexistent one"


def _next_cursor(response: Response) -> str | None:
    """The next page of a JSON list, or of a feed (its `next_url` or Atom/RSS `next` link)."""
    media_type = response.headers.get("content-type", "")
    if media_type.startswith("application/x-ndjson"):
        return None  # the NDJSON export has no pages
    if "xml" in media_type:
        root = ET.fromstring(response.content)
        links = [e for e in root.iter() if e.tag.endswith("link") and e.get("rel") == "next"]
        return _cursor_of(links[0].attrib["href"]) if links else None
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("next_url"), str):
        return _cursor_of(body["next_url"])
    cursor = body.get("next_cursor") if isinstance(body, dict) else None
    return cursor if isinstance(cursor, str) else None


def _cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def _comparable(response: Response) -> tuple[int, dict[str, str], Any]:
    body: Any = response.text
    request_id = None
    if response.headers.get("content-type", "").endswith("json") and response.content:
        body = response.json()
        if isinstance(body, dict):
            request_id = body.pop("request_id", None)
    headers = {k: v for k, v in response.headers.items() if v != request_id}
    headers.pop("x-request-id", None)
    return response.status_code, headers, body


def _twin(value: str) -> str:
    """A value of the same shape and length that names nothing."""
    replaced = MARKER.sub(lambda m: "".join("Q" if c.isupper() else "q" for c in m[0]), value)
    if replaced != value:
        return replaced
    prefix, _, rest = value.partition("_")
    return f"{prefix}_{'0' * len(rest)}" if rest else "0" * len(value)


def _in_query(path: str, name: str, value: str) -> tuple[str, list[tuple[str, str]]]:
    return path, [(name, value)]


def _in_path(
    template: str, filled: dict[str, str], name: str, value: str
) -> tuple[str, list[tuple[str, str]]]:
    return _fill(template, {**filled, name: value}), []


def _fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


@pytest.fixture
def client(settings: Settings, session: Session, clock: Clock) -> Iterator[TestClient]:
    """With the worker's version watcher on, as served: repeated requests are cache hits."""
    watched = settings.model_copy(update={"cache_version_poll_ms": 60_000})
    with TestClient(app_on_session(watched, session, clock), raise_server_exceptions=False) as c:
        yield c


def test_no_hidden_content_leaks_from_any_public_route(
    client: TestClient, session: Session
) -> None:
    world = build_world(session)
    document = client.get("/openapi.json").json()
    DOCUMENT.clear()
    DOCUMENT.update(document)
    langs: list[str] = list(client.app.state.settings.languages)  # type: ignore[attr-defined]
    walker = Walker(client, world)
    operations = get_operations(document)
    assert {"/v1/statements", "/v1/commitments"} <= {op.path for op in operations}
    faceted = {op.path for op in operations if _every_facet(op)}
    assert {"/v1/statements", "/v1/commitments"} <= faceted
    feeds = {f"/v1/feeds/statements.{kind}" for kind in ("atom", "rss", "json")}
    assert feeds <= {op.path for op in operations}  # feeds are walked like every list
    exports = {f"/v1/export/{kind}.ndjson" for kind in ("statements", "commitments", "menus")}
    assert exports <= {op.path for op in operations}
    shaped = {"/v1/statements", "/v1/statements/{id_or_slug}", "/v1/commitments"}
    shaped |= {"/v1/commitments/{id_or_code}", "/v1/statements/{id_or_slug}/commitments"}
    # Labels, `fields`, `profile` and every `include` are walked on each of these.
    assert shaped <= {
        op.path
        for op in operations
        if {"include", "fields", "profile"} <= {p["name"] for p in op.query}
    }
    searched = ("/v1/search", "/v1/statements", "/v1/commitments")
    assert "/v1/search" in {op.path for op in operations}  # `q` there is walked with every
    # hidden word below, like every free-text parameter; here, a search that finds public
    # content (the live items whose pending copies hold markers among them): no snippet,
    # title or count may show a hidden word.
    for path in searched:
        for lang in langs:
            for q in (PUBLIC_WORD, f"{PUBLIC_WORD} OR live OR pledge OR title", "live -x"):
                walker.walk_pages(path, [("q", q), ("lang", lang), ("include_total", "true")])

    for operation in operations:
        names = operation.path_params
        for values in itertools.product(world.public_values, repeat=len(names)):
            path = _fill(operation.path, dict(zip(names, values, strict=True)))
            statuses = [walker.walk_pages(path, params) for params in _variants(operation, langs)]
            if names and 404 in statuses[:1]:
                continue  # a public value of another kind: nothing more to see here
            for parameter in filter(_is_free_text, operation.query):
                for hidden in world.hidden_values:
                    walker.same_as_nonexistent(partial(_in_query, path, parameter["name"]), hidden)
        for name in names:  # each path parameter hidden in turn, the others public
            others = [n for n in names if n != name]
            for values in itertools.product(world.public_values, repeat=len(others)):
                filled = dict(zip(others, values, strict=True))
                for hidden in world.hidden_values:
                    walker.same_as_nonexistent(
                        partial(_in_path, operation.path, filled, name), hidden
                    )
    assert walker.requests > 1000  # the walk really happened


def test_no_hidden_content_leaks_into_webhook_payloads(session: Session) -> None:
    """The webhook channel: a subscription to every type, from the start of the change log,
    gets messages about public changes only. No payload names an item that was never public
    (drafts, scheduled, embargoed) nor carries any marker; an item that was public and went
    away ends as the tombstone partners need."""
    world = build_world(session)
    key, _ = auth_service.issue_key(session, pepper=b"leak", name="leak walker", scopes=[])
    session.add(
        WebhookSubscription(
            id=new_id("whk"),
            owner_key_id=key.id,
            url="https://partner.example.org/hooks",
            event_types=["commitment", "menu", "statement"],
            secret_seed="00" * 32,
            last_seq=0,
        )
    )
    session.flush()
    assert pump(session, TEST_SETTINGS, FIXED_NOW) > 0
    bodies = list(session.scalars(select(WebhookMessage.body).order_by(WebhookMessage.seq)))
    ever_public = set(
        session.scalars(select(Statement.id).where(Statement.first_public_at.is_not(None)))
    ) | set(session.scalars(select(Commitment.id).where(Commitment.first_public_at.is_not(None))))
    never_public = world.hidden_ids - ever_public
    assert never_public  # drafts, scheduled and embargoed items are among them
    last_op: dict[str, str] = {}
    for body in bodies:
        assert not MARKER.search(body), body
        assert not any(hidden in body for hidden in never_public), body
        data = json.loads(body)["data"]
        last_op[data["id"]] = data["op"]
    gone = world.hidden_ids & ever_public  # unpublished and deleted after being public
    assert gone
    assert all(last_op[item] == "delete" for item in gone)
