"""Commitments on the one publication lifecycle (`app.publication`).

A commitment's public form embeds its source statement (or nulls it while the statement is
not public), so a statement entering or leaving public view changes what the public sees of
every public commitment citing it: `announce_citing` logs those changes.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes.service import Operation
from app.commitments.models import Commitment, CommitmentTranslation, commitment_actors
from app.publication.lifecycle import Lifecycle
from app.publication.sql import public_now

RESOURCE = "commitment"


def public_langs(session: Session, commitment: Commitment) -> Collection[str]:
    return list(
        session.scalars(
            select(CommitmentTranslation.lang).where(
                CommitmentTranslation.commitment_id == commitment.id
            )
        )
    )


COMMITMENTS = Lifecycle(resource=RESOURCE, model=Commitment, public_langs=public_langs)


def announce_citing(session: Session, statement_id: str, now: datetime) -> None:
    """An `update` for each public commitment citing the statement, whose visibility just
    changed: their public `source` appears or turns null."""
    citing = session.scalars(
        select(Commitment)
        .where(Commitment.source_statement_id == statement_id, public_now(Commitment, now))
        .order_by(Commitment.id)
    ).all()
    for commitment in citing:
        COMMITMENTS.announce(session, commitment, Operation.UPDATE, now)


def announce_naming(session: Session, actor_id: str, now: datetime) -> None:
    """An `update` for each public commitment naming the actor, whose name, acronym or type
    just changed: the commitments embed them."""
    named = select(commitment_actors.c.commitment_id).where(
        commitment_actors.c.actor_id == actor_id
    )
    naming = session.scalars(
        select(Commitment)
        .where(Commitment.id.in_(named), public_now(Commitment, now))
        .order_by(Commitment.id)
    ).all()
    for commitment in naming:
        COMMITMENTS.announce(session, commitment, Operation.UPDATE, now)
