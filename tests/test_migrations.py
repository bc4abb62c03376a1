"""Migrations go up from empty, down to base and up again, and match the models exactly."""

from collections.abc import Callable
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.config import Settings
from app.db import make_engine
from app.models import include_name, metadata
from app.schema import alembic_config, downgrade, upgrade


def drift(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, metadata))


def test_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_round_trip_and_no_drift(fresh_database_url: Callable[[], str]) -> None:
    engine = make_engine(Settings(environment="test", database_url=fresh_database_url()))
    try:
        upgrade(engine)
        assert drift(engine) == []
        assert "statements" in inspect(engine).get_table_names()

        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        upgrade(engine)
        assert drift(engine) == []
    finally:
        engine.dispose()
