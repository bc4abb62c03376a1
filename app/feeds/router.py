"""Feeds of published statements: Atom (with deleted entries), RSS 2.0 and JSON Feed 1.1."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from app.api.language import LanguageDep
from app.api.pagination import PageDep
from app.api.responses import Encoded, Fresh, public_response, read_responses
from app.cdn.keys import keys_in
from app.changes.dependencies import ContentVersionDep
from app.db import ON_REPLICA, SessionDep
from app.feeds import links, service
from app.feeds.jsonfeed import json_feed
from app.feeds.markup import atom, rss
from app.feeds.schemas import ATOM_EXAMPLE, RSS_EXAMPLE, JsonFeed
from app.statements import service as statements_service
from app.statements.params import StatementFiltersDep

router = APIRouter(prefix="/feeds", tags=["feeds"], dependencies=[ON_REPLICA])
CHARSET = "; charset=utf-8"


class AtomResponse(Response):
    media_type = links.ATOM.media_type


class RssResponse(Response):
    media_type = links.RSS.media_type


class JsonFeedResponse(JSONResponse):  # JSON, so OpenAPI documents its model
    media_type = links.JSON_FEED.media_type


def _ok(media_type: str, example: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {media_type: {"schema": {"type": "string"}, "example": example}},
        },
        **read_responses(400, 422),
    }


_DESCRIPTION = """
The feed is in one language: `?lang=` (else `Accept-Language`, else the default language), or
`available_lang` when `lang` is not given. Its entries are the published statements that have a
translation in that language, newest first, so no entry falls back to another language.
Filters are the statement list's; paging is the list's `limit` and `cursor` (the next page is
linked from the feed). Each entry's id is its API URL in the feed's language, which never
changes."""

ATOM_DOC = """Published statements as Atom 1.0. The first page also lists, as RFC 6721
`at:deleted-entry` elements, the statements recently removed from public view in this
language (unpublished, withdrawn, deleted, or no longer translated into it), whatever the
other filters: a reader drops the entries it holds with those ids.
"""
RSS_DOC = """Published statements as RSS 2.0 (full text in `content:encoded`). RSS cannot
say that an item was removed: follow the Atom feed or the change feed for that.
"""
JSON_DOC = """Published statements as JSON Feed 1.1 (`application/feed+json`).
"""


def _serve(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: int,
    page: PageDep,
    filters: statements_service.StatementFilters,
    feed_format: links.FeedFormat,
    write: Callable[[service.Feed, str], bytes],
) -> Response:
    now = request.app.state.clock()
    origin = links.origin(request)
    query = request.query_params.multi_items()
    self_url = links.feed_url(request, feed_format, query)
    feed_id = links.feed_url(request, feed_format, [(k, v) for k, v in query if k != "cursor"])

    def next_url(cursor: str) -> str:
        kept = [(k, v) for k, v in query if k != "cursor"]
        return f"{origin}{feed_format.path}?{urlencode([*kept, ('cursor', cursor)])}"

    def compute() -> Fresh:
        site = links.site_for(request)
        feed, updated = service.build(
            session,
            language=language,
            filters=filters,
            page=page,
            now=now,
            site=site,
            self_url=self_url,
            next_url_for=next_url,
            changed_at=getattr(request.state, "content_changed_at", None),
        )
        body = Encoded(write(feed, feed_id), feed_format.media_type + CHARSET, lang=feed.lang)
        keys = ("statements", *keys_in(feed.entries))  # the list's, never its tombstones'
        upcoming = statements_service.next_go_live(session, now)
        return Fresh(body, updated, upcoming, surrogate_keys=keys)

    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/statements.atom",
    response_class=AtomResponse,
    summary="Atom feed of statements",
    description=ATOM_DOC + _DESCRIPTION,
    responses=_ok(links.ATOM.media_type, ATOM_EXAMPLE, "An Atom 1.0 feed (RFC 4287)."),
)
async def statements_atom(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    filters: StatementFiltersDep,
) -> Response:
    return _serve(request, session, language, version, page, filters, links.ATOM, atom)


@router.get(
    "/statements.rss",
    response_class=RssResponse,
    summary="RSS 2.0 feed of statements",
    description=RSS_DOC + _DESCRIPTION,
    responses=_ok(links.RSS.media_type, RSS_EXAMPLE, "An RSS 2.0 feed."),
)
async def statements_rss(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    filters: StatementFiltersDep,
) -> Response:
    return _serve(
        request, session, language, version, page, filters, links.RSS, lambda f, _: rss(f)
    )


@router.get(
    "/statements.json",
    response_class=JsonFeedResponse,
    summary="JSON Feed of statements",
    description=JSON_DOC + _DESCRIPTION,
    response_model=JsonFeed,
    responses=read_responses(400, 422),
)
async def statements_json_feed(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    filters: StatementFiltersDep,
) -> Response:
    return _serve(
        request,
        session,
        language,
        version,
        page,
        filters,
        links.JSON_FEED,
        lambda f, _: json_feed(f),
    )
