"""The migration that prefixes key ids renames them everywhere, and old tokens keep working."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text

from app.auth.dependencies import key_pepper
from app.auth.service import _hash, authenticate
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.schema import downgrade, upgrade

BEFORE = "8e69ecbe4ae0"
LEGACY_ID = "01jabcdefghjkmnpqrstvwxyz0"
CREATED_ID = "01jzzzzzzzzzzzzzzzzzzzzzz1"
NOW = datetime(2026, 12, 3, tzinfo=UTC)


def test_legacy_ids_are_prefixed_everywhere(fresh_database_url: Callable[[], str]) -> None:
    settings = Settings(environment="test", database_url=fresh_database_url())
    engine = make_engine(settings)
    pepper = key_pepper(settings)
    try:
        upgrade(engine, BEFORE)
        with engine.begin() as connection:
            for key_id, creator in ((LEGACY_ID, None), (CREATED_ID, LEGACY_ID)):
                connection.execute(
                    text(
                        "INSERT INTO api_keys (id, name, scopes, secret_hash, created_at, "
                        "created_by) VALUES (:id, 'old', '[\"keys:admin\"]', :hash, :at, :by)"
                    ),
                    {"id": key_id, "hash": _hash(pepper, "s_e_c_r_e_t"), "at": NOW, "by": creator},
                )
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, key_id, action, resource_type, resource_id, at, "
                    "details) VALUES ('aud_1', :id, 'create_key', 'api_key', :created, :at, '{}')"
                ),
                {"id": LEGACY_ID, "created": CREATED_ID, "at": NOW},
            )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, created_by FROM api_keys")).all()
            keys: dict[str, str | None] = {row[0]: row[1] for row in rows}
            audit = connection.execute(text("SELECT key_id, resource_id FROM audit_log")).one()
        assert keys == {f"key_{LEGACY_ID}": None, f"key_{CREATED_ID}": f"key_{LEGACY_ID}"}
        assert tuple(audit) == (f"key_{LEGACY_ID}", f"key_{CREATED_ID}")
        with make_sessionmaker(engine)() as session:
            old_token = f"nwsk_{LEGACY_ID}_s_e_c_r_e_t"
            principal = authenticate(session, pepper=pepper, token=old_token, now=NOW)
            assert principal is not None
            assert principal.key_id == f"key_{LEGACY_ID}"
            new_token = f"nwsk_key_{LEGACY_ID}_s_e_c_r_e_t"
            assert authenticate(session, pepper=pepper, token=new_token, now=NOW) is not None
        downgrade(engine, BEFORE)
        with engine.connect() as connection:
            ids = set(connection.execute(text("SELECT id FROM api_keys")).scalars())
        assert ids == {LEGACY_ID, CREATED_ID}
    finally:
        engine.dispose()
