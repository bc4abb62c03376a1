"""Where the feeds live and how other responses point to them (`Link: rel="alternate"`)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from app.api.language import lookup
from app.config import Settings
from app.navigation.service import Links

PREFIX = "/v1/feeds"
# The statement list's parameters a feed also takes: its filters and the language.
CARRIED = (
    "type",
    "topic",
    "place",
    "term",
    "published_from",
    "published_to",
    "available_lang",
    "lang",
)


@dataclass(frozen=True)
class FeedFormat:
    name: str  # also the path's suffix
    media_type: str
    title: str

    @property
    def path(self) -> str:
        return f"{PREFIX}/statements.{self.name}"


ATOM = FeedFormat("atom", "application/atom+xml", "Statements (Atom)")
RSS = FeedFormat("rss", "application/rss+xml", "Statements (RSS 2.0)")
JSON_FEED = FeedFormat("json", "application/feed+json", "Statements (JSON Feed 1.1)")
FORMATS = (ATOM, RSS, JSON_FEED)


def origin(request: Request) -> str:
    """`NEWSROOM_PUBLIC_BASE_URL` behind a proxy, else the request's own origin."""
    settings: Settings = request.app.state.settings
    base = settings.public_base_url
    return base.rstrip("/") if base else f"{request.url.scheme}://{request.url.netloc}"


def feed_url(request: Request, feed: FeedFormat, query: list[tuple[str, str]]) -> str:
    return f"{origin(request)}{feed.path}" + (f"?{urlencode(query)}" if query else "")


def alternate_links(request: Request) -> list[str]:
    """The feeds of what this statement list shows (same filters and language), as RFC 8288
    `Link` values."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k in CARRIED]
    settings: Settings = request.app.state.settings
    for key, value in query:
        # The list takes any `available_lang` (and is empty for one not served); the feeds
        # take served ones only, and an arbitrary value is never echoed back.
        if key == "available_lang" and lookup(value, settings.languages) is None:
            return []
    return [
        f'<{feed_url(request, feed, query)}>; rel="alternate"; type="{feed.media_type}"; '
        f'title="{feed.title}"'
        for feed in FORMATS
    ]


@dataclass(frozen=True)
class Site:
    """How to build links: the API's origin and, when configured, the public website's."""

    api_origin: str
    site_url: str | None
    links: Links
    publisher: str

    def api_item(self, statement_id: str, lang: str) -> str:
        return f"{self.api_origin}/v1/statements/{statement_id}?lang={lang}"

    def site_item(self, slug: str, lang: str) -> str | None:
        if not self.site_url:
            return None
        path = self.links.statement_path.format(slug=slug)
        return f"{self.site_url.rstrip('/')}{self.links.prefix(lang)}{path}"


def site_for(request: Request) -> Site:
    settings: Settings = request.app.state.settings
    return Site(
        api_origin=origin(request),
        site_url=settings.site_url,
        links=Links(default_lang=settings.default_language, statement_path=settings.statement_path),
        publisher=settings.organization_name,
    )
