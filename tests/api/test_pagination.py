"""The cursor codec on its own: round trips, forgery and sort binding."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.api.pagination import CursorCodec, datetime_sort_key, int_sort_key
from app.api.problems import InvalidCursor
from app.statements.models import Statement

NEWEST = datetime_sort_key("-published_at", Statement.published_at, descending=True)
OLDEST = datetime_sort_key("published_at", Statement.published_at, descending=False)
WHEN = datetime(2024, 5, 7, 9, 30, tzinfo=UTC)


def test_cursor_round_trips() -> None:
    codec = CursorCodec(b"k")
    cursor = codec.encode(NEWEST, (WHEN,), "stm_1")
    assert codec.decode(cursor, NEWEST) == ((WHEN,), "stm_1")


def test_cursor_signed_with_another_key_is_refused() -> None:
    cursor = CursorCodec(b"other").encode(NEWEST, (WHEN,), "stm_1")
    with pytest.raises(InvalidCursor):
        CursorCodec(b"k").decode(cursor, NEWEST)


def test_cursor_is_bound_to_its_sort() -> None:
    codec = CursorCodec(b"k")
    with pytest.raises(InvalidCursor):
        codec.decode(codec.encode(OLDEST, (WHEN,), "stm_1"), NEWEST)


@pytest.mark.parametrize("garbage", ["", ".", "abc", "abc.def", "====.x", "\u00e9.\u00e9"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        CursorCodec(b"k").decode(garbage, NEWEST)


BY_SCORE = int_sort_key("relevance", Statement.version, descending=True)
RANKED = replace(BY_SCORE, then=(NEWEST,))


def test_cursor_of_a_sort_with_several_columns_round_trips() -> None:
    codec = CursorCodec(b"k")
    cursor = codec.encode(RANKED, (1_000_042, WHEN), "stm_1")
    assert codec.decode(cursor, RANKED) == ((1_000_042, WHEN), "stm_1")


def test_cursor_with_too_few_columns_for_its_sort_is_refused() -> None:
    codec = CursorCodec(b"k")
    single = replace(RANKED, then=())
    with pytest.raises(InvalidCursor):
        codec.decode(codec.encode(single, (1_000_042,), "stm_1"), RANKED)
