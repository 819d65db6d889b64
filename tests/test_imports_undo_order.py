"""A later import of a source owns what it covers; imports undo in any order.

The walk-through's defect: a TikTok Overview imported as CSV, then the same figures as XLSX
("0 written": equal days were skipped), then the CSV undone: every day went, while the XLSX
still stood for them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from crm.imports import committing
from crm.imports.models import DailyStats, FollowerShare, Import
from crm.income.models import Expense, IncomeEntry
from crm.ownership import owned
from tests.factories_imports import NOW, TODAY, fake_files, make_import, upload

pytestmark = pytest.mark.usefixtures("fake_files")
assert fake_files  # the fixture, imported for usefixtures

START = date(2025, 10, 1)


def _days(session: Session, owner_id: int) -> dict[date, tuple[int | None, int | None]]:
    session.expire_all()
    return {
        d.day: (d.views, d.import_id)
        for d in session.scalars(owned(DailyStats, owner_id).order_by(DailyStats.day))
    }


def _year(extra: str = "") -> list[str]:
    lines = [f"D,{START + timedelta(days=n)},views={n},followers={n}" for n in range(30)]
    return [*lines, *([extra] if extra else [])]


@pytest.mark.parametrize("undo_older_first", [True, False])
def test_the_same_days_again_belong_to_the_later_import(session, user, undo_older_first):
    csv = make_import(session, user, "tiktok", *_year(), name="365d_Overview.csv")
    # The same figures in other bytes (as Overview.xlsx was): nothing changes but the owner.
    xlsx = make_import(session, user, "tiktok", *_year("?sheet"), name="Overview.xlsx")
    assert xlsx.entries_written == 0
    assert set(_days(session, user.id).values()) == {(n, xlsx.id) for n in range(30)}
    if undo_older_first:
        committing.undo(session, user, csv.id, NOW)
        # The newer import still holds every day it covers.
        assert set(_days(session, user.id).values()) == {(n, xlsx.id) for n in range(30)}
        committing.undo(session, user, xlsx.id, NOW)
    else:
        committing.undo(session, user, xlsx.id, NOW)
        # The older import has its days back.
        assert set(_days(session, user.id).values()) == {(n, csv.id) for n in range(30)}
        committing.undo(session, user, csv.id, NOW)
    assert _days(session, user.id) == {}


def test_an_older_ltk_import_undone_leaves_the_newer_ones_lines(session, user) -> None:
    first = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid",
                        "E,2025-10-05,LTK,Gap,USD,7,paid", "C,2025-10-01,LTK,USD,9")  # fmt: skip
    second = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    committing.undo(session, user, first.id, NOW)

    def income() -> list[tuple[date, int, int | None]]:
        rows = session.scalars(owned(IncomeEntry, user.id).order_by(IncomeEntry.earned_on))
        return [(e.earned_on, e.amount_cents, e.import_id) for e in rows]

    assert income() == [(START, 100, second.id)]
    committing.undo(session, user, second.id, NOW)
    # The first import is undone: its lines don't come back with the second's undo.
    assert income() == []
    assert session.scalars(owned(Expense, user.id)).all() == []


def test_a_middle_import_undone_first_hands_on_what_it_kept(session, user) -> None:
    first = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    middle = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,200,paid")
    make_last = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,300,paid")
    committing.undo(session, user, middle.id, NOW)
    committing.undo(session, user, make_last.id, NOW)
    entry = session.scalars(owned(IncomeEntry, user.id)).one()
    assert (entry.amount_cents, entry.import_id) == (100, first.id)


def test_audience_of_an_older_import_undone_stays_the_newer_ones(session, user) -> None:
    first = make_import(session, user, "tiktok", "A,gender,Female,0.6", "A,gender,Male,0.4")
    middle = make_import(session, user, "tiktok", "A,gender,Female,0.7", "A,gender,Male,0.3")
    last = make_import(session, user, "tiktok", "A,gender,Female,0.8", "A,gender,Male,0.2")

    def female() -> list[tuple[int, int | None]]:
        rows = owned(FollowerShare, user.id).where(FollowerShare.key == "Female")
        return [(r.share_millionths, r.import_id) for r in session.scalars(rows)]

    committing.undo(session, user, first.id, NOW)
    assert female() == [(800_000, last.id)]
    committing.undo(session, user, last.id, NOW)
    assert female() == [(700_000, middle.id)]
    committing.undo(session, user, middle.id, NOW)
    assert female() == []


# A random history of one source: imports of overlapping days (figures from a small set, so
# equal figures are common), and undos of any import still standing.
STEP = st.one_of(
    st.tuples(st.just("import"), st.integers(0, 8), st.integers(1, 5), st.integers(1, 2)),
    st.tuples(st.just("undo"), st.integers(0, 20)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=10))
def test_the_days_held_are_the_newest_standing_imports(session, user, steps) -> None:
    savepoint = session.begin_nested()
    try:
        active: list[tuple[Import, dict[date, int]]] = []  # oldest first
        for n, step in enumerate(steps):
            if step[0] == "import":
                _, first, length, views = step
                days = {START + timedelta(days=first + k): views for k in range(length)}
                lines = [f"D,{day},views={v}" for day, v in days.items()]
                lines += [f"E,{day},LTK,Gap,USD,{v},paid" for day, v in days.items()]
                record, _ = committing.commit(
                    session, user, upload("tiktok", *lines, f"?{n}"), TODAY, NOW
                )
                active.append((record, days))
            elif active:
                record, _ = active.pop(step[1] % len(active))
                committing.undo(session, user, record.id, NOW)
            expected: dict[date, tuple[int, int]] = {}
            for record, days in active:  # the newest last: it wins
                expected |= {day: (v, record.id) for day, v in days.items()}
            assert _days(session, user.id) == expected
            income = {
                e.earned_on: (e.amount_cents, e.import_id)
                for e in session.scalars(owned(IncomeEntry, user.id))
            }
            assert income == expected
            assert len(session.scalars(owned(IncomeEntry, user.id)).all()) == len(expected)
    finally:
        savepoint.rollback()
