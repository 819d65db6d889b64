"""income, expenses, LIVEs: the one-time token of the form that made them; stats: posts unknown

A new income entry, expense or LIVE stores the token of its form under a unique
(owner, token) index, so a double submit saves one row. An index, and a plain ADD
COLUMN, rather than a constraint in batch mode: on SQLite batch mode rebuilds the table,
and with foreign keys on, dropping income_entries would clear every LIVE's entry_id.

stats_snapshots.posts becomes nullable: a snapshot entered without a post count stores
NULL (unknown), not 0. Nothing refers to stats_snapshots, so SQLite's rebuild (batch
mode: it copies the rows, named constraints and indexes) is safe. Going down, an unknown
count becomes 0, as it was stored before.

Indexes on (owner, currency, day, id) for income and expenses: a new form's prefill of
the last rate per currency seeks each currency instead of walking back through the rest.

Revision ID: 0019_income_tokens_and_posts
Revises: 0018_income_targets
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_income_tokens_and_posts"
down_revision: str | None = "0018_income_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENED = ("income_entries", "expenses", "live_sessions")
INDEXES = {
    "income_entries": "ix_income_entries_owner_token",
    "expenses": "ix_expenses_owner_token",
    "live_sessions": "ix_live_sessions_owner_token",
}
# The last rate per currency (a new form's prefill): a seek per currency, not a walk back
# through every entry until one in that currency turns up.
RATE_INDEXES = {
    "income_entries": ("ix_income_entries_owner_currency", "earned_on"),
    "expenses": ("ix_expenses_owner_currency", "spent_on"),
}


def upgrade() -> None:
    for table in TOKENED:
        op.add_column(table, sa.Column("creation_token", sa.String(length=64), nullable=True))
        op.create_index(INDEXES[table], table, ["owner_id", "creation_token"], unique=True)
    for table, (name, day) in RATE_INDEXES.items():
        op.create_index(name, table, ["owner_id", "currency", day, "id"])
    with op.batch_alter_table("stats_snapshots") as batch_op:
        batch_op.alter_column("posts", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    for table, (name, _day) in RATE_INDEXES.items():
        op.drop_index(name, table_name=table)
    op.execute("UPDATE stats_snapshots SET posts = 0 WHERE posts IS NULL")
    with op.batch_alter_table("stats_snapshots") as batch_op:
        batch_op.alter_column("posts", existing_type=sa.Integer(), nullable=False)
    for table in reversed(TOKENED):
        op.drop_index(INDEXES[table], table_name=table)
        # SQLite 3.35+ drops a column in place; no table rebuild, no cascade.
        op.execute(f"ALTER TABLE {table} DROP COLUMN creation_token")
