"""deliverables: the one-time token of the form that added them

A new deliverable stores its form's token under a unique (owner, token) index, so a
double click on "Add deliverable" adds one. A plain ADD COLUMN and CREATE UNIQUE INDEX,
as in 0019: no table rebuild on SQLite.

Revision ID: 0021_deliverable_tokens
Revises: 0020_deals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_deliverable_tokens"
down_revision: str | None = "0020_deals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deliverables", sa.Column("creation_token", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_deliverables_owner_token", "deliverables", ["owner_id", "creation_token"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_deliverables_owner_token", table_name="deliverables")
    # SQLite 3.35+ drops a column in place; no table rebuild, no cascade.
    op.execute("ALTER TABLE deliverables DROP COLUMN creation_token")
