"""An operator gives a key its own quota from the command line (e.g. the load-test key)."""

import re

from click.testing import CliRunner
from sqlalchemy import delete, select

from app.auth.models import ApiKey
from app.cli import main
from app.config import Settings, get_settings
from app.db import make_engine


def test_keys_create_takes_a_rate_limit(settings: Settings, engine: object) -> None:
    env = {
        "NEWSROOM_DATABASE_URL": settings.database_url,
        "NEWSROOM_SECRET_KEY": "test-secret-key",
        "NEWSROOM_ENVIRONMENT": "test",
    }
    get_settings.cache_clear()
    own = make_engine(Settings(database_url=settings.database_url))
    try:
        arguments = ["keys", "create", "--name", "load test", "--scope", "content:preview"]
        result = CliRunner().invoke(main, [*arguments, "--rate-limit", "50000"], env=env)
        assert result.exit_code == 0, result.output
        key_id = re.search(r"key id:\s+(\S+)", result.output)
        assert key_id is not None
        with own.connect() as connection:
            stored = connection.scalar(
                select(ApiKey.rate_limit).where(ApiKey.id == key_id.group(1))
            )
        assert stored == 50000
        refused = CliRunner().invoke(main, [*arguments, "--rate-limit", "0"], env=env)
        assert refused.exit_code != 0
    finally:
        get_settings.cache_clear()
        with own.begin() as connection:  # the CLI committed outside any test transaction
            connection.execute(delete(ApiKey).where(ApiKey.name == "load test"))
        own.dispose()
