"""deals: the one-time token of the form that made them

A new deal stores the token of its form under a unique (owner, token) index, so a
double submit saves one deal. An index and a plain ADD COLUMN, as 0019 did for income:
no table rebuild on SQLite.

Revision ID: 0024_deal_tokens
Revises: 0023_invoices
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_deal_tokens"
down_revision: str | None = "0023_invoices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deals", sa.Column("creation_token", sa.String(length=64), nullable=True))
    op.create_index("ix_deals_owner_token", "deals", ["owner_id", "creation_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_deals_owner_token", table_name="deals")
    # SQLite 3.35+ drops a column in place; no table rebuild, no cascade.
    op.execute("ALTER TABLE deals DROP COLUMN creation_token")
