"""stats and profile: 8-byte view, like and follower counts (PostgreSQL)

Views of a viral video pass two billion, past a 4-byte integer. SQLite's INTEGER
already holds 8 bytes, so there the schema stays as it is: batch mode would rebuild
`users`, and with foreign keys on, dropping it cascades into every owned row.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_COUNTS = {
    "stats_snapshots": ["followers", "video_views", "likes", "comments", "shares"],
    "portfolio_videos": ["views", "likes"],
    "users": ["followers"],
}


def _alter(to: sa.types.TypeEngine, was: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in BIG_COUNTS.items():
        for column in columns:
            op.alter_column(table, column, type_=to, existing_type=was, existing_nullable=False)


def upgrade() -> None:
    _alter(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    # Counts past 2,147,483,647 make this fail, rather than be cut short.
    _alter(sa.Integer(), sa.BigInteger())
