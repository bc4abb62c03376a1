"""Demo data: loads twice without change, and is realistic enough to exercise the API."""

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.actors.models import Actor, ActorType
from app.changes import service as changes_service
from app.commitments.models import Commitment, ProgressUpdate
from app.demo.commitments import load_demo_commitments
from app.demo.loader import demo_statements, load_demo_data, statement_id_for
from app.statements.models import Statement, StatementTranslation
from app.statements.service import is_public
from tests.conftest import FIXED_NOW


def test_loading_again_changes_nothing(session: Session) -> None:
    before = dict(session.execute(select(Statement.id, Statement.version)).all())
    load_demo_data(session)
    session.expire_all()
    after = dict(session.execute(select(Statement.id, Statement.version)).all())
    assert after == before


def test_demo_spread() -> None:
    entries = list(demo_statements())
    published = [e for e in entries if e.get("status", "published") == "published"]
    assert len(published) >= 31
    assert set(Counter(e["type"] for e in entries)) == {
        "statement",
        "press_release",
        "news",
        "speech",
        "joint_statement",
    }
    assert {e["published_at"][:4] for e in entries} >= {"2022", "2023", "2024", "2025", "2026"}
    assert any("fr" not in e["translations"] for e in entries)
    assert any("en" not in e["translations"] for e in entries)


def test_seed_statement_in_three_languages_with_aligned_paragraphs(session: Session) -> None:
    seed_id = statement_id_for("iom-lad-2022")
    seed = session.get(Statement, seed_id)
    assert seed is not None
    assert seed.published_at is not None
    assert seed.published_at.date().isoformat() == "2022-06-10"
    translations = session.scalars(
        select(StatementTranslation).where(StatementTranslation.statement_id == seed_id)
    ).all()
    assert {t.lang for t in translations} == {"en", "fr", "es"}
    anchors = {tuple(p["anchor"] for p in t.body) for t in translations}
    assert len(anchors) == 1
    assert {t.lang: t.dateline for t in translations}["en"] == "Los Angeles"
    assert all(t.dateline for t in translations)


def test_the_demo_draft_stays_hidden(session: Session) -> None:
    draft_id = statement_id_for("horn-of-africa-eastern-route-2026")
    visible = session.scalar(
        select(Statement.id).where(Statement.id == draft_id, is_public(FIXED_NOW))
    )
    assert session.get(Statement, draft_id) is not None
    assert visible is None


def test_loading_commitments_again_changes_nothing(session: Session) -> None:
    before = dict(session.execute(select(Commitment.id, Commitment.version)).all())
    updates = session.scalar(select(func.count()).select_from(ProgressUpdate))
    version = changes_service.current(session)
    load_demo_commitments(session, today=FIXED_NOW.date())
    session.expire_all()
    assert dict(session.execute(select(Commitment.id, Commitment.version)).all()) == before
    assert session.scalar(select(func.count()).select_from(ProgressUpdate)) == updates
    assert changes_service.current(session) == version


def test_every_lad_endorser_is_an_actor(session: Session) -> None:
    endorsers = {
        "ARG",
        "BRB",
        "BLZ",
        "BRA",
        "CAN",
        "CHL",
        "COL",
        "CRI",
        "ECU",
        "SLV",
        "GTM",
        "HTI",
        "HND",
        "JAM",
        "MEX",
        "PAN",
        "PRY",
        "PER",
        "USA",
        "URY",
        "GUY",
    }
    states = set(session.scalars(select(Actor.iso3).where(Actor.type == ActorType.STATE)))
    assert endorsers <= states
