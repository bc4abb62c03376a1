"""Who may write what in a menu. Menus have no working copies, so the rule is simple: staging
drafts needs `navigation:write` (which the routes check); anything touching a published item,
and publishing or unpublishing, needs `content:publish` too."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.problems import Forbidden
from app.auth.models import Scope
from app.auth.service import Principal
from app.navigation.models import Menu, NavigationItem
from app.publication import PublicationStatus

PUBLISHED = PublicationStatus.PUBLISHED


def require_publisher(principal: Principal, why: str) -> None:
    """403 naming `content:publish` unless the key holds it."""
    if not principal.can(Scope.CONTENT_PUBLISH):
        raise Forbidden(f"This API key lacks the `content:publish` scope, needed {why}.")


def require_may_change(principal: Principal, item: NavigationItem) -> None:
    """403 unless the key may change this item: drafts need only `navigation:write`, which
    the route checked; published items `content:publish` too. Routes call it before checking
    `If-Match`, so a key that may never write it is told so whatever version it sent."""
    if item.publication_status is PUBLISHED:
        require_publisher(
            principal, "to change a published item (drafts need only `navigation:write`)"
        )


def require_may_reorder(
    session: Session, menu: Menu, parent_id: str | None, principal: Principal
) -> None:
    """Reordering siblings among which one is published needs `content:publish` (the public
    order may change); reordering drafts only, `navigation:write`."""
    parent = NavigationItem.parent_id
    published = session.scalar(
        select(NavigationItem.id).where(
            NavigationItem.menu_key == menu.key,
            parent.is_(None) if parent_id is None else parent == parent_id,
            NavigationItem.publication_status == PUBLISHED,
        )
    )
    if published is not None:
        require_publisher(principal, "to reorder published items")
