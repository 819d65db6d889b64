"""lists: an index for every filter and sort of the keyset-paged lists, owner first, id last

Each list reads one index range from the cursor on (crm/pagination.py), so its index must
hold the list's filter, then its sort keys, then id. The shorter indexes these extend are
dropped: every query they served is served by the longer one.

The pitch list filtered by status uses the board's (owner_id, status, updated_at, id), and
the follow-ups due list the partial ix_pitches_followups_due: both come with the board's
migration.

Revision ID: 0013_list_indexes
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_list_indexes"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, new index, columns, the index it replaces and that one's columns, or None)
INDEXES: tuple[tuple[str, str, list[str], tuple[str, list[str]] | None], ...] = (
    (
        "brands",
        "ix_brands_owner_recent",
        ["owner_id", "updated_at", "id"],
        ("ix_brands_owner_updated", ["owner_id", "updated_at"]),
    ),
    (
        "brands",
        "ix_brands_owner_name_id",
        ["owner_id", "name_key", "id"],
        ("ix_brands_owner_name", ["owner_id", "name_key"]),
    ),
    ("brands", "ix_brands_owner_created", ["owner_id", "created_at", "id"], None),
    ("brands", "ix_brands_owner_followers", ["owner_id", "tiktok_followers", "id"], None),
    (
        "brands",
        "ix_brands_owner_status_recent",
        ["owner_id", "status", "updated_at", "id"],
        ("ix_brands_owner_status", ["owner_id", "status"]),
    ),
    (
        "brands",
        "ix_brands_owner_category_recent",
        ["owner_id", "product_category", "updated_at", "id"],
        ("ix_brands_owner_category", ["owner_id", "product_category"]),
    ),
    (
        "brands",
        "ix_brands_owner_source_recent",
        ["owner_id", "source", "updated_at", "id"],
        ("ix_brands_owner_source", ["owner_id", "source"]),
    ),
    (
        "pitches",
        "ix_pitches_owner_recent",
        ["owner_id", "updated_at", "id"],
        ("ix_pitches_owner_updated", ["owner_id", "updated_at"]),
    ),
    (
        "pitches",
        "ix_pitches_owner_kind_recent",
        ["owner_id", "kind", "updated_at", "id"],
        ("ix_pitches_owner_kind", ["owner_id", "kind"]),
    ),
    ("pitches", "ix_pitches_brand_recent", ["brand_id", "updated_at", "id"], None),
    (
        "brand_activities",
        "ix_brand_activities_brand_at_id",
        ["brand_id", "at", "id"],
        ("ix_brand_activities_brand_at", ["brand_id", "at"]),
    ),
    (
        "brand_activities",
        "ix_brand_activities_pitch_at",
        ["pitch_id", "at", "id"],
        ("ix_brand_activities_pitch_id", ["pitch_id"]),
    ),
    ("stats_snapshots", "ix_stats_snapshots_owner_taken", ["owner_id", "taken_on", "id"], None),
)


def upgrade() -> None:
    for table, name, columns, replaces in INDEXES:
        op.create_index(name, table, columns)
        if replaces is not None:
            op.drop_index(replaces[0], table_name=table)


def downgrade() -> None:
    for table, name, _columns, replaces in reversed(INDEXES):
        if replaces is not None:
            op.create_index(replaces[0], table, replaces[1])
        op.drop_index(name, table_name=table)
