"""approval links: a brand's secret link to approve a draft, the brand's answers, the expiry

approval_links keeps only the SHA-256 of each token. approval_answers is what the brand did
through a link, unread until the creator sees it. users.approval_link_days is how long a
new link works (a plain ADD COLUMN with a server default: no SQLite rebuild of users).

Revision ID: 0032_approval_links
Revises: 0031_rights_ends
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_approval_links"
down_revision: str | None = "0031_rights_ends"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("approval_link_days", sa.Integer(), server_default="30", nullable=False),
    )
    op.create_table(
        "approval_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        _key("approval_links", "owner_id", "users"),
        _key("approval_links", "deal_id", "deals"),
        _key("approval_links", "deliverable_id", "deliverables"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_approval_links_token_hash")),
    )
    op.create_index("ix_approval_links_deal", "approval_links", ["deal_id", "id"])
    op.create_index(
        op.f("ix_approval_links_owner_id"), "approval_links", ["owner_id"], unique=False
    )
    op.create_index(op.f("ix_approval_links_deliverable_id"), "approval_links", ["deliverable_id"])
    op.create_table(
        "approval_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("deliverable_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "approved",
                "revision",
                name="approval_answer_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        _key("approval_answers", "owner_id", "users"),
        _key("approval_answers", "deal_id", "deals"),
        _key("approval_answers", "deliverable_id", "deliverables"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_answers")),
    )
    op.create_index(
        "ix_approval_answers_owner_seen", "approval_answers", ["owner_id", "seen_at", "id"]
    )
    op.create_index(op.f("ix_approval_answers_owner_id"), "approval_answers", ["owner_id"])
    op.create_index(op.f("ix_approval_answers_deal_id"), "approval_answers", ["deal_id"])
    op.create_index(
        op.f("ix_approval_answers_deliverable_id"), "approval_answers", ["deliverable_id"]
    )


def downgrade() -> None:
    op.drop_table("approval_answers")
    op.drop_table("approval_links")
    # Not batch mode: on SQLite it would rebuild `users`, which every table points at.
    op.execute("ALTER TABLE users DROP COLUMN approval_link_days")
