"""deals: work won from a brand, its deliverables and rights; three timeline kinds

Revision ID: 0020_deals
Revises: 0019_income_tokens_and_posts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_deals"
down_revision: str | None = "0019_income_tokens_and_posts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("ugc", "sponsored_post", "affiliate", "retainer", "gifted")
TERMS = ("on_delivery", "net_15", "net_30", "net_60", "half_upfront")
STATUSES = ("active", "delivered", "paid", "cancelled")
TYPES = ("ugc_video", "sponsored_post", "story", "live_mention", "raw_footage", "other")
STAGES = (
    "briefed",
    "scripting",
    "filming",
    "editing",
    "submitted",
    "revisions",
    "approved",
    "posted",
)
NOT_POSTED = "status != 'posted'"
WINDOW_DAYS_MAX = 3650
VIDEOS_PER_MONTH_MAX = 100

# The timeline's kinds before and after (0012 made them a checked list).
ACTIVITY_KINDS = (
    "note",
    "brand_created",
    "status_changed",
    "contact_added",
    "imported",
    "pitch_created",
    "pitch_status",
    "pitch_deleted",
    "followup_logged",
    "rates_sent",
    "email_sent",
)
DEAL_ACTIVITY_KINDS = ("deal_created", "deliverable_moved", "revision_requested")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _days(column: str) -> str:
    return f"({column} IS NULL OR ({column} >= 1 AND {column} <= {WINDOW_DAYS_MAX}))"


def upgrade() -> None:
    _create_deals()
    _create_deliverables()
    _set_activity_kinds(ACTIVITY_KINDS + DEAL_ACTIVITY_KINDS)


def _create_deals() -> None:
    days = " AND ".join(_days(c) for c in ("usage_days", "whitelisting_days", "exclusivity_days"))
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("pitch_id", sa.Integer(), nullable=True),
        sa.Column("kind", _enum(KINDS, "deal_kind"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gifted_value_cents", sa.Integer(), nullable=False),
        sa.Column("payment_terms", _enum(TERMS, "payment_terms"), nullable=False),
        sa.Column("deposit_cents", sa.Integer(), nullable=False),
        sa.Column("revision_limit", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", _enum(STATUSES, "deal_status"), nullable=False),
        sa.Column("videos_per_month", sa.Integer(), nullable=True),
        sa.Column("start_month", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("usage_days", sa.Integer(), nullable=True),
        sa.Column("usage_perpetual", sa.Boolean(), nullable=False),
        sa.Column("usage_channels", sa.String(length=200), nullable=False),
        sa.Column("usage_start", sa.Date(), nullable=True),
        sa.Column("whitelisting_days", sa.Integer(), nullable=True),
        sa.Column("whitelisting_start", sa.Date(), nullable=True),
        sa.Column("exclusivity_category", sa.String(length=80), nullable=False),
        sa.Column("exclusivity_days", sa.Integer(), nullable=True),
        sa.Column("exclusivity_start", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amount_cents >= 0 AND deposit_cents >= 0 AND gifted_value_cents >= 0",
            name=op.f("ck_deals_amounts_not_negative"),
        ),
        sa.CheckConstraint(
            "deposit_cents <= amount_cents", name=op.f("ck_deals_deposit_within_amount")
        ),
        sa.CheckConstraint(
            "kind != 'gifted' OR amount_cents = 0", name=op.f("ck_deals_gifted_without_cash")
        ),
        sa.CheckConstraint(
            "revision_limit >= 0", name=op.f("ck_deals_revision_limit_not_negative")
        ),
        sa.CheckConstraint(days, name=op.f("ck_deals_window_days_in_range")),
        sa.CheckConstraint(
            "NOT (usage_perpetual AND usage_days IS NOT NULL)",
            name=op.f("ck_deals_usage_days_or_perpetual"),
        ),
        sa.CheckConstraint(
            f"videos_per_month IS NULL OR "
            f"(videos_per_month >= 1 AND videos_per_month <= {VIDEOS_PER_MONTH_MAX})",
            name=op.f("ck_deals_videos_per_month_in_range"),
        ),
        sa.CheckConstraint(f"kind IN ({_listed(KINDS)})", name=op.f("ck_deals_deal_kind")),
        sa.CheckConstraint(
            f"payment_terms IN ({_listed(TERMS)})", name=op.f("ck_deals_payment_terms")
        ),
        sa.CheckConstraint(f"status IN ({_listed(STATUSES)})", name=op.f("ck_deals_deal_status")),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brands.id"], name=op.f("fk_deals_brand_id_brands"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_deals_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pitch_id"],
            ["pitches.id"],
            name=op.f("fk_deals_pitch_id_pitches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_deals_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("owner_id", "pitch_id", name=op.f("uq_deals_owner_id_pitch_id")),
    )
    op.create_index("ix_deals_owner_status", "deals", ["owner_id", "status", "id"])
    op.create_index("ix_deals_owner_kind", "deals", ["owner_id", "kind", "id"])
    op.create_index("ix_deals_owner_brand", "deals", ["owner_id", "brand_id", "id"])
    op.create_index(op.f("ix_deals_contact_id"), "deals", ["contact_id"])
    op.create_index(op.f("ix_deals_pitch_id"), "deals", ["pitch_id"])
    op.create_index(op.f("ix_deals_owner_id"), "deals", ["owner_id"])


def _create_deliverables() -> None:
    op.create_table(
        "deliverables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("type", _enum(TYPES, "deliverable_type"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", _enum(STAGES, "deliverable_status"), nullable=False),
        sa.Column("revisions_used", sa.Integer(), nullable=False),
        sa.Column("draft_url", sa.String(length=500), nullable=False),
        sa.Column("live_url", sa.String(length=500), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "revisions_used >= 0 AND position >= 0",
            name=op.f("ck_deliverables_counts_not_negative"),
        ),
        sa.CheckConstraint(
            "(status = 'posted') = (posted_on IS NOT NULL)",
            name=op.f("ck_deliverables_posted_on_when_posted"),
        ),
        sa.CheckConstraint(
            f"type IN ({_listed(TYPES)})", name=op.f("ck_deliverables_deliverable_type")
        ),
        sa.CheckConstraint(
            f"status IN ({_listed(STAGES)})", name=op.f("ck_deliverables_deliverable_status")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_deliverables_deal_id_deals"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_deliverables_owner_id_users"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverables")),
    )
    op.create_index(
        "ix_deliverables_due",
        "deliverables",
        ["owner_id", "due_on", "id"],
        sqlite_where=sa.text(NOT_POSTED),
        postgresql_where=sa.text(NOT_POSTED),
    )
    op.create_index("ix_deliverables_deal_position", "deliverables", ["deal_id", "position", "id"])
    op.create_index(op.f("ix_deliverables_owner_id"), "deliverables", ["owner_id"])


def _set_activity_kinds(kinds: tuple[str, ...]) -> None:
    # brand_activities is rebuilt on SQLite (batch mode); no table references it, so the
    # rebuild cascades into nothing.
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.drop_constraint("activity_kind", type_="check")
        batch_op.create_check_constraint("activity_kind", f"kind IN ({_listed(kinds)})")


def downgrade() -> None:
    op.execute(f"DELETE FROM brand_activities WHERE kind IN ({_listed(DEAL_ACTIVITY_KINDS)})")
    _set_activity_kinds(ACTIVITY_KINDS)
    op.drop_index(op.f("ix_deliverables_owner_id"), table_name="deliverables")
    op.drop_index("ix_deliverables_deal_position", table_name="deliverables")
    op.drop_index("ix_deliverables_due", table_name="deliverables")
    op.drop_table("deliverables")
    op.drop_index(op.f("ix_deals_owner_id"), table_name="deals")
    op.drop_index(op.f("ix_deals_pitch_id"), table_name="deals")
    op.drop_index(op.f("ix_deals_contact_id"), table_name="deals")
    op.drop_index("ix_deals_owner_brand", table_name="deals")
    op.drop_index("ix_deals_owner_kind", table_name="deals")
    op.drop_index("ix_deals_owner_status", table_name="deals")
    op.drop_table("deals")
