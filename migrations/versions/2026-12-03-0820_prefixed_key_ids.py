"""Give API key ids the `key_` prefix every other id has, everywhere they are stored

Tokens issued before keep working: the token parser maps `nwsk_<26 chars>_<secret>` to the
renamed `key_<26 chars>`. Legacy ids are exactly 26 characters without `_`; new ones are 30.

Revision ID: 3c1f7a9e2b44
Revises: 8e69ecbe4ae0
Create Date: 2026-12-03 08:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c1f7a9e2b44"
down_revision: str | None = "8e69ecbe4ae0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY = "length({col}) = 26"
PREFIXED = "length({col}) = 30 AND substr({col}, 1, 4) = 'key_'"


def _rename(add: bool) -> None:
    def new(col: str) -> str:
        return f"'key_' || {col}" if add else f"substr({col}, 5)"

    def old(col: str) -> str:
        return (LEGACY if add else PREFIXED).format(col=col)

    # One statement for ids and creators: foreign keys are checked at its end on both
    # databases, so the self-reference holds throughout.
    op.execute(
        f"UPDATE api_keys SET id = {new('id')}, created_by = CASE WHEN created_by IS NOT NULL "
        f"AND {old('created_by')} THEN {new('created_by')} ELSE created_by END "
        f"WHERE {old('id')}"
    )
    op.execute(f"UPDATE audit_log SET key_id = {new('key_id')} WHERE {old('key_id')}")
    op.execute(
        f"UPDATE audit_log SET resource_id = {new('resource_id')} "
        f"WHERE resource_type = 'api_key' AND {old('resource_id')}"
    )
    op.execute(f"UPDATE idempotency_keys SET key_id = {new('key_id')} WHERE {old('key_id')}")


def upgrade() -> None:
    _rename(add=True)


def downgrade() -> None:
    _rename(add=False)
