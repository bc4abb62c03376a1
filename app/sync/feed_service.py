"""Reading the change feed: one page of the log as a filtered reader sees it."""

from collections.abc import Collection

from sqlalchemy.orm import Session

from app.api.problems import ProblemError
from app.changes import service as changes
from app.sync.feed_schemas import ChangeEvent, ChangePage, ChangeType

# Where each kind of item lives in the public API.
ITEM_PATHS = {
    ChangeType.STATEMENT: "/v1/statements/{id}",
    ChangeType.COMMITMENT: "/v1/commitments/{id}",
    ChangeType.MENU: "/v1/navigation/{id}",
}


class ChangeFeedPositionExpired(ProblemError):
    status = 410
    slug = "change-feed-position-expired"
    title = "This feed position is no longer served"
    description = (
        "Tombstones older than the change log's retention are dropped, and the `after` given "
        "lies before the oldest one kept (or after the newest position: the log was reset). "
        "A reader there may have missed deletions: start again from a snapshot "
        "(`/v1/export/...`, which says the position to follow on from) or from `after=0`."
    )


def read_page(
    session: Session,
    *,
    after: int,
    limit: int,
    types: Collection[ChangeType],
    lang: str | None,
    origin: str,
) -> ChangePage:
    horizon, latest = changes.positions(session)
    if 0 < after < horizon or after > latest:
        raise ChangeFeedPositionExpired(
            f"The feed keeps every change after position {horizon} (newest {latest}); this "
            "position is outside it. Start again from a snapshot or from after=0."
        )
    page = changes.read_events(
        session,
        after=after,
        limit=limit,
        types=[t.value for t in types],
        lang=lang,
        latest=latest,  # read before the rows, as read_events needs it
    )
    items = [
        ChangeEvent(
            seq=event.seq,
            type=ChangeType(event.type),
            id=event.id,
            op=event.op,
            reason=event.reason,
            note=event.note,
            version=event.version,
            at=event.at,
            url=origin + ITEM_PATHS[ChangeType(event.type)].format(id=event.id),
        )
        for event in page.events
    ]
    return ChangePage(items=items, next_after=page.next_after, latest_seq=page.latest_seq)
