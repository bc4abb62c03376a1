"""Atom 1.0 (RFC 4287, with RFC 6721 deleted entries) and RSS 2.0, built as element trees.

The standard library's ElementTree escapes every text and attribute it writes, so nothing a
statement says can break out of its element; it is only ever used to write, never to parse
input (where its entity expansion would matter).
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from app.feeds.service import Entry, Feed

ATOM = "http://www.w3.org/2005/Atom"
TOMBS = "http://purl.org/atompub/tombstones/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "Newsroom API"

ET.register_namespace("at", TOMBS)
ET.register_namespace("atom", ATOM)
ET.register_namespace("content", CONTENT)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    return _utc(moment).isoformat().replace("+00:00", "Z")


def body_html(entry: Entry) -> str:
    """The body as HTML: each paragraph's text is already sanitized inline HTML (bodies are
    cleaned to an allowlist when written), wrapped with its anchor as the paragraph's id."""
    return "".join(f'<p id="{escape(p.anchor)}">{p.text}</p>' for p in entry.body)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def atom(feed: Feed, feed_id: str) -> bytes:
    # Atom's elements are written unqualified under a default namespace declared on the root
    # (ElementTree would otherwise prefix them all); the tombstones keep their `at:` prefix.
    a = ""
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: feed.lang})
    _sub(root, f"{a}id", feed_id)
    _sub(root, f"{a}title", feed.title)
    _sub(root, f"{a}updated", rfc3339(feed.updated))
    _sub(_sub(root, f"{a}author"), f"{a}name", feed.publisher)
    _sub(root, f"{a}link", rel="self", type="application/atom+xml", href=feed.self_url)
    _sub(root, f"{a}link", rel="alternate", href=feed.home_url)
    if feed.next_url:  # RFC 5005 paging
        _sub(root, f"{a}link", rel="next", type="application/atom+xml", href=feed.next_url)
    _sub(root, f"{a}generator", GENERATOR)
    for entry in feed.entries:
        s = entry.statement
        element = _sub(root, f"{a}entry", **{XML_LANG: s.lang})
        _sub(element, f"{a}id", entry.api_url)
        _sub(element, f"{a}title", s.title)
        if s.published_at is not None:
            _sub(element, f"{a}published", rfc3339(s.published_at))
        _sub(element, f"{a}updated", rfc3339(s.updated_at))
        if entry.site_url:
            _sub(element, f"{a}link", rel="alternate", type="text/html", href=entry.site_url)
        _sub(element, f"{a}link", rel="alternate", type="application/json", href=entry.api_url)
        for topic in s.topics:
            _sub(element, f"{a}category", term=topic)
        _sub(element, f"{a}summary", s.summary)
        _sub(element, f"{a}content", body_html(entry), type="html")
    for tomb in feed.tombstones:
        t = f"{{{TOMBS}}}"
        deleted = _sub(root, f"{t}deleted-entry", ref=tomb.ref, when=rfc3339(tomb.when))
        _sub(deleted, f"{t}comment", tomb.reason)
    return _document(root)


def rss(feed: Feed) -> bytes:
    """RSS 2.0 has no deleted entries; a reader of it learns of removals from the Atom feed
    or the change feed."""
    root = ET.Element("rss", version="2.0")
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", feed.title)
    _sub(channel, "language", feed.lang)
    _sub(channel, "lastBuildDate", format_datetime(_utc(feed.updated), usegmt=True))
    _sub(channel, "generator", GENERATOR)
    link = f"{{{ATOM}}}link"
    _sub(channel, link, rel="self", type="application/rss+xml", href=feed.self_url)
    if feed.next_url:
        _sub(channel, link, rel="next", type="application/rss+xml", href=feed.next_url)
    for entry in feed.entries:
        s = entry.statement
        item = _sub(channel, "item")
        _sub(item, "title", s.title)
        _sub(item, "link", entry.site_url or entry.api_url)
        _sub(item, "description", s.summary)
        _sub(item, f"{{{CONTENT}}}encoded", body_html(entry))
        _sub(item, "guid", entry.api_url, isPermaLink="false")
        if s.published_at is not None:
            _sub(item, "pubDate", format_datetime(_utc(s.published_at), usegmt=True))
        for topic in s.topics:
            _sub(item, "category", topic)
    return _document(root)
