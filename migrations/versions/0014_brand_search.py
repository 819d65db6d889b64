"""brands: a search text per brand, indexed for substring search on both databases

brand_search holds each brand's name, TikTok handle and contacts folded by
crm.brands.search_text (case and accents dropped in Python: SQLite 3.40's trigram
tokenizer has no remove_diacritics). SQLite indexes it with an FTS5 trigram table
kept in step by triggers; PostgreSQL with a pg_trgm GIN index. Existing brands are
filled in batches.

Revision ID: 0014_brand_search
Revises: 0013_list_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.brands.search_text import brand_text

revision: str = "0014_brand_search"
down_revision: str | None = "0013_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000

# The brand's own row in brand_search is the FTS row: rowid = brand_id. A rename or a
# batch copy of brand_search must recreate these triggers.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE brand_search_fts USING fts5(search_text, content='brand_search',"
    " content_rowid='brand_id', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER brand_search_fts_insert AFTER INSERT ON brand_search BEGIN"
    " INSERT INTO brand_search_fts(rowid, search_text) VALUES (new.brand_id, new.search_text);"
    " END",
    "CREATE TRIGGER brand_search_fts_delete AFTER DELETE ON brand_search BEGIN"
    " INSERT INTO brand_search_fts(brand_search_fts, rowid, search_text)"
    " VALUES ('delete', old.brand_id, old.search_text);"
    " END",
    "CREATE TRIGGER brand_search_fts_update AFTER UPDATE ON brand_search BEGIN"
    " INSERT INTO brand_search_fts(brand_search_fts, rowid, search_text)"
    " VALUES ('delete', old.brand_id, old.search_text);"
    " INSERT INTO brand_search_fts(rowid, search_text) VALUES (new.brand_id, new.search_text);"
    " END",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # Trusted since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "brand_search",
        sa.Column("brand_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
            name=op.f("fk_brand_search_brand_id_brands"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_brand_search_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("brand_id", name=op.f("pk_brand_search")),
    )
    op.create_index(op.f("ix_brand_search_owner_id"), "brand_search", ["owner_id"])
    if dialect == "sqlite":
        for statement in SQLITE_INDEX:
            op.execute(statement)
    _backfill(op.get_bind())
    if dialect == "postgresql":
        # After the backfill: one index build instead of 100,000 index updates.
        op.create_index(
            "ix_brand_search_trigrams",
            "brand_search",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            # No pending list: searches stay fast right after a bulk import.
            postgresql_with={"fastupdate": "off"},
        )


def _backfill(connection: sa.Connection) -> None:
    brands = sa.table(
        "brands",
        sa.column("id"),
        sa.column("owner_id"),
        sa.column("name"),
        sa.column("tiktok_handle"),
    )
    contacts = sa.table(
        "contacts", sa.column("id"), sa.column("brand_id"), sa.column("name"), sa.column("email")
    )
    search = sa.table(
        "brand_search", sa.column("brand_id"), sa.column("owner_id"), sa.column("search_text")
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(brands.c.id, brands.c.owner_id, brands.c.name, brands.c.tiktok_handle)
            .where(brands.c.id > last)
            .order_by(brands.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        people: dict[int, list[tuple[str, str]]] = {}
        for brand_id, name, email in connection.execute(
            sa.select(contacts.c.brand_id, contacts.c.name, contacts.c.email)
            .where(contacts.c.brand_id.between(rows[0].id, rows[-1].id))
            .order_by(contacts.c.brand_id, contacts.c.id)
        ):
            people.setdefault(brand_id, []).append((name, email))
        connection.execute(
            sa.insert(search),
            [
                {
                    "brand_id": row.id,
                    "owner_id": row.owner_id,
                    "search_text": brand_text(row.name, row.tiktok_handle, people.get(row.id, [])),
                }
                for row in rows
            ],
        )
        last = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER brand_search_fts_{trigger}")
        op.execute("DROP TABLE brand_search_fts")
    else:
        op.drop_index("ix_brand_search_trigrams", table_name="brand_search")
    # pg_trgm stays: other schemas on the server may use it, and it holds no data.
    op.drop_index(op.f("ix_brand_search_owner_id"), table_name="brand_search")
    op.drop_table("brand_search")
