"""Tree rules for editing menus, enforced by the service."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import NotFound
from app.navigation.models import ItemKind, Menu, NavigationItem
from app.navigation.tree import InvalidMove, add_item, move_item, remove_item, reorder_children


@pytest.fixture
def menu(session: Session) -> str:
    session.add(Menu(key="test", names={"en": "Test"}))
    session.flush()
    return "test"


def node(session: Session, menu: str, label: str, parent: str | None = None) -> str:
    item = add_item(
        session, menu_key=menu, parent_id=parent, kind=ItemKind.HEADING, labels={"en": label}
    )
    return item.id


def children(session: Session, menu: str, parent: str | None) -> list[str]:
    condition = (
        NavigationItem.parent_id.is_(None) if parent is None else NavigationItem.parent_id == parent
    )
    rows = session.scalars(
        select(NavigationItem)
        .where(NavigationItem.menu_key == menu, condition)
        .order_by(NavigationItem.position)
    ).all()
    assert [r.position for r in rows] == list(range(len(rows)))  # contiguous
    return [r.labels["en"] for r in rows]


def test_moving_under_its_own_descendant_is_refused(session: Session, menu: str) -> None:
    root = node(session, menu, "root")
    child = node(session, menu, "child", root)
    grandchild = node(session, menu, "grandchild", child)
    for target in (root, child, grandchild):
        with pytest.raises(InvalidMove) as refused:
            move_item(session, item_id=root, parent_id=target)
        assert "its own descendants" in refused.value.detail
        assert refused.value.status == 409
    assert session.get(NavigationItem, root).parent_id is None  # type: ignore[union-attr]


def test_move_keeps_positions_contiguous(session: Session, menu: str) -> None:
    a, b, c = (node(session, menu, label) for label in "abc")
    x = node(session, menu, "x", a)
    move_item(session, item_id=c, parent_id=a, position=0)
    assert children(session, menu, None) == ["a", "b"]
    assert children(session, menu, a) == ["c", "x"]
    move_item(session, item_id=x, parent_id=None, position=1)
    assert children(session, menu, None) == ["a", "x", "b"]
    assert children(session, menu, a) == ["c"]
    del b


def test_insert_at_a_position(session: Session, menu: str) -> None:
    node(session, menu, "first")
    node(session, menu, "last")
    add_item(session, menu_key=menu, position=1, kind=ItemKind.HEADING, labels={"en": "middle"})
    assert children(session, menu, None) == ["first", "middle", "last"]


def test_reorder_takes_a_permutation(session: Session, menu: str) -> None:
    ids = [node(session, menu, label) for label in "abc"]
    reorder_children(session, menu_key=menu, parent_id=None, ordered_ids=[ids[2], ids[0], ids[1]])
    assert children(session, menu, None) == ["c", "a", "b"]
    with pytest.raises(InvalidMove):
        reorder_children(session, menu_key=menu, parent_id=None, ordered_ids=ids[:2])


def test_remove_takes_the_subtree_and_closes_the_gap(session: Session, menu: str) -> None:
    a, b, c = (node(session, menu, label) for label in "abc")
    node(session, menu, "b1", b)
    remove_item(session, item_id=b)
    session.expire_all()
    assert children(session, menu, None) == ["a", "c"]
    assert session.scalars(select(NavigationItem).where(NavigationItem.parent_id == b)).all() == []
    del a, c


def test_moving_to_another_menu_is_refused(session: Session, menu: str) -> None:
    session.add(Menu(key="other", names={"en": "Other"}))
    session.flush()
    here = node(session, menu, "here")
    there = node(session, "other", "there")
    with pytest.raises(InvalidMove):
        move_item(session, item_id=here, parent_id=there)
    with pytest.raises(NotFound):
        move_item(session, item_id="nav_missing", parent_id=None)
