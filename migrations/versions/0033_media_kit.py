"""media kit: media_kits (one per creator, off until turned on), and the brands and videos
the creator ticked to show on it

The slug is unique across the server: it is the kit's public address, and a changed slug
frees the old one (which then answers 404).

Revision ID: 0033_media_kit
Revises: 0032_approval_links
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033_media_kit"
down_revision: str | None = "0032_approval_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["owner_id"], ["users.id"], name=op.f(f"fk_{table}_owner_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "media_kits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=True),
        sa.Column("bio", sa.String(length=600), server_default="", nullable=False),
        sa.Column("hidden_blocks", sa.String(length=200), server_default="", nullable=False),
        sa.Column("videos_by_views", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("ugc_video_cents", BIG, nullable=True),
        sa.Column("sponsored_post_cents", BIG, nullable=True),
        sa.Column("package_cents", BIG, nullable=True),
        sa.Column("retainer_cents", BIG, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(ugc_video_cents IS NULL OR ugc_video_cents >= 0)"
            " AND (sponsored_post_cents IS NULL OR sponsored_post_cents >= 0)"
            " AND (package_cents IS NULL OR package_cents >= 0)"
            " AND (retainer_cents IS NULL OR retainer_cents >= 0)",
            name=op.f("ck_media_kits_prices_not_negative"),
        ),
        _owner("media_kits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_kits")),
        sa.UniqueConstraint("owner_id", name=op.f("uq_media_kits_owner_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_media_kits_slug")),
    )
    op.create_index(op.f("ix_media_kits_owner_id"), "media_kits", ["owner_id"])
    for table, column, target in (
        ("media_kit_brands", "brand_id", "brands"),
        ("media_kit_videos", "video_id", "portfolio_videos"),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("owner_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            _owner(table),
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=op.f(f"fk_{table}_{column}_{target}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("owner_id", column, name=op.f(f"uq_{table}_owner_id_{column}")),
        )
        op.create_index(op.f(f"ix_{table}_owner_id"), table, ["owner_id"])
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    op.drop_table("media_kit_videos")
    op.drop_table("media_kit_brands")
    op.drop_table("media_kits")
