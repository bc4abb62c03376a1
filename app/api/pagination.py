"""Keyset pagination: opaque signed cursors, `Page[T]` bodies and RFC 8288 `Link` headers.

Pages are cut on the sort key plus the id as a tiebreak, so the order is total and no row is
skipped or repeated while content changes (offset paging fails both, research/perf-floor.md).
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.requests import Request

from app.api.problems import FieldError, InvalidCursor

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

LimitQuery = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1 to {MAX_LIMIT})."),
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=512,
        description="Opaque cursor from the previous page's `next_cursor` or `Link: rel=next`.",
    ),
]
IncludeTotalQuery = Annotated[
    bool,
    Query(description="Also count every matching item (`total`). Costs one extra query."),
]


class Page(BaseModel, Generic[T]):
    """One page of a list. Follow `next_cursor` (or the `Link` header) until it is null."""

    items: list[T]
    next_cursor: str | None = Field(description="Cursor of the next page; null on the last page.")
    total: int | None = Field(
        default=None, description="Number of matching items, when `include_total=true`."
    )


@dataclass(frozen=True)
class SortKey:
    """One allowlisted sort order: a public name mapped to a column, never to user-built SQL."""

    name: str
    column: InstrumentedAttribute[Any]
    descending: bool
    parse: Callable[[Any], Any] = lambda value: value
    dump: Callable[[Any], Any] = lambda value: value
    # Further columns compared before the id (same direction), e.g. relevance, then date.
    then: tuple["SortKey", ...] = ()

    @property
    def keys(self) -> tuple["SortKey", ...]:
        return (self, *self.then)

    def dump_position(self, row: Any) -> Any:
        """The cursor value of a row: one value, or a list of them with `then`."""
        values = [key.dump(getattr(row, key.column.key)) for key in self.keys]
        return values if self.then else values[0]

    def parse_position(self, value: Any) -> tuple[Any, ...]:
        if not self.then:
            return (self.parse(value),)
        if not isinstance(value, list) or len(value) != len(self.keys):
            raise ValueError("cursor position has the wrong shape")
        return tuple(key.parse(item) for key, item in zip(self.keys, value, strict=True))


def datetime_sort_key(name: str, column: InstrumentedAttribute[Any], descending: bool) -> SortKey:
    return SortKey(
        name=name,
        column=column,
        descending=descending,
        parse=datetime.fromisoformat,
        dump=lambda value: value.isoformat(),
    )


def date_sort_key(name: str, column: InstrumentedAttribute[Any], descending: bool) -> SortKey:
    return SortKey(
        name=name,
        column=column,
        descending=descending,
        parse=date.fromisoformat,
        dump=lambda value: value.isoformat(),
    )


def int_sort_key(name: str, column: Any, descending: bool) -> SortKey:
    return SortKey(name=name, column=column, descending=descending, parse=int, dump=int)


def string_sort_key(name: str, column: InstrumentedAttribute[Any], descending: bool) -> SortKey:
    return SortKey(name=name, column=column, descending=descending, parse=str, dump=str)


class CursorCodec:
    """Cursors are `base64url(json).mac`: a client cannot forge a position, only replay one."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> str:
        digest = hmac.new(self._secret, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode(self, sort: SortKey, value: Any, row_id: str, *, dumped: bool = False) -> str:
        position = value if dumped else sort.dump(value)
        payload = json.dumps([sort.name, position, row_id], separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._mac(body.encode())}"

    def decode(self, cursor: str, sort: SortKey) -> tuple[Any, str]:
        body, _, mac = cursor.partition(".")
        if (
            not cursor.isascii()
            or not body
            or not hmac.compare_digest(mac, self._mac(body.encode()))
        ):
            raise InvalidCursor("The cursor is not one this API issued, or it was altered.")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            name, value, row_id = json.loads(raw)
            position = sort.parse_position(value)
            parsed = position if sort.then else position[0]
        except (ValueError, TypeError) as exc:
            raise InvalidCursor("The cursor could not be read.") from exc
        if name != sort.name or not isinstance(row_id, str):
            raise InvalidCursor(
                "The cursor belongs to another sort order; start again from the first page."
            )
        return parsed, row_id


def keyset_order(sort: SortKey, id_column: Any) -> list[Any]:
    columns = [*(key.column for key in sort.keys), id_column]
    return [c.desc() if sort.descending else c.asc() for c in columns]


def keyset_after(
    sort: SortKey, id_column: InstrumentedAttribute[str], value: Any, row_id: Any
) -> ColumnElement[bool]:
    """Rows strictly after (value, row_id) in the sort order.

    A row-value comparison rather than `a < x OR (a = x AND id < y)`: both databases turn it
    into an index range, so a deep page costs what the first one does.
    """
    key, position = tuple_(sort.column, id_column), tuple_(value, row_id)
    return key < position if sort.descending else key > position


def keyset_template(query: Select[Any], sort: SortKey, id_column: Any, after: bool) -> Select[Any]:
    """A page of `query` in `sort` order, with the position and size as bound parameters
    (`after_value`, `after_id`, `limit`), so the statement can be built once and reused."""
    if after:
        values = [
            bindparam("after_value" if i == 0 else f"after_value_{i}", type_=key.column.type)
            for i, key in enumerate(sort.keys)
        ]
        position = tuple_(*values, bindparam("after_id"))
        key = tuple_(*(k.column for k in sort.keys), id_column)
        query = query.where(key < position if sort.descending else key > position)
    return query.order_by(*keyset_order(sort, id_column)).limit(bindparam("limit"))


def keyset_params(page: "PageRequest", sort: SortKey) -> dict[str, Any]:
    """The bound parameters `keyset_template` expects for this page."""
    params: dict[str, Any] = {"limit": page.limit + 1}
    after = page.start_after(sort)
    if after is not None:
        value, params["after_id"] = after
        if sort.then:
            for i, item in enumerate(value):
                params["after_value" if i == 0 else f"after_value_{i}"] = item
        else:
            params["after_value"] = value
    return params


def cut_page(
    rows: Sequence[Any], page: "PageRequest", sort: SortKey
) -> tuple[list[Any], str | None]:
    """Drop the probe row of a `limit + 1` fetch and make the next cursor from the last row."""
    kept, has_more = trim_page(rows, page.limit)
    if not has_more:
        return kept, None
    last = kept[-1]
    return kept, page.codec.encode(sort, sort.dump_position(last), last.id, dumped=True)


def next_page_url(request: Request, cursor: str, base_url: str | None) -> str:
    """Absolute URL of the next page: the same query with the cursor replaced."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    params.append(("cursor", cursor))
    origin = base_url.rstrip("/") if base_url else f"{request.url.scheme}://{request.url.netloc}"
    return f"{origin}{request.url.path}?{urlencode(params)}"


def trim_page(rows: Sequence[T], limit: int) -> tuple[list[T], bool]:
    """Split a `limit + 1` fetch into the page and whether another page follows."""
    return list(rows[:limit]), len(rows) > limit


@dataclass(frozen=True)
class PageRequest:
    """What a list route needs to cut a page: its size, where to start, and whether to count."""

    limit: int
    cursor: str | None
    include_total: bool
    codec: CursorCodec

    def start_after(self, sort: SortKey) -> tuple[Any, str] | None:
        return None if self.cursor is None else self.codec.decode(self.cursor, sort)


async def page_request(
    request: Request,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    include_total: IncludeTotalQuery = False,
) -> PageRequest:
    codec: CursorCodec = request.app.state.cursor_codec
    if cursor is not None and not cursor.strip():
        # `cursor=` is not "the first page": the list runners take any cursor as a position.
        raise InvalidCursor(
            "The cursor is empty; leave `cursor` out for the first page.",
            errors=[FieldError(parameter="cursor", detail="An empty cursor names no position.")],
        )
    return PageRequest(limit=limit, cursor=cursor, include_total=include_total, codec=codec)


PageDep = Annotated[PageRequest, Depends(page_request)]


def fetch_page(
    session: Session,
    statement: Select[R],
    *,
    sort: SortKey,
    id_column: InstrumentedAttribute[str],
    page: PageRequest,
    value_of: Callable[[R], Any],
    id_of: Callable[[R], str],
) -> tuple[list[R], str | None]:
    """Run a keyset-paged query; returns the rows and the next page's cursor (or None)."""
    after = page.start_after(sort)
    if after is not None:
        statement = statement.where(keyset_after(sort, id_column, *after))
    statement = statement.order_by(*keyset_order(sort, id_column)).limit(page.limit + 1)
    rows, has_more = trim_page(session.scalars(statement).all(), page.limit)
    if not has_more:
        return rows, None
    last = rows[-1]
    return rows, page.codec.encode(sort, value_of(last), id_of(last))


def count_matching(session: Session, statement: Select[Any]) -> int:
    subquery = statement.order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def page_links(request: Request, next_cursor: str | None, base_url: str | None) -> list[str]:
    if next_cursor is None:
        return []
    return [f'<{next_page_url(request, next_cursor, base_url)}>; rel="next"']
