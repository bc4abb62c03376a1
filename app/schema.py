"""Schema management through alembic, for the CLI and the tests alike."""

from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from app.db import make_sessionmaker
from app.search import index as search_index
from app.taxonomy.reference import sync_reference_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def migrate(engine: Engine, languages: Iterable[str] = ()) -> dict[str, int]:
    """Schema to head, then reference taxonomies in line with the shipped files (place names
    in `languages` too, the served ones), then the search index if it is still empty."""
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        counts = sync_reference_data(session, languages)
        counts["search documents"] = search_index.fill_if_empty(session)
        return counts
