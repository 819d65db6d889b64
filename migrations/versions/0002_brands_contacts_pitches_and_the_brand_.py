"""brands, contacts, pitches and the brand timeline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:38:43.210662
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("website_domain", sa.String(length=255), nullable=False),
        sa.Column("tiktok_handle", sa.String(length=24), nullable=False),
        sa.Column("tiktok_followers", sa.Integer(), nullable=True),
        sa.Column("product_category", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "local",
                "dtc",
                "mid_size",
                "agency",
                "marketplace",
                name="brand_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "ad_library",
                "billo",
                "trend",
                "joinbrands",
                "referral",
                "inbound",
                "other",
                name="brand_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("runs_tiktok_ads", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "lead",
                "contacted",
                "in_talks",
                "client",
                "dormant",
                "not_a_fit",
                name="brand_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_brands_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
    )
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.create_index(
            "ix_brands_owner_domain", ["owner_id", "website_domain"], unique=False
        )
        batch_op.create_index("ix_brands_owner_handle", ["owner_id", "tiktok_handle"], unique=False)
        batch_op.create_index(batch_op.f("ix_brands_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_brands_owner_name", ["owner_id", "name_key"], unique=False)
        batch_op.create_index("ix_brands_owner_status", ["owner_id", "status"], unique=False)
        batch_op.create_index("ix_brands_owner_updated", ["owner_id", "updated_at"], unique=False)

    op.create_table(
        "brand_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
            name=op.f("fk_brand_tags_brand_id_brands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_brand_tags_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_tags")),
        sa.UniqueConstraint("brand_id", "name", name=op.f("uq_brand_tags_brand_id_name")),
    )
    with op.batch_alter_table("brand_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brand_tags_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_brand_tags_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_brand_tags_owner_name", ["owner_id", "name"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
            name=op.f("fk_contacts_brand_id_brands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contacts_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(
            "ix_contacts_one_primary",
            ["brand_id"],
            unique=True,
            sqlite_where=sa.text("is_primary"),
            postgresql_where=sa.text("is_primary"),
        )
        batch_op.create_index("ix_contacts_owner_email", ["owner_id", "email"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "pitches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "ugc",
                "sponsorship",
                "affiliate",
                "retainer",
                name="pitch_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "dm",
                "marketplace",
                "in_person",
                name="pitch_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("quoted_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "replied",
                "negotiating",
                "won",
                "lost",
                "ghosted",
                "declined",
                name="pitch_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("followups_sent", sa.Integer(), nullable=False),
        sa.Column("next_followup_on", sa.Date(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("followups_sent >= 0", name=op.f("ck_pitches_followups_not_negative")),
        sa.CheckConstraint(
            "quoted_cents IS NULL OR quoted_cents >= 0", name=op.f("ck_pitches_quote_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brands.id"], name=op.f("fk_pitches_brand_id_brands"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_pitches_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_pitches_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitches")),
    )
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.create_index("ix_pitches_brand_created", ["brand_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pitches_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_pitches_owner_followup", ["owner_id", "next_followup_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pitches_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_pitches_owner_status", ["owner_id", "status"], unique=False)

    op.create_table(
        "brand_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("pitch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
            name=op.f("fk_brand_activities_brand_id_brands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_brand_activities_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pitch_id"],
            ["pitches.id"],
            name=op.f("fk_brand_activities_pitch_id_pitches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_activities")),
    )
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.create_index("ix_brand_activities_brand_at", ["brand_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_brand_activities_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_brand_activities_pitch_id"), ["pitch_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brand_activities_pitch_id"))
        batch_op.drop_index(batch_op.f("ix_brand_activities_owner_id"))
        batch_op.drop_index("ix_brand_activities_brand_at")

    op.drop_table("brand_activities")
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.drop_index("ix_pitches_owner_status")
        batch_op.drop_index(batch_op.f("ix_pitches_owner_id"))
        batch_op.drop_index("ix_pitches_owner_followup")
        batch_op.drop_index(batch_op.f("ix_pitches_contact_id"))
        batch_op.drop_index("ix_pitches_brand_created")

    op.drop_table("pitches")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_owner_id"))
        batch_op.drop_index("ix_contacts_owner_email")
        batch_op.drop_index(
            "ix_contacts_one_primary",
            sqlite_where=sa.text("is_primary"),
            postgresql_where=sa.text("is_primary"),
        )
        batch_op.drop_index(batch_op.f("ix_contacts_brand_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("brand_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_brand_tags_owner_name")
        batch_op.drop_index(batch_op.f("ix_brand_tags_owner_id"))
        batch_op.drop_index(batch_op.f("ix_brand_tags_brand_id"))

    op.drop_table("brand_tags")
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.drop_index("ix_brands_owner_updated")
        batch_op.drop_index("ix_brands_owner_status")
        batch_op.drop_index("ix_brands_owner_name")
        batch_op.drop_index(batch_op.f("ix_brands_owner_id"))
        batch_op.drop_index("ix_brands_owner_handle")
        batch_op.drop_index("ix_brands_owner_domain")

    op.drop_table("brands")
