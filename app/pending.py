"""Pending working copies: an edit to live content by a key without `content:publish`.

Writing is not publishing. Such an edit does not touch what the public sees: it is kept here as
the accumulated patch (the update body's fields, translations merged per language) until a
publisher applies it (`publish`) or someone discards it. One copy per item; later edits merge
onto it. This module knows no domain: the domains store their own update bodies in it.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import flag_modified

from app.db import Base, Versioned


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
