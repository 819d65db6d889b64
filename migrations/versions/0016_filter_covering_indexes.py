"""filters: the tag index and the recent-activity index cover what the list's filters check

A brand list narrowed by a tag and "good targets" read, at 100,000 brands, every
tagged brand's row to check it (the tag index held no brand id, the recent index no
follower count or ad flag): about 3,500 table reads to count and again to show a page.
With brand_id in the tag index and the good-target columns (runs_tiktok_ads,
tiktok_followers) at the end of the recent index, the count and the walk in recent
order read index entries only. Both indexes keep their names and their leading
columns, so every query they served before is served as it was.

Revision ID: 0016_filter_covering_indexes
Revises: 0015_board_totals
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_filter_covering_indexes"
down_revision: str | None = "0015_board_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, index, columns before, columns after)
INDEXES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    (
        "brands",
        "ix_brands_owner_recent",
        ["owner_id", "updated_at", "id"],
        ["owner_id", "updated_at", "id", "runs_tiktok_ads", "tiktok_followers"],
    ),
    (
        "brand_tags",
        "ix_brand_tags_owner_name",
        ["owner_id", "name"],
        ["owner_id", "name", "brand_id"],
    ),
)


def _rebuild(table: str, name: str, columns: list[str]) -> None:
    op.drop_index(name, table_name=table)
    op.create_index(name, table, columns)


def upgrade() -> None:
    for table, name, _before, after in INDEXES:
        _rebuild(table, name, after)


def downgrade() -> None:
    for table, name, before, _after in INDEXES:
        _rebuild(table, name, before)
