"""Menus on the one publication lifecycle (`app.publication`): a menu's public view changed,
so its `version` moves once and the change log gets one entry."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes.service import Operation
from app.navigation.models import Menu, NavigationItem
from app.navigation.visibility import PublicView
from app.publication import PublicationStatus
from app.publication.lifecycle import announce

RESOURCE = "menu"
PUBLISHED = PublicationStatus.PUBLISHED


def announce_change(
    session: Session, menu: Menu, before: PublicView, after: PublicView, now: datetime
) -> None:
    """The one place menus write the change log: one entry and one version when (and only
    when) the public view changed."""
    if before == after:
        return
    if before is None:
        operation = Operation.PUBLISH
    elif after is None:
        operation = Operation.UNPUBLISH
    else:
        operation = Operation.UPDATE
    _log(session, menu, operation, now)


def _log(session: Session, menu: Menu, operation: Operation, now: datetime) -> None:
    menu.version = Menu.version + 1  # in SQL: concurrent writers each get their own number
    menu.updated_at = now
    session.flush()
    announce(
        session,
        resource=RESOURCE,
        resource_id=menu.key,
        version=menu.version,
        operation=operation,
        at=now,
        langs=None,  # labels fall back to the default language: public in every language
    )


def announce_linking(session: Session, statement_id: str, now: datetime) -> None:
    """A statement entered or left public view: a published menu with a published item
    linking to it shows that item (and its children) or no longer does, so it changes for
    the public and for partners: one update each."""
    keys = session.scalars(
        select(NavigationItem.menu_key)
        .where(
            NavigationItem.target_id == statement_id,
            NavigationItem.publication_status == PUBLISHED,
        )
        .distinct()
        .order_by(NavigationItem.menu_key)
    ).all()
    for key in keys:
        menu = session.get(Menu, key)
        if menu is not None and menu.publication_status is PUBLISHED:
            _log(session, menu, Operation.UPDATE, now)
