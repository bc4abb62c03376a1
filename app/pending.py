"""Pending working copies: an edit to live content by a key without `content:publish`.

Writing is not publishing. Such an edit does not touch what the public sees: it is kept here as
the accumulated patch (the update body's fields, translations merged per language) until a
publisher applies it (`publish`) or someone discards it. One copy per item; later edits merge
onto it. This module knows no domain: the domains store their own update bodies in it.
"""

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import flag_modified

from app.api.problems import Conflict
from app.db import Base, Versioned

U = TypeVar("U", bound=BaseModel)  # an update body
E = TypeVar("E", bound=BaseModel)  # an editorial representation


class PendingCopy(Base):
    __tablename__ = "pending_copies"

    resource_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    patch: Mapped[dict[str, Any]]
    key_id: Mapped[str] = mapped_column(String(32))  # who edited it last
    updated_at: Mapped[datetime]


def merge_patch(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`patch` onto `base`: fields replaced, `translations` merged per language (a null
    language stays, meaning "remove it when applied")."""
    merged = {**base, **patch}
    if base.get("translations") is not None and patch.get("translations") is not None:
        merged["translations"] = {**base["translations"], **patch["translations"]}
    return merged


def get(session: Session, resource_type: str, resource_id: str) -> dict[str, Any] | None:
    copy = session.get(PendingCopy, (resource_type, resource_id))
    return None if copy is None else dict(copy.patch)


def get_many(session: Session, resource_type: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The working copies of these items (one query: for preview lists)."""
    if not ids:
        return {}
    rows = session.scalars(
        select(PendingCopy).where(
            PendingCopy.resource_type == resource_type, PendingCopy.resource_id.in_(ids)
        )
    )
    return {row.resource_id: dict(row.patch) for row in rows}


def put(
    session: Session,
    resource_type: str,
    resource_id: str,
    patch: dict[str, Any],
    *,
    key_id: str,
    now: datetime,
) -> dict[str, Any]:
    """Merge `patch` onto the item's working copy (made if there is none); returns the result."""
    copy = session.get(PendingCopy, (resource_type, resource_id))
    if copy is None:
        copy = PendingCopy(
            resource_type=resource_type, resource_id=resource_id, patch={}, key_id=key_id
        )
        session.add(copy)
    copy.patch = merge_patch(copy.patch or {}, patch)
    copy.key_id = key_id
    copy.updated_at = now
    flag_modified(copy, "patch")
    session.flush()
    return dict(copy.patch)


def drop(session: Session, resource_type: str, resource_id: str) -> dict[str, Any] | None:
    """Remove the working copy; returns what it held (None if there was none)."""
    copy = session.get(PendingCopy, (resource_type, resource_id))
    if copy is None:
        return None
    held = dict(copy.patch)
    session.delete(copy)
    session.flush()
    return held


def new_editorial_version(session: Session, row: Versioned) -> None:
    """A new editorial version (ETag) without a new public date: `updated_at` keeps its value
    (the public shows it and dates responses with it), but the row's version still moves, so
    of two editors holding the same ETag exactly one wins."""
    flag_modified(row, "updated_at")
    session.flush()


def overlay(content: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The working copy as an editor reads it: the current content with the patch applied."""
    result = dict(content)
    for name, value in patch.items():
        if name == "translations" and value is not None:
            languages = dict(content.get("translations") or {})
            for lang, text in value.items():
                if text is None:
                    languages.pop(lang, None)
                else:
                    languages[lang] = text
            result["translations"] = languages
        else:
            result[name] = value
    return result


def differences(live: dict[str, Any], pending: dict[str, Any]) -> list[str]:
    """JSON pointers to what the working copy would change: whole fields, whole languages
    added or removed, or single fields of a language."""
    pointers = []
    for name in sorted(set(live) | set(pending)):
        before, after = live.get(name), pending.get(name)
        if before == after:
            continue
        if name == "translations" and isinstance(before, dict) and isinstance(after, dict):
            for lang in sorted(set(before) | set(after)):
                old, new = before.get(lang), after.get(lang)
                if old == new:
                    continue
                if isinstance(old, dict) and isinstance(new, dict):
                    pointers += [
                        f"/translations/{lang}/{field}"
                        for field in sorted(set(old) | set(new))
                        if old.get(field) != new.get(field)
                    ]
                else:
                    pointers.append(f"/translations/{lang}")
        else:
            pointers.append(f"/{name}")
    return pointers


def as_patch(data: BaseModel) -> dict[str, Any]:
    """An update body as stored in a working copy: the fields it set, as JSON."""
    return data.model_dump(mode="json", exclude_unset=True)


def take(session: Session, resource_type: str, resource_id: str, update: type[U]) -> U | None:
    """Remove the working copy and return it as one update body, to be applied."""
    patch = drop(session, resource_type, resource_id)
    return None if patch is None else update.model_validate(patch)


def take_with(session: Session, resource_type: str, resource_id: str, data: U) -> U:
    """The working copy (removed) with `data` merged onto it: what a publisher's PATCH
    applies. It sent the ETag of the version that showed the copy, so it saw what it
    publishes (as Wagtail publishes the latest draft revision, everyone's edits included)."""
    patch = drop(session, resource_type, resource_id)
    if patch is None:
        return data
    return type(data).model_validate(merge_patch(patch, as_patch(data)))


def discard(session: Session, resource_type: str, resource_id: str, row: Versioned) -> None:
    if get(session, resource_type, resource_id) is None:
        raise Conflict(f"This {resource_type} has no pending working copy to discard.")
    # The version first: its UPDATE checks the version read and locks the row, so of two
    # editors holding one ETag the second gets its 412 before it touches the copy.
    new_editorial_version(session, row)
    drop(session, resource_type, resource_id)


def with_pending(
    session: Session,
    resource_type: str,
    resource_id: str,
    model: E,
    content_fields: tuple[str, ...],
) -> E:
    """An editorial representation plus the working copy and what it would change."""
    patch = get(session, resource_type, resource_id)
    if patch is None:
        return model
    live = {k: v for k, v in model.model_dump(mode="json").items() if k in content_fields}
    copy = overlay(live, patch)
    return model.model_copy(update={"pending": copy, "pending_changes": differences(live, copy)})
