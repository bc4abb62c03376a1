"""Keyset pagination: opaque signed cursors, `Page[T]` bodies and RFC 8288 `Link` headers.

Pages are cut on the sort key plus the id as a tiebreak, so the order is total and no row is
skipped or repeated while content changes (offset paging fails both, research/perf-floor.md).
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, func, select, tuple_
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
    """One allowlisted sort order: a public name mapped to a column, never to user-built SQL.

    `then` holds further columns compared before the id tiebreak, in the same direction (a
    search ranks on score, then publication date): the page cut stays one row-value comparison.
    """

    name: str
    column: Any  # a mapped column, or a labelled expression the page query selects
    descending: bool
    parse: Callable[[Any], Any] = lambda value: value
    dump: Callable[[Any], Any] = lambda value: value
    then: tuple["SortKey", ...] = ()

    @property
    def keys(self) -> tuple["SortKey", ...]:
        return (self, *self.then)


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

    def encode(self, sort: SortKey, values: tuple[Any, ...], row_id: str) -> str:
        dumped = [key.dump(value) for key, value in zip(sort.keys, values, strict=True)]
        position = dumped[0] if len(dumped) == 1 else dumped
        payload = json.dumps([sort.name, position, row_id], separators=(",", ":"))
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._mac(body.encode())}"

    def decode(self, cursor: str, sort: SortKey) -> tuple[tuple[Any, ...], str]:
        body, _, mac = cursor.partition(".")
        if (
            not cursor.isascii()
            or not body
            or not hmac.compare_digest(mac, self._mac(body.encode()))
        ):
            raise InvalidCursor("The cursor is not one this API issued, or it was altered.")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            name, position, row_id = json.loads(raw)
        except (ValueError, TypeError) as exc:
            raise InvalidCursor("The cursor could not be read.") from exc
        if name != sort.name or not isinstance(row_id, str):
            raise InvalidCursor(
                "The cursor belongs to another sort order; start again from the first page."
            )
        dumped = [position] if len(sort.keys) == 1 else position
        try:
            if not isinstance(dumped, list) or len(dumped) != len(sort.keys):
                raise ValueError("position does not fit the sort order")
            values = tuple(key.parse(value) for key, value in zip(sort.keys, dumped, strict=True))
        except (ValueError, TypeError) as exc:
            raise InvalidCursor("The cursor could not be read.") from exc
        return values, row_id


def keyset_template(query: Select[Any], sort: SortKey, id_column: Any, after: bool) -> Select[Any]:
    """A page of `query` in `sort` order, with the position and size as bound parameters
    (`after_0`…, `after_id`, `limit`), so the statement can be built once and reused.

    The cut is a row-value comparison rather than `a < x OR (a = x AND id < y)`: both databases
    turn it into an index range, so a deep page costs what the first one does. It comes first
    in the WHERE clause: of two bounds on one indexed column (the cut, and a list's own, such
    as `published_at <= now`), SQLite ranges the index on the first and only filters on the
    other, and on `published_at <= now` a deep page walked every newer row (18 ms at 100,000
    statements, 0.05 ms now). PostgreSQL keeps the tighter bound whatever the order.
    """
    columns = [key.column for key in sort.keys]
    if after:
        position = tuple_(
            *(bindparam(f"after_{i}", type_=c.type) for i, c in enumerate(columns)),
            bindparam("after_id", type_=id_column.type),
        )
        row = tuple_(*columns, id_column)
        cut = row < position if sort.descending else row > position
        # `where` only appends; the copy it returns is ours to reorder.
        query = query.where(cut)
        query._where_criteria = (cut, *query._where_criteria[:-1])
    order = [*columns, id_column]
    return query.order_by(*(c.desc() if sort.descending else c.asc() for c in order)).limit(
        bindparam("limit")
    )


def keyset_params(page: "PageRequest", sort: SortKey) -> dict[str, Any]:
    """The bound parameters `keyset_template` expects for this page."""
    params: dict[str, Any] = {"limit": page.limit + 1}
    after = page.start_after(sort)
    if after is not None:
        values, params["after_id"] = after
        params.update({f"after_{i}": value for i, value in enumerate(values)})
    return params


def cut_page(
    rows: Sequence[Any], page: "PageRequest", sort: SortKey, id_key: str = "id"
) -> tuple[list[Any], str | None]:
    """Drop the probe row of a `limit + 1` fetch and make the next cursor from the last row
    (a result row or an entity: the sort columns are read by their keys)."""
    kept, has_more = trim_page(rows, page.limit)
    if not has_more:
        return kept, None
    last = kept[-1]
    values = tuple(getattr(last, key.column.key) for key in sort.keys)
    return kept, page.codec.encode(sort, values, getattr(last, id_key))


def read_page(
    session: Session,
    template: Select[Any],
    params: Mapping[str, Any],
    *,
    page: "PageRequest",
    sort: SortKey,
    entities: bool = False,
    id_key: str = "id",
) -> tuple[list[Any], str | None]:
    """The one keyset page runner: execute a `keyset_template` statement for this page and cut
    it. Rows are result rows, or the selected entities with `entities=True`."""
    result = session.execute(template, {**params, **keyset_params(page, sort)})
    rows = result.scalars().all() if entities else result.all()
    return cut_page(rows, page, sort, id_key)


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

    def start_after(self, sort: SortKey) -> tuple[tuple[Any, ...], str] | None:
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
) -> tuple[list[R], str | None]:
    """A keyset page of the entities `statement` selects (lists that are not hot paths: the
    statement is built per request). Returns the rows and the next page's cursor (or None)."""
    template = keyset_template(statement, sort, id_column, after=page.cursor is not None)
    return read_page(
        session, template, {}, page=page, sort=sort, entities=True, id_key=id_column.key
    )


def count_matching(session: Session, statement: Select[Any]) -> int:
    subquery = statement.order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def page_links(request: Request, next_cursor: str | None, base_url: str | None) -> list[str]:
    if next_cursor is None:
        return []
    return [f'<{next_page_url(request, next_cursor, base_url)}>; rel="next"']
