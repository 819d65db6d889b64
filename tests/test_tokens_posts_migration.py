"""Migration 0019 (creation tokens, posts unknown) keeps every row and link, up and down."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.database import downgrade, make_engine, upgrade

BEFORE, AFTER = "0017_income", "0019_income_tokens_and_posts"


def _fill(connection: sa.Connection) -> None:
    """A creator with a LIVE feeding its entry, an expense and a snapshot, as 0017 stores them."""
    for statement in (
        "INSERT INTO users (id, email, password_hash, created_at, display_name, tiktok_handle,"
        " niche, followers, ugc_experience, currency, turnaround_days, posts_per_week,"
        " followup_cadence, timezone) VALUES (1, 'tokens@example.com', 'x', CURRENT_TIMESTAMP,"
        " '', '', 'other', 1500, 'beginner', 'USD', 5, 5, '4,7,7', 'UTC')",
        "INSERT INTO income_entries (id, owner_id, earned_on, amount_cents, currency,"
        " rate_millionths, reporting_cents, reporting_currency, stream, program, note, status,"
        " created_at, updated_at) VALUES (1, 1, '2026-11-03', 2000, 'USD', 1000000, 2000,"
        " 'USD', 'live', '', '', 'paid', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO live_sessions (id, owner_id, held_on, format, duration_minutes, diamonds,"
        " entry_id, created_at) VALUES (1, 1, '2026-11-03', 'qa', 45, 4000, 1, CURRENT_TIMESTAMP)",
        "INSERT INTO expenses (id, owner_id, spent_on, amount_cents, currency, rate_millionths,"
        " reporting_cents, reporting_currency, category, note, created_at) VALUES (1, 1,"
        " '2026-11-04', 4999, 'USD', 1000000, 4999, 'USD', 'software', '', CURRENT_TIMESTAMP)",
        "INSERT INTO stats_snapshots (id, owner_id, taken_on, period_days, followers,"
        " video_views, likes, comments, shares, posts, created_at) VALUES (1, 1, '2026-11-07',"
        " 7, 1500, 1000, 80, 10, 10, 3, CURRENT_TIMESTAMP)",
    ):
        connection.execute(sa.text(statement))


def _kept(connection: sa.Connection) -> tuple:
    return (
        connection.scalar(sa.text("SELECT entry_id FROM live_sessions WHERE id = 1")),
        connection.scalar(sa.text("SELECT count(*) FROM income_entries")),
        connection.scalar(sa.text("SELECT count(*) FROM expenses")),
        connection.scalar(sa.text("SELECT followers FROM stats_snapshots WHERE id = 1")),
    )


def test_up_and_down_keep_the_rows_and_an_unknown_count_goes_down_as_0(empty_database) -> None:
    upgrade(empty_database, BEFORE)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            _fill(connection)
        upgrade(empty_database, AFTER)
        with engine.begin() as connection:
            # The LIVE still feeds its entry: no table was rebuilt under it.
            assert _kept(connection) == (1, 1, 1, 1500)
            assert connection.scalar(sa.text("SELECT posts FROM stats_snapshots")) == 3
            connection.execute(sa.text("UPDATE stats_snapshots SET posts = NULL"))
            connection.execute(sa.text("UPDATE income_entries SET creation_token = 'a'"))
            with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
                connection.execute(
                    sa.text(
                        "INSERT INTO income_entries (owner_id, earned_on, amount_cents,"
                        " currency, rate_millionths, reporting_cents, reporting_currency,"
                        " stream, program, note, status, created_at, updated_at, creation_token)"
                        " SELECT owner_id, earned_on, amount_cents, currency, rate_millionths,"
                        " reporting_cents, reporting_currency, stream, program, note, status,"
                        " created_at, updated_at, creation_token FROM income_entries"
                    )
                )
        with engine.begin() as connection:
            # The rebuilt stats table kept its checks and its one snapshot a day.
            for broken in (
                "UPDATE stats_snapshots SET posts = -1",
                "INSERT INTO stats_snapshots (owner_id, taken_on, period_days, followers,"
                " video_views, likes, comments, shares, posts, created_at) SELECT owner_id,"
                " taken_on, period_days, followers, video_views, likes, comments, shares, posts,"
                " created_at FROM stats_snapshots",
            ):
                with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
                    connection.execute(sa.text(broken))
        downgrade(empty_database, BEFORE)
        with engine.connect() as connection:
            assert _kept(connection) == (1, 1, 1, 1500)
            assert connection.scalar(sa.text("SELECT posts FROM stats_snapshots")) == 0
            columns = {c["name"] for c in sa.inspect(connection).get_columns("income_entries")}
            assert "creation_token" not in columns
        upgrade(empty_database, AFTER)  # and up again over the same rows
    finally:
        engine.dispose()
