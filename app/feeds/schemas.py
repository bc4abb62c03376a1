"""The JSON Feed 1.1 document, typed (it is also what OpenAPI documents), and the examples of
the XML feeds."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

VERSION = "https://jsonfeed.org/version/1.1"
_ITEM_EXAMPLE: dict[str, Any] = {
    "id": "https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en",
    "url": "https://www.example.org/news/iom-statement-los-angeles-declaration",
    "title": "IOM Statement on the Los Angeles Declaration",
    "summary": "IOM welcomes the adoption of the Los Angeles Declaration.",
    "content_html": '<p id="welcome">IOM <em>welcomes</em> the declaration.</p>',
    "date_published": "2022-06-10T18:00:00Z",
    "date_modified": "2022-06-10T18:00:00Z",
    "language": "en",
    "tags": ["migration-governance"],
    "_newsroom": {
        "id": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
        "type": "statement",
        "api_url": "https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en",
    },
}


class FeedAuthor(BaseModel):
    name: str


class ItemExtension(BaseModel):
    """Our extension member (`_newsroom`): the statement's id, type and API URL."""

    id: str
    type: str
    api_url: str


class JsonFeedItem(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"examples": [_ITEM_EXAMPLE]}
    )

    id: str = Field(description="The statement's API URL in the feed's language; stable.")
    url: str = Field(description="The public website's page when configured, else the API URL.")
    title: str
    summary: str
    content_html: str = Field(description="The body: sanitized HTML, one `<p>` per paragraph.")
    date_published: str | None = None
    date_modified: str
    language: str
    tags: list[str] = Field(description="Topic slugs.")
    newsroom: ItemExtension = Field(alias="_newsroom")


class JsonFeed(BaseModel):
    """A page of statements in one language, newest first (JSON Feed 1.1)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": VERSION,
                    "title": "Newsroom: statements (en)",
                    "home_page_url": "https://www.example.org",
                    "feed_url": "https://api.example.org/v1/feeds/statements.json?lang=en",
                    "next_url": "https://api.example.org/v1/feeds/statements.json?lang=en&cursor=…",
                    "language": "en",
                    "authors": [{"name": "Newsroom"}],
                    "items": [_ITEM_EXAMPLE],
                }
            ]
        }
    )

    version: str = VERSION
    title: str
    home_page_url: str
    feed_url: str
    next_url: str | None = Field(default=None, description="The next page; absent on the last.")
    language: str
    authors: list[FeedAuthor]
    items: list[JsonFeedItem]


ATOM_EXAMPLE = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0" \
xml:lang="en">
  <id>https://api.example.org/v1/feeds/statements.atom?lang=en</id>
  <title>Newsroom: statements (en)</title>
  <updated>2026-11-27T10:00:00Z</updated>
  <author><name>Newsroom</name></author>
  <link rel="self" type="application/atom+xml" \
href="https://api.example.org/v1/feeds/statements.atom?lang=en" />
  <entry xml:lang="en">
    <id>https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en</id>
    <title>IOM Statement on the Los Angeles Declaration</title>
    <published>2022-06-10T18:00:00Z</published>
    <updated>2022-06-10T18:00:00Z</updated>
    <summary>IOM welcomes the adoption of the Los Angeles Declaration.</summary>
    <content type="html">&lt;p id="welcome"&gt;IOM welcomes the declaration.&lt;/p&gt;</content>
  </entry>
  <at:deleted-entry \
ref="https://api.example.org/v1/statements/stm_1c2r4w9d3ly8e0n5q7s9u1x3z5?lang=en" \
when="2026-11-27T10:00:00Z"><at:comment>withdrawn</at:comment></at:deleted-entry>
</feed>
"""

RSS_EXAMPLE = """<?xml version='1.0' encoding='utf-8'?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>Newsroom: statements (en)</title>
    <link>https://www.example.org</link>
    <description>Newsroom: statements (en)</description>
    <language>en</language>
    <item>
      <title>IOM Statement on the Los Angeles Declaration</title>
      <link>https://www.example.org/news/iom-statement-los-angeles-declaration</link>
      <description>IOM welcomes the adoption of the Los Angeles Declaration.</description>
      <guid isPermaLink="false">https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en</guid>
      <pubDate>Fri, 10 Jun 2022 18:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>
"""
