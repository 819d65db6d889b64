"""import videos: a Content export updates and adds portfolio videos, and undo takes it back

portfolio_videos.import_id is the import that added a video or last wrote its figures (SET
NULL: an import row is never deleted but with its account, and then so are the videos).
import_replaced gets the kind "video": the figures an import overwrote, and the videos it
added. On SQLite both tables are rebuilt (batch mode); nothing refers to either.

Revision ID: 0030_import_videos
Revises: 0029_derived_snapshots
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_import_videos"
down_revision: str | None = "0029_derived_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_portfolio_videos_import_id_imports"
CHECK = "kind_known"  # ck_import_replaced_kind_known, by the naming convention
KINDS = "'income', 'expense', 'day', 'audience'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("import_replaced") as batch_op:
        batch_op.drop_constraint(CHECK, type_="check")
        batch_op.create_check_constraint(CHECK, f"kind IN ({kinds})")


def upgrade() -> None:
    # Nothing refers to portfolio_videos: SQLite's batch rebuild of it cascades into nothing
    # (an ADD COLUMN ... REFERENCES would keep the ON DELETE but reflect without it).
    with op.batch_alter_table("portfolio_videos") as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "imports", ["import_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_portfolio_videos_import_id"), ["import_id"])
    _kinds(f"{KINDS}, 'video'")


def downgrade() -> None:
    op.execute("DELETE FROM import_replaced WHERE kind = 'video'")
    _kinds(KINDS)
    with op.batch_alter_table("portfolio_videos") as batch_op:
        batch_op.drop_index(batch_op.f("ix_portfolio_videos_import_id"))
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("import_id")
