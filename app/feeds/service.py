"""What a feed holds: a page of the public statement list in one language, each entry with its
body, and (on the first page) the statements recently removed from public view."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from app.api.language import Language, lookup
from app.api.pagination import PageRequest
from app.api.problems import FieldError, InvalidParameters
from app.changes import service as changes_service
from app.feeds.links import Site
from app.statements import service as statements_service
from app.statements.schemas import Paragraph, StatementSummary

TOMBSTONES = 50  # deleted entries on a first page, newest first
TOMBSTONE_SCAN = 1000  # how far back in the change log they are looked for


@dataclass(frozen=True)
class Entry:
    statement: StatementSummary
    body: list[Paragraph]
    api_url: str  # also the entry's id: one per statement and language
    site_url: str | None


@dataclass(frozen=True)
class Tombstone:
    ref: str  # the removed entry's id
    when: datetime
    reason: str


@dataclass(frozen=True)
class Feed:
    lang: str
    title: str
    publisher: str
    self_url: str
    home_url: str  # the site when configured, else the statement list
    next_url: str | None
    updated: datetime
    entries: list[Entry]
    tombstones: list[Tombstone] = field(default_factory=list)


def feed_language(
    language: Language, filters: statements_service.StatementFilters
) -> tuple[str, statements_service.StatementFilters]:
    """The one language a feed is in, and the filters that keep to it.

    `?lang=` (or `Accept-Language`, else the default) names it, or `available_lang` when
    `lang` is not given; naming two different languages is a 422.
    """
    lang = language.requested
    if filters.available_lang is not None:
        asked = lookup(filters.available_lang, language.served)
        if asked is None or (language.explicit and asked != lang):
            raise InvalidParameters(
                "A feed is in one language.",
                errors=[
                    FieldError(
                        parameter="available_lang",
                        detail="Give one served language, or leave this out and use `lang`.",
                        allowed=list(language.served),
                    )
                ],
            )
        lang = asked
    return lang, replace(filters, available_lang=lang)


def build(
    session: Session,
    *,
    language: Language,
    filters: statements_service.StatementFilters,
    page: PageRequest,
    now: datetime,
    site: Site,
    self_url: str,
    next_url_for: Callable[[str], str],
    changed_at: datetime | None = None,
) -> tuple[Feed, datetime | None]:
    """The feed and its Last-Modified. Only public statements with a translation in the
    feed's language are entries, so no entry ever falls back to another language."""
    lang, filters = feed_language(language, filters)
    served = language.led_by(lang)
    result, last_modified = statements_service.list_statements(
        session, filters=filters, sort="-published_at", language=served, page=page, now=now
    )
    texts = statements_service.bodies(session, [s.id for s in result.items], lang)
    entries = [
        Entry(
            statement=item,
            body=texts.get(item.id, []),
            api_url=site.api_item(item.id, lang),
            site_url=site.site_item(item.slug, lang),
        )
        for item in result.items
    ]
    tombstones: list[Tombstone] = []
    if page.cursor is None:  # removals belong to the newest page (RFC 6721 §2)
        removals = changes_service.latest_removals(
            session, types=("statement",), lang=lang, limit=TOMBSTONES, scan=TOMBSTONE_SCAN
        )
        tombstones = [
            Tombstone(ref=site.api_item(r.id, lang), when=r.at, reason=r.reason or "deleted")
            for r in removals
        ]
    dates = [d for d in (last_modified, *(t.when for t in tombstones)) if d is not None]
    # An empty feed is dated by the last public change, so that its bytes (and ETag) are the
    # same in every process for one content version.
    updated = max(dates, default=changed_at or now)
    feed = Feed(
        lang=lang,
        title=f"{site.publisher}: statements ({lang})",
        publisher=site.publisher,
        self_url=self_url,
        home_url=site.site_url or f"{site.api_origin}/v1/statements?lang={lang}",
        next_url=next_url_for(result.next_cursor) if result.next_cursor else None,
        updated=updated,
        entries=entries,
        tombstones=tombstones,
    )
    return feed, updated
