"""stats: one portfolio row per video link (owner_id, url)

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("portfolio_videos", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_portfolio_videos_owner_id_url"), ["owner_id", "url"]
        )


def downgrade() -> None:
    with op.batch_alter_table("portfolio_videos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_portfolio_videos_owner_id_url"), type_="unique")
