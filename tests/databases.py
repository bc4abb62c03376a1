"""Scratch PostgreSQL databases: for the suite (tests/conftest.py) and the contract run
(`.ci/schemathesis`), which calls this module from the shell:

    python -m tests.databases create SERVER_URL   # prints the new database's URL
    python -m tests.databases drop SERVER_URL DATABASE_URL
"""

import secrets
import sys

from sqlalchemy import create_engine, make_url


def create_scratch_database(server_url: str) -> str:
    """A new, empty database on the server; returns its URL."""
    name = f"newsroom_test_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(server_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def planned_rows(database_url: str, table: str) -> float | None:
    """The row count the planner's statistics give `table`, None when it has none (never
    analysed): SQLite's sqlite_stat1, PostgreSQL's last ANALYZE and its reltuples."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # One row per index, led by its row count (a partial index counts fewer).
                stats = connection.exec_driver_sql(
                    "SELECT stat FROM sqlite_stat1 WHERE tbl = ?", (table,)
                ).scalars()
                counts = [float(str(stat).split()[0]) for stat in stats]
                return max(counts) if counts else None
            row = connection.exec_driver_sql(
                "SELECT c.reltuples, s.last_analyze FROM pg_class c"
                " JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = %(t)s",
                {"t": table},
            ).one_or_none()
            return None if row is None or row.last_analyze is None else float(row.reltuples)
    finally:
        engine.dispose()


if __name__ == "__main__":
    action, server, *rest = sys.argv[1:]
    if action == "create":
        sys.stdout.write(create_scratch_database(server) + "\n")
    else:
        drop_scratch_database(server, rest[0])
