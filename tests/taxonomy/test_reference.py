"""The shipped reference data: complete, consistent, and idempotent to sync."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.taxonomy.models import FrameworkTerm, Place, Topic
from app.taxonomy.reference import sync_reference_data


def test_second_sync_writes_nothing(session: Session) -> None:
    assert sync_reference_data(session) == {"places": 0, "topics": 0, "frameworks": 0, "terms": 0}


def test_every_country_sits_under_a_region(session: Session) -> None:
    orphans = session.scalar(
        select(func.count()).where(Place.kind == "country", Place.parent_code.is_(None))
    )
    assert orphans == 0


def test_country_names_are_translated(session: Session) -> None:
    mexico = session.get(Place, "MEX")
    assert mexico is not None
    assert mexico.names["en"] == "Mexico"
    assert mexico.names["fr"] == "Mexique"
    assert mexico.names["es"] == "México"


def test_next_migrate_brings_new_names_to_an_existing_database(
    client: TestClient, session: Session
) -> None:
    honduras = session.get(Place, "HND")
    assert honduras is not None
    honduras.names = {"en": "Honduras", "fr": "Honduras"}  # as an older release stored it
    session.flush()
    assert client.get("/v1/places/HND?lang=es").json()["fallback"] is not None
    assert sync_reference_data(session)["places"] == 1  # what `newsroom migrate` runs
    session.commit()
    body = client.get("/v1/places/HND?lang=es").json()
    assert (body["name"], body["lang"], body["fallback"]) == ("Honduras", "es", None)


def test_place_names_come_in_any_served_language_cldr_knows(session: Session) -> None:
    sync_reference_data(session, ["pt", "zz"])
    mexico = session.get(Place, "MEX")
    caribbean = session.get(Place, "029")
    assert mexico is not None
    assert caribbean is not None
    assert mexico.names["pt"] == "México"
    assert caribbean.names["pt"] == "Caribe"
    assert set(mexico.names) == {"en", "fr", "es", "ar", "ru", "zh", "pt"}


def test_term_parents_belong_to_the_same_framework(session: Session) -> None:
    parent = FrameworkTerm.__table__.alias("parent")
    mismatched = session.scalar(
        select(func.count())
        .select_from(FrameworkTerm)
        .join(parent, parent.c.code == FrameworkTerm.parent_code)
        .where(parent.c.framework_code != FrameworkTerm.framework_code)
    )
    assert mismatched == 0


def test_sync_leaves_edited_topics_alone(session: Session) -> None:
    topic = session.get(Topic, "counter-trafficking")
    assert topic is not None
    topic.names = {"en": "Anti-trafficking"}
    session.flush()
    sync_reference_data(session)
    assert topic.names == {"en": "Anti-trafficking"}
