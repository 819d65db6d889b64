"""kit indexes: the portfolio's videos per owner by views, most viewed first

The media kit shows a creator's six most viewed videos and the kit's settings offer the
sixty most viewed to pick from; with only the owner's index both sorted every video of the
creator on each request (35 ms at 100,000 videos on SQLite). Read backwards, this index
hands over the top rows in order and the LIMIT stops there.

Revision ID: 0035_kit_indexes
Revises: 0034_inquiries
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035_kit_indexes"
down_revision: str | None = "0034_inquiries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_portfolio_videos_owner_views", "portfolio_videos", ["owner_id", "views", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_portfolio_videos_owner_views", table_name="portfolio_videos")
