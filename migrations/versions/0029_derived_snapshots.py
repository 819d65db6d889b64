"""derived snapshots: stats_snapshots.derived marks the weekly snapshots built from imported days

A derived snapshot is rebuilt from daily_stats whenever an import commits or is undone; a
typed one (derived false) is never touched by that. A plain ADD COLUMN with a server default:
nothing refers to stats_snapshots, but there is no need for SQLite's table rebuild either.

Revision ID: 0029_derived_snapshots
Revises: 0028_import_mappings
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_derived_snapshots"
down_revision: str | None = "0028_import_mappings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "stats_snapshots",
        sa.Column("derived", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # Derived snapshots are only a copy of imported days: going down they go, not turn typed.
    op.execute("DELETE FROM stats_snapshots WHERE derived")
    with op.batch_alter_table("stats_snapshots") as batch_op:
        batch_op.drop_column("derived")
