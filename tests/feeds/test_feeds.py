"""The statement feeds as a feed reader and a partner see them: Atom, RSS 2.0, JSON Feed 1.1."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.changes import service as changes_service
from app.statements import editing
from app.statements.models import StatementType
from app.statements.schemas import StatementUpdate
from tests.conftest import FIXED_NOW
from tests.feeds.helpers import EDITOR, create

FEEDS = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
TOMBS = "{http://purl.org/atompub/tombstones/1.0}"


def _feed(client: TestClient, kind: str, **params: Any) -> Any:
    response = client.get(f"/v1/feeds/statements.{kind}", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == FEEDS[kind]
    return response


def _titles(client: TestClient, kind: str, **params: Any) -> list[str]:
    response = _feed(client, kind, **params)
    if kind == "json":
        return [item["title"] for item in response.json()["items"]]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries]


def _deleted(client: TestClient, **params: Any) -> dict[str, tuple[str, str]]:
    """`{ref: (when, comment)}` of the Atom feed's RFC 6721 deleted entries."""
    root = ET.fromstring(_feed(client, "atom", **params).content)
    return {
        element.attrib["ref"]: (element.attrib["when"], element.findtext(f"{TOMBS}comment") or "")
        for element in root.iter(f"{TOMBS}deleted-entry")
    }


def test_atom_and_rss_parse_cleanly_with_the_statement_in_full(
    client: TestClient, session: Session
) -> None:
    statement = create(session, "feedfull", topics=("migration-governance",))
    for kind, version in (("atom", "atom10"), ("rss", "rss20")):
        parsed = feedparser.parse(_feed(client, kind, lang="fr").content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == version
        entry = next(e for e in parsed.entries if e.title == "Title feedfull fr")
        assert entry.id == f"http://testserver/v1/statements/{statement.id}?lang=fr"
        assert entry.summary == "Summary feedfull fr."
        assert "<em>feedfull</em> &amp; more (fr)." in entry.content[0].value
        assert entry.published_parsed[:3] == FIXED_NOW.timetuple()[:3]
        assert [tag.term for tag in entry.tags] == ["migration-governance"]
    atom = feedparser.parse(_feed(client, "atom", lang="fr").content)
    assert atom.feed.language == "fr"
    assert atom.feed.links[0].rel == "self"


def test_json_feed_validates_against_the_1_1_schema(client: TestClient, session: Session) -> None:
    statement = create(session, "feedjson")
    document = _feed(client, "json", lang="en", limit=2).json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["language"] == "en"
    assert document["next_url"].startswith("http://testserver/v1/feeds/statements.json?")
    item = document["items"][0]  # the newest
    assert item["id"] == f"http://testserver/v1/statements/{statement.id}?lang=en"
    assert item["_newsroom"]["id"] == statement.id
    assert item["content_html"].startswith('<p id="p1">First <em>feedjson</em>')


def test_pages_follow_next_links_without_repeats(client: TestClient, session: Session) -> None:
    for n in range(3):
        create(session, f"feedpage{n}")
    seen: list[str] = []
    url: str | None = "/v1/feeds/statements.json?lang=en&limit=2&type=news"
    while url:
        document = client.get(url).json()
        seen += [item["id"] for item in document["items"]]
        url = document.get("next_url")
    assert len(seen) == len(set(seen)) >= 3


def test_hidden_statements_appear_in_no_feed(client: TestClient, session: Session) -> None:
    hidden = [
        create(session, "hiddenfeeddraft", publish=False),
        create(session, "hiddenfeedscheduled", at=FIXED_NOW + timedelta(days=2)),
        create(session, "hiddenfeedembargo", at=FIXED_NOW + timedelta(minutes=20)),
    ]
    create(session, "feedvisible")
    for kind in FEEDS:
        for lang in ("en", "fr"):
            text = _feed(client, kind, lang=lang).text
            assert "feedvisible" in text
            assert "hiddenfeed" not in text
            assert not any(statement.id in text for statement in hidden)


def test_removed_statements_become_atom_deleted_entries(
    client: TestClient, session: Session
) -> None:
    gone = {
        "unpublished": create(session, "feedunpub"),
        "withdrawn": create(session, "feedwithdrawn"),
        "deleted": create(session, "feeddeleted"),
    }
    back = create(session, "feedback")
    editing.unpublish(session, gone["unpublished"], principal=EDITOR, now=FIXED_NOW)
    editing.withdraw(session, gone["withdrawn"], note="Wrong.", principal=EDITOR, now=FIXED_NOW)
    editing.remove(session, gone["deleted"], principal=EDITOR, now=FIXED_NOW)
    editing.unpublish(session, back, principal=EDITOR, now=FIXED_NOW)
    editing.publish(session, back, principal=EDITOR, now=FIXED_NOW)  # public again
    session.commit()

    deleted = _deleted(client, lang="fr")
    for reason, statement in gone.items():
        ref = f"http://testserver/v1/statements/{statement.id}?lang=fr"
        assert deleted[ref] == ("2026-11-27T12:00:00Z", reason)
    assert not any(back.id in ref for ref in deleted)
    assert "feedback" in _feed(client, "atom", lang="fr").text
    for kind in FEEDS:  # the removed ones are no entries anywhere
        assert "Title feedunpub" not in _feed(client, kind, lang="fr").text
    # Deleted entries belong to the newest page only.
    page = _feed(client, "json", lang="fr", limit=1).json()
    cursor = page["next_url"].split("cursor=")[1]
    assert _deleted(client, lang="fr", limit=1, cursor=cursor) == {}


def test_a_lost_translation_is_a_deleted_entry_in_that_language_only(
    client: TestClient, session: Session
) -> None:
    statement = create(session, "feedlost")
    data = StatementUpdate.model_validate({"translations": {"fr": None}})
    editing.update(session, statement, data, principal=EDITOR, now=FIXED_NOW)
    # The languages the public can read it in, as the one publication lifecycle logs them
    # (statements' editing does not pass them yet on this branch; harmless once it does).
    changes_service.record(
        session,
        resource_type="statement",
        resource_id=statement.id,
        version=statement.version,
        operation=changes_service.Operation.UPDATE,
        at=FIXED_NOW,
        langs=["en"],
    )
    session.commit()
    ref = f"http://testserver/v1/statements/{statement.id}?lang=fr"
    assert _deleted(client, lang="fr")[ref][1] == "filtered_out"
    assert not any(statement.id in ref for ref in _deleted(client, lang="en"))
    assert "Title feedlost en" in _titles(client, "atom", lang="en")
    assert not any("feedlost" in title for title in _titles(client, "atom", lang="fr"))


def test_a_feed_is_in_one_language(client: TestClient, session: Session) -> None:
    create(session, "feedenonly", langs=("en",))
    create(session, "feedboth")
    for kind in FEEDS:
        french = _titles(client, kind, lang="fr")
        assert "Title feedboth fr" in french
        assert not any("feedenonly" in title for title in french)
    negotiated = client.get("/v1/feeds/statements.atom", headers={"Accept-Language": "fr"})
    assert negotiated.headers["content-language"] == "fr"
    assert "Accept-Language" in negotiated.headers["vary"]
    by_filter = _feed(client, "atom", available_lang="fr")
    assert by_filter.headers["content-language"] == "fr"
    assert "Title feedboth fr" in by_filter.text


@pytest.mark.parametrize("kind", list(FEEDS))
def test_bad_parameters_are_problems(client: TestClient, kind: str) -> None:
    for params in (
        {"lang": "fr", "available_lang": "en"},
        {"lang": "xx"},
        {"type": "nonsense"},
        {"topic": "no-such-topic"},
        {"limit": "101"},
        {"tpye": "news"},
    ):
        response = client.get(f"/v1/feeds/statements.{kind}", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"


def test_filters_work_as_on_the_list(client: TestClient, session: Session) -> None:
    create(session, "feedspeech", type=StatementType.SPEECH, topics=("counter-trafficking",))
    create(session, "feednews", type=StatementType.NEWS)
    for kind in FEEDS:
        speeches = _titles(client, kind, lang="en", type="speech")
        assert "Title feedspeech en" in speeches
        assert "Title feednews en" not in speeches
        topical = _titles(client, kind, lang="en", topic="counter-trafficking")
        assert "Title feedspeech en" in topical
        assert "Title feednews en" not in topical
        listed = client.get(
            "/v1/statements",
            params={
                "lang": "en",
                "available_lang": "en",
                "topic": "counter-trafficking",
                "limit": 100,
            },
        ).json()["items"]
        assert [item["title"] for item in listed] == topical


def test_etag_and_not_modified(client: TestClient, session: Session) -> None:
    create(session, "feedetag")
    for kind in FEEDS:
        first = _feed(client, kind, lang="en")
        assert first.headers["cache-control"].startswith("public, max-age=")
        etag = first.headers["etag"]
        again = client.get(
            f"/v1/feeds/statements.{kind}",
            params={"limit": 100, "lang": "en"},
            headers={"If-None-Match": etag},
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
    etags = {_feed(client, kind, lang="en").headers["etag"] for kind in FEEDS}
    create(session, "feedetagnew")
    assert not etags & {_feed(client, kind, lang="en").headers["etag"] for kind in FEEDS}


def test_feeds_are_discoverable(client: TestClient) -> None:
    listed = client.get("/v1/statements", params={"lang": "fr", "type": "news", "limit": 5})
    links = listed.headers["link"]
    for kind, media_type in FEEDS.items():
        bare = media_type.split(";")[0]
        assert (
            f'<http://testserver/v1/feeds/statements.{kind}?lang=fr&type=news>; rel="alternate"; '
            f'type="{bare}"'
        ) in links
    root = client.get("/v1")
    assert root.status_code == 200
    hrefs = {link["type"]: link["href"] for link in root.json()["links"]}
    assert hrefs["application/atom+xml"] == "http://testserver/v1/feeds/statements.atom"
    assert hrefs["application/feed+json"] == "http://testserver/v1/feeds/statements.json"
    assert 'rel="alternate"; type="application/rss+xml"' in root.headers["link"]
    assert client.get("/v1", headers={"If-None-Match": root.headers["etag"]}).status_code == 304


def test_a_list_no_feed_can_match_offers_none(client: TestClient) -> None:
    listed = client.get("/v1/statements", params={"available_lang": "zz-unserved"})
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert "zz-unserved" not in listed.headers.get("link", "")
    assert "alternate" not in listed.headers.get("link", "")
