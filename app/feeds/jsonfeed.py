"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

from app.feeds.markup import body_html, rfc3339
from app.feeds.schemas import FeedAuthor, ItemExtension, JsonFeed, JsonFeedItem
from app.feeds.service import Feed


def json_feed(feed: Feed) -> bytes:
    items = [
        JsonFeedItem(
            id=entry.api_url,
            url=entry.site_url or entry.api_url,
            title=entry.statement.title,
            summary=entry.statement.summary,
            content_html=body_html(entry),
            date_published=(
                rfc3339(entry.statement.published_at) if entry.statement.published_at else None
            ),
            date_modified=rfc3339(entry.statement.updated_at),
            language=entry.statement.lang,
            tags=entry.statement.topics,
            newsroom=ItemExtension(
                id=entry.statement.id, type=entry.statement.type.value, api_url=entry.api_url
            ),
        )
        for entry in feed.entries
    ]
    document = JsonFeed(
        title=feed.title,
        home_page_url=feed.home_url,
        feed_url=feed.self_url,
        next_url=feed.next_url,
        language=feed.lang,
        authors=[FeedAuthor(name=feed.publisher)],
        items=items,
    )
    # Members without a value are left out: JSON Feed has no nulls.
    return document.model_dump_json(by_alias=True, exclude_none=True).encode()
