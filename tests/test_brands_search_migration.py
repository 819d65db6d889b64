"""Migration 0014 fills the search text of existing brands and undoes cleanly."""

from __future__ import annotations

import sqlalchemy as sa

from crm.accounts.passwords import hash_password
from crm.brands.search import matching_brands
from crm.brands.search_text import brand_text
from crm.database import downgrade, make_engine, upgrade
from tests.factories import TEST_PASSWORD

BEFORE, SEARCH = "0012", "0014_brand_search"


def _fill(connection: sa.Connection, brands: int) -> int:
    """Brands and contacts written the way 0012's schema stores them (no brand_search yet)."""
    # The account as 0012's users table holds it: the model has columns added since.
    owner_id = connection.execute(
        sa.text(
            "INSERT INTO users (email, password_hash, created_at, display_name, tiktok_handle,"
            " niche, followers, ugc_experience, currency, turnaround_days, posts_per_week,"
            " followup_cadence, timezone) VALUES ('search-migration@example.com', :hash,"
            " CURRENT_TIMESTAMP, '', '', 'other', 0, 'beginner', 'USD', 5, 5, '4,7,7', 'UTC')"
            " RETURNING id"
        ),
        {"hash": hash_password(TEST_PASSWORD, "fast")},
    ).scalar_one()
    rows = [
        {"id": n, "owner": owner_id, "name": f"Crème {n}", "key": f"crème {n}", "handle": f"h{n}"}
        for n in range(1, brands + 1)
    ]
    connection.execute(
        sa.text(
            "INSERT INTO brands (id, owner_id, name, name_key, website, website_domain,"
            " tiktok_handle, product_category, kind, source, runs_tiktok_ads, status, notes,"
            " created_at, updated_at) VALUES (:id, :owner, :name, :key, '', '', :handle, 'other',"
            " 'dtc', 'other', false, 'lead', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        rows,
    )
    connection.execute(
        sa.text(
            "INSERT INTO contacts (owner_id, brand_id, name, email, role, is_primary, created_at)"
            " VALUES (:owner, 7, 'Zoë', 'zoe@seven.example', '', true, CURRENT_TIMESTAMP)"
        ),
        {"owner": owner_id},
    )
    return owner_id


def test_upgrade_backfills_in_batches_and_downgrade_removes_everything(empty_database: str) -> None:
    upgrade(empty_database, BEFORE)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            owner = _fill(connection, 2_345)  # more than two backfill batches
        upgrade(empty_database, SEARCH)
        with engine.connect() as connection:
            stored = dict(
                connection.execute(sa.text("SELECT brand_id, search_text FROM brand_search")).all()
            )
            assert len(stored) == 2_345
            assert stored[7] == brand_text("Crème 7", "h7", [("Zoë", "zoe@seven.example")])
            assert stored[8] == brand_text("Crème 8", "h8", [])
            assert set(connection.scalars(matching_brands(owner, "zoe@seven"))) == {7}
            assert (
                len(set(connection.scalars(matching_brands(owner, "creme 234")))) == 7
            )  # 234, 2340-2345
            assert set(connection.scalars(matching_brands(owner, "@h2344"))) == {2344}
        downgrade(empty_database, BEFORE)
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
            assert not {name for name in names if name.startswith("brand_search")}
            if connection.dialect.name == "sqlite":
                triggers = connection.scalars(
                    sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).all()
                assert not [name for name in triggers if "brand_search" in name]
            assert connection.scalar(sa.text("SELECT count(*) FROM brands")) == 2_345
        upgrade(empty_database, SEARCH)  # and up again over the same brands
        with engine.connect() as connection:
            assert set(connection.scalars(matching_brands(owner, "zoe"))) == {7}
    finally:
        engine.dispose()
