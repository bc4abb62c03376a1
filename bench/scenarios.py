"""The scenarios: each a URL (and headers) on the seeded database, found from its contents."""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from app.api.pagination import CursorCodec
from app.statements.service import SORTS
from bench import corpus

SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
LIST = "/v1/statements?limit=20"
DEPTH = 0.9  # the deep page: 90% of the way down the list


@dataclass
class Scenario:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    etag_of: str | None = None  # a 304 scenario: If-None-Match is this URL's ETag
    driver_floor: bool = False  # compared with the raw-driver floor too


@dataclass
class Seeded:
    statements: int  # generated ones
    place: str
    slug: str
    deep_cursor: str
    change_after: int


def inspect(database_url: str) -> Seeded:
    """What the scenarios need from the seed: a busy place, a slug half way, a cursor at 90%
    depth and a position half way down the change log. The cursor is encoded as the API
    encodes its own (`SECRET_KEY` is the server's): walking 9,000 pages to it would take
    minutes on a million statements, and a keyset page does not depend on how it was reached."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            generated = connection.execute(
                text(
                    "SELECT count(*) FROM statement_translations"
                    " WHERE lang = 'en' AND slug LIKE 'bench-%'"
                )
            ).scalar_one()
            place = connection.execute(
                text(
                    "SELECT place_code FROM statement_places GROUP BY place_code"
                    " ORDER BY count(*) DESC, place_code LIMIT 1"
                )
            ).scalar_one()
            public = connection.execute(
                text("SELECT count(*) FROM statements WHERE publication_status = 'published'")
            ).scalar_one()
            published_at, row_id = connection.execute(
                text(
                    "SELECT published_at, id FROM statements"
                    " WHERE publication_status = 'published' AND published_at IS NOT NULL"
                    " ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET :depth"
                ),
                {"depth": int(public * DEPTH)},
            ).one()
            last = connection.execute(text("SELECT max(seq) FROM change_log")).scalar_one()
    finally:
        engine.dispose()
    if isinstance(published_at, str):  # SQLite keeps naive UTC text
        published_at = datetime.fromisoformat(published_at)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    key = hmac.new(SECRET_KEY.encode(), b"cursor", hashlib.sha256).digest()
    sort = SORTS["-published_at"]
    cursor = CursorCodec(key).encode(sort, (published_at.astimezone(UTC),), row_id)
    return Seeded(
        statements=int(generated),
        place=str(place),
        slug=corpus.statement_text(max(int(generated) // 2, 0), "en").slug,
        deep_cursor=cursor,
        change_after=int(last or 0) // 2,
    )


def scenarios(seeded: Seeded) -> list[Scenario]:
    item = f"/v1/statements/{seeded.slug}"
    return [
        Scenario("list, first page", LIST, driver_floor=True),
        Scenario("list, deep page (90%)", f"{LIST}&cursor={seeded.deep_cursor}"),
        Scenario("list, lang=fr & place", f"{LIST}&lang=fr&place={seeded.place}"),
        Scenario("item by slug", item),
        Scenario("list, 304", LIST, etag_of=LIST),
        Scenario("item, 304", item, etag_of=item),
        Scenario("navigation tree (main)", "/v1/navigation/main"),
        Scenario("change feed, mid-log page", f"/v1/changes?after={seeded.change_after}"),
        Scenario(f"search q={corpus.SEARCH_WORD}", f"{LIST}&q={corpus.SEARCH_WORD}"),
    ]
