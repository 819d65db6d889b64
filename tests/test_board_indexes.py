"""The board's and the follow-ups' indexes serve their queries; 0015 fills the counters.

Plans are read on the test database (SQLite, or PostgreSQL with CRM_TEST_DATABASE_URL).
Test tables are tiny, so on PostgreSQL sequential scans are priced out first: the plan
then shows whether an index can serve the query at all (a partial index whose condition
the query does not match cannot, and the scan comes back).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crm.accounts.models import User
from crm.brands.models import Brand
from crm.database import make_engine, upgrade
from crm.pitches import followups, pipeline
from crm.pitches.models import Pitch, PitchStatus
from tests.factories_pitches import make_pitch

TODAY = date(2026, 3, 2)


def _plan(connection: sa.Connection, run) -> str:
    """The plan of the statement `run()` executes, exactly as sent (one text)."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    sql, values = next((s, p) for s, p in reversed(sent) if s.lstrip().startswith("SELECT"))
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", values).all()
        return "\n".join(row[3] for row in rows)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    (plan,) = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", values).one()
    return json.dumps(plan)


def _scans_pitches(plan: str) -> bool:
    """True when the plan reads the pitches table through, not through an index."""
    if not plan.startswith("["):  # SQLite's EXPLAIN QUERY PLAN lines
        return any(line.strip().startswith("SCAN pitches") for line in plan.splitlines())

    def nodes(node: dict):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    top = json.loads(plan)[0]["Plan"]
    return any(
        n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "pitches" for n in nodes(top)
    )


def test_the_board_cards_are_read_from_the_board_index(connection, session, user) -> None:
    make_pitch(session, user, status=PitchStatus.SENT)
    plan = _plan(connection, lambda: pipeline._board_cards(session, user.id, 30))
    assert "ix_pitches_owner_status_updated" in plan
    assert not _scans_pitches(plan), plan


def test_the_follow_ups_due_count_uses_the_partial_index(connection, session, user) -> None:
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY)
    plan = _plan(connection, lambda: followups.count_due(session, user.id, TODAY))
    # On a handful of rows PostgreSQL may take either partial index; at 100,000 it takes
    # ix_pitches_followups_due (see the migration). Either one proves the match.
    assert "ix_pitches_followups_due" in plan or "ix_pitches_followups_expired" in plan
    assert not _scans_pitches(plan), plan


def test_the_count_waiting_to_be_ghosted_uses_its_partial_index(connection, session, user) -> None:
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY, followups_sent=3)
    plan = _plan(connection, lambda: followups.count_expired(session, user.id, TODAY, (3, 4, 7)))
    assert "ix_pitches_followups_expired" in plan
    assert not _scans_pitches(plan), plan


def test_the_partial_index_condition_is_written_into_the_sql(connection) -> None:
    """A bound 'sent' would not match the index's `status = 'sent'` when planned."""
    sql = str(
        followups.due_count_query(1, TODAY).compile(
            dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
        )
    )
    assert "pitches.status = 'sent'" in sql


def test_the_follow_ups_due_count_stops_at_the_cap(session, user) -> None:
    for day in range(5):
        make_pitch(session, user, status=PitchStatus.SENT,
                   next_followup_on=TODAY - timedelta(days=day))  # fmt: skip
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY + timedelta(days=1))
    make_pitch(session, user, status=PitchStatus.REPLIED, next_followup_on=TODAY)
    assert followups.count_due(session, user.id, TODAY, cap=None) == 5
    assert followups.count_due(session, user.id, TODAY, cap=3) == 4
    assert [followups.capped(n) for n in (0, 99, 100, 1_000)] == ["0", "99", "99+", "99+"]


def _pitch_rows(owner_id: int, brand_id: int) -> list[dict]:
    return [
        {"owner_id": owner_id, "brand_id": brand_id, "status": status, "currency": currency,
         "quoted_cents": quote}
        for status, currency, quote in [
            ("sent", "USD", 100), ("sent", "USD", None), ("sent", "EUR", 50),
            ("won", "USD", 0), ("draft", "USD", 7),
        ]
    ]  # fmt: skip


def _as_then(connection: sa.Connection, model_table: sa.Table) -> sa.Table:
    """`model_table` with only the columns the database has now, keeping their defaults."""
    there = {column["name"] for column in sa.inspect(connection).get_columns(model_table.name)}
    return sa.Table(
        model_table.name,
        sa.MetaData(),
        *(column._copy() for column in model_table.columns if column.name in there),
    )


def test_the_migration_counts_the_pitches_already_there(empty_database: str) -> None:
    upgrade(empty_database, "0012")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as c:
            # The tables as at 0012 (read from the database: later migrations add columns),
            # the models' column defaults filled in for the columns they had then.
            users, brands, pitches = (
                _as_then(c, model.__table__) for model in (User, Brand, Pitch)
            )
            owner = c.execute(
                sa.insert(users).values(email="a@example.com", password_hash="x")
            ).inserted_primary_key[0]
            brand = c.execute(
                sa.insert(brands).values(owner_id=owner, name="B", name_key="b")
            ).inserted_primary_key[0]
            c.execute(sa.insert(pitches), _pitch_rows(owner, brand))
        upgrade(empty_database)
        with engine.connect() as c:
            kept = c.execute(sa.text(
                "SELECT status, currency, count, quoted_count, quoted_cents FROM pitch_totals"
                " ORDER BY status, currency"
            )).all()  # fmt: skip
    finally:
        engine.dispose()
    assert [tuple(row) for row in kept] == [
        ("draft", "USD", 1, 1, 7),
        ("sent", "EUR", 1, 1, 50),
        ("sent", "USD", 2, 1, 100),
        ("won", "USD", 1, 1, 0),
    ]


@pytest.mark.parametrize("path", ["/pitches/board", "/dashboard"])
def test_the_page_reads_pitches_in_one_statement_whatever_their_number(
    logged_in, session, user, count_queries, path
) -> None:
    for n in range(40):
        make_pitch(session, user, status=list(PitchStatus)[n % 8], next_followup_on=TODAY)
    with count_queries() as statements:
        assert logged_in.get(path).status_code == 200
    reads = [s for s in statements if "pitch" in s]
    assert len(reads) == (2 if path == "/pitches/board" else 1), reads
