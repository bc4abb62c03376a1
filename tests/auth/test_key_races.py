"""Two admins revoking each other's keys at once cannot lock the service out."""

import threading
import time

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from app.api.problems import Conflict
from app.auth.models import ApiKey, Scope
from app.auth.service import issue_key, revoke_key
from tests.conftest import FIXED_NOW, requires_postgres


@requires_postgres
def test_of_two_concurrent_revocations_of_the_last_admins_one_is_refused(
    engine: Engine,
) -> None:
    with Session(engine) as setup, setup.begin():
        ids = [
            issue_key(setup, pepper=b"p", name="race admin", scopes=[Scope.KEYS_ADMIN])[0].id
            for _ in range(2)
        ]
        for key in setup.query(ApiKey).where(ApiKey.id.not_in(ids)):
            assert key.revoked_at is not None or Scope.KEYS_ADMIN.value not in key.scopes
    outcome: dict[str, str] = {}
    first = Session(engine)
    try:
        revoke_key(first, key_id=ids[0], now=FIXED_NOW)  # holds its locks, uncommitted
        done = threading.Event()

        def second_admin() -> None:
            try:
                with Session(engine) as second, second.begin():
                    revoke_key(second, key_id=ids[1], now=FIXED_NOW)
                outcome["second"] = "revoked"
            except Conflict:
                outcome["second"] = "refused"
            done.set()

        thread = threading.Thread(target=second_admin)
        thread.start()
        time.sleep(0.5)
        assert not done.is_set()  # waiting for the first revocation to commit or roll back
        first.commit()
        thread.join(timeout=10)
        assert outcome == {"second": "refused"}
    finally:
        first.close()
        with engine.begin() as cleanup:
            cleanup.execute(delete(ApiKey).where(ApiKey.name == "race admin"))
