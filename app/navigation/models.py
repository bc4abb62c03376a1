"""Menus and their items."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, checked_enum, utcnow
from app.publication import PublicationStatus

ITEM_ID_PREFIX = "nav"


class ItemKind(StrEnum):
    HEADING = "heading"  # a label that groups children, no link of its own
    ROUTE = "route"  # a page of the frontend, by its path
    CONTENT = "content"  # a resource of this API (a statement), linked in the reader's language
    EXTERNAL = "external"  # any other URL


class Menu(Base):
    __tablename__ = "menus"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    names: Mapped[dict[str, str]]
    # A draft menu is a 404 to the public, whatever its items; `withdrawn` is not used.
    publication_status: Mapped[PublicationStatus] = mapped_column(
        checked_enum(PublicationStatus, "publication_status"), default=PublicationStatus.DRAFT
    )
    # When the public menu last changed (set with `version`, never by draft edits): the
    # Last-Modified of its public reads.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped only when what the public sees of the menu changes: the version partners see in
    # the change log (and in exports), so it never moves without an entry saying so.
    version: Mapped[int] = mapped_column(default=1)
    # Bumped by every change to the menu or its items, drafts included: the menu's editorial
    # ETag, which reorders, publishing and unpublishing name in `If-Match`.
    revision: Mapped[int] = mapped_column(default=1)


class NavigationItem(Base):
    __tablename__ = "navigation_items"
    __table_args__ = (
        # A whole menu is read at once, in tree order.
        Index("ix_navigation_items_menu", "menu_key", "parent_id", "position"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    menu_key: Mapped[str] = mapped_column(ForeignKey("menus.key", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("navigation_items.id", ondelete="CASCADE"), index=True
    )
    # 0, 1, 2 ... among siblings, kept contiguous by the service.
    position: Mapped[int]
    kind: Mapped[ItemKind] = mapped_column(checked_enum(ItemKind, "item_kind"))
    route: Mapped[str | None] = mapped_column(String(300))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(32), index=True)
    url: Mapped[str | None] = mapped_column(String(500))
    visible: Mapped[bool] = mapped_column(default=True)
    # Staged items are drafts, hidden with their whole subtree until published.
    publication_status: Mapped[PublicationStatus] = mapped_column(
        checked_enum(PublicationStatus, "publication_status"), default=PublicationStatus.DRAFT
    )
    icon: Mapped[str | None] = mapped_column(String(64))
    labels: Mapped[dict[str, str]]
    blurbs: Mapped[dict[str, str]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's mapper config
