"""users: the creator's timezone (an IANA name), UTC until they choose one

A plain ADD COLUMN, not batch mode: on SQLite batch mode would rebuild `users`, and
with foreign keys on, dropping it cascades into every owned row.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC")
    )


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; no table rebuild, no cascade.
    op.execute("ALTER TABLE users DROP COLUMN timezone")
