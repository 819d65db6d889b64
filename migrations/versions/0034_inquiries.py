"""inquiries: a brand's inquiry through the media kit, landing as an inbound pitch

inquiries holds what the brand asked for and the creator's unread mark; pitches.inbound
marks the pitch it became (a plain ADD COLUMN with a server default: no SQLite rebuild of
pitches, whose triggers keep pitch_totals); "inquiry" joins the timeline's kinds.

Revision ID: 0034_inquiries
Revises: 0033_media_kit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_inquiries"
down_revision: str | None = "0033_media_kit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = (
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
    "deal_created",
    "deliverable_moved",
    "revision_requested",
    "invoice_sent",
    "invoice_paid",
)
INQUIRY_KINDS = ("inquiry",)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _set_activity_kinds(kinds: tuple[str, ...]) -> None:
    # brand_activities is rebuilt on SQLite (batch mode); no table references it.
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.drop_constraint("activity_kind", type_="check")
        batch_op.create_check_constraint("activity_kind", f"kind IN ({_listed(kinds)})")


def _key(column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_inquiries_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.add_column(
        "pitches", sa.Column("inbound", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("pitch_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("company", sa.String(length=120), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ugc_video",
                "sponsored_post",
                "package",
                "retainer",
                "other",
                name="inquiry_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("deliverables", sa.String(length=500), nullable=False),
        sa.Column("dates", sa.String(length=200), nullable=False),
        sa.Column("budget_cents", BIG, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        _key("owner_id", "users"),
        _key("pitch_id", "pitches"),
        _key("brand_id", "brands"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
    )
    op.create_index("ix_inquiries_owner_seen", "inquiries", ["owner_id", "seen_at", "id"])
    op.create_index(op.f("ix_inquiries_owner_id"), "inquiries", ["owner_id"])
    op.create_index(op.f("ix_inquiries_pitch_id"), "inquiries", ["pitch_id"], unique=True)
    op.create_index(op.f("ix_inquiries_brand_id"), "inquiries", ["brand_id"])
    _set_activity_kinds(KINDS + INQUIRY_KINDS)


def downgrade() -> None:
    op.execute(f"DELETE FROM brand_activities WHERE kind IN ({_listed(INQUIRY_KINDS)})")
    _set_activity_kinds(KINDS)
    op.drop_table("inquiries")
    # Not batch mode: on SQLite it would rebuild `pitches` and drop its triggers.
    op.execute("ALTER TABLE pitches DROP COLUMN inbound")
