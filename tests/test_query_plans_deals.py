"""The deals area's reads use their indexes: the rights page, the dashboard's rights count,
the calendar feed's reads per kind and the Due groups never read a whole user table, and
the rights windows are read along their last-day indexes (ix_deals_owner_<kind>_end).

Every SELECT a service runs is caught at the cursor, with its parameters, and explained on
the test database the way tests/test_query_plans.py does (SQLite: no SCAN of a user table,
no automatic index; PostgreSQL: no Seq Scan with enable_seqscan off).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from crm.deals import calendar, due
from crm.deals.dashboard_counts import deal_numbers
from crm.deals.models import DealStatus
from crm.deals.rights_rows import rights_page
from tests.factories_deals import make_deal, make_deliverable
from tests.test_query_plans import full_scans

TODAY = date(2026, 3, 4)
END_INDEXES = ("ix_deals_owner_usage_end", "ix_deals_owner_whitelisting_end",
               "ix_deals_owner_exclusivity_end")  # fmt: skip


@contextmanager
def _selects(connection: sa.Connection) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT run on `connection` inside the block, with its parameters."""
    found: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if re.match(r"\s*(SELECT|WITH|\()", statement, re.I):
            found.append((statement, parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        yield found
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)


def _plan(connection: sa.Connection, statement: str, parameters: Any) -> str:
    """The plan of `statement` as text (PostgreSQL: planned with seq scans and sorts off).

    A test's tables hold a few rows, so PostgreSQL may rightly find a sort of them cheaper
    than an index's order, or not, as the statistics autovacuum left happen to say: with both
    off, the plan shows whether an index can serve the read and its order at all (a sort
    still appears when none can)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        try:
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        finally:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
            connection.exec_driver_sql("SET LOCAL enable_sort = on")
        return "\n".join(row[0] for row in rows)
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return "\n".join(row[3] for row in rows)


def _filled(session, user, other_user) -> None:
    for owner in (other_user, user):  # another creator's rows: the owner filter must bite
        for days_left in (-40, -3, 2, 9, 60):
            start = TODAY + timedelta(days=days_left - 29)
            make_deal(session, owner, usage_days=30, usage_start=start, whitelisting_days=30,
                      whitelisting_start=start, exclusivity_days=30, exclusivity_start=start,
                      exclusivity_category="skincare")  # fmt: skip
        make_deal(session, owner, usage_days=30, status=DealStatus.CANCELLED)
        deal = make_deal(session, owner)
        for offset in (-20, -2, 0, 3, 30, None):
            due_on = None if offset is None else TODAY + timedelta(days=offset)
            make_deliverable(session, owner, deal, due_on=due_on, today=TODAY)
    session.flush()


def _reads(session, user) -> dict[str, Callable[[], Any]]:
    return {
        # Pages of 2: the count, the page's ids and rows, and the windows ending soon.
        "rights page": lambda: rights_page(session, user.id, TODAY, None, 2),
        "dashboard rights count": lambda: deal_numbers(session, user.id, TODAY),
        "calendar feed": lambda: calendar.feed_events(session, user.id, TODAY),
        "due groups": lambda: due.due_list(session, user.id, TODAY),
        "due group alone": lambda: due.group_page(session, user.id, TODAY, "coming_up", None),
    }


@pytest.mark.parametrize(
    "read",
    ["rights page", "dashboard rights count", "calendar feed", "due groups", "due group alone"],
)
def test_no_deals_read_scans_a_whole_table(read, session, user, other_user, connection) -> None:
    _filled(session, user, other_user)
    with _selects(connection) as statements:
        _reads(session, user)[read]()
    assert statements
    problems = [
        f"{scan}\n    in: {' '.join(statement.split())[:400]}"
        for statement, parameters in statements
        for scan in full_scans(connection, statement, parameters)
    ]
    assert not problems, f"{read}:\n" + "\n".join(problems)


@pytest.mark.parametrize("read", ["rights page", "dashboard rights count", "calendar feed"])
def test_rights_windows_are_read_along_their_last_day_indexes(
    read, session, user, other_user, connection
) -> None:
    """Each kind of window is a range of its own index: a walk of the owner's deals (their
    owner index, checking every row's window) would pass the scan check and still be slow."""
    _filled(session, user, other_user)
    with _selects(connection) as statements:
        _reads(session, user)[read]()
    plans = "\n".join(_plan(connection, s, p) for s, p in statements)
    for index in END_INDEXES:
        assert _reads_a_range_of(plans, index), f"{read} does not range over {index}:\n{plans}"


def _reads_a_range_of(plan: str, index: str) -> bool:
    """True when `plan` reads `index` by owner AND a range of the window's last day, not
    merely by owner (the index starts with owner_id, so a walk of the owner's deals may
    use it too)."""
    window = index.removeprefix("ix_deals_owner_").removesuffix("_end")
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        if index not in line:
            continue
        if re.search(r"\(owner_id=\? AND <expr>[<>]", line):  # SQLite
            return True
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if "Index Cond" in following and f"{window}_start" in following:  # PostgreSQL
            return True
    return False


def test_the_check_sees_a_walk_of_the_owners_deals(connection, user) -> None:
    # The old "any window ends soon": an OR no index range serves, the owner's deals walked.
    end = "date(usage_start, '+' || (usage_days - 1) || ' days')"
    if connection.dialect.name == "postgresql":
        end = "(usage_start + (usage_days - 1))"
    statement = f"SELECT id FROM deals WHERE owner_id = 1 AND ({end} > '2026-01-01' OR id > 5)"
    parameters: Any = {} if connection.dialect.name == "postgresql" else ()
    plan = _plan(connection, statement, parameters)
    assert not _reads_a_range_of(plan, "ix_deals_owner_usage_end"), plan
    ranged = f"SELECT id FROM deals WHERE owner_id = 1 AND {end} >= '2026-01-01'"
    assert _reads_a_range_of(_plan(connection, ranged, parameters), "ix_deals_owner_usage_end")


def test_the_feeds_reads_come_in_their_indexes_order(session, user, other_user, connection):
    """The soonest EVENTS_MAX deliverables and follow-ups are the first rows along their
    indexes: neither read sorts its whole date range to find them (a busy day of follow-ups,
    hundreds of pitches, was sorted by id on every poll before the order followed
    ix_pitches_followups_due)."""
    _filled(session, user, other_user)
    with _selects(connection) as statements:
        calendar.feed_events(session, user.id, TODAY)
    assert len(statements) == 4
    plans = [_plan(connection, statement, parameters) for statement, parameters in statements]
    # Follow-ups along the partial index of sent pitches, whose order the read asks for (the
    # owner's index of every pitch by follow-up day holds the rest of them too).
    assert "ix_pitches_followups_due" in plans[1], plans[1]
    # Deliverables and follow-ups: the kinds with hundreds of rows a day in a busy account.
    # (Invoices sent and rights ending come a few a day: PostgreSQL sorts a day's ties by id.)
    for (statement, _parameters), plan in zip(statements[:2], plans[:2], strict=True):
        sorts = re.findall(r"TEMP B-TREE FOR (?:RIGHT PART OF )?ORDER BY|^\s*(?:->\s*)?Sort\b",
                           plan, re.M)  # fmt: skip
        assert not sorts, f"sorts its range:\n{plan}\n    in: {' '.join(statement.split())[:300]}"
