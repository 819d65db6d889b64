"""Imported days feed the stats: weekly snapshots derived from them, rebuilt on commit and undo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from crm.imports import committing
from crm.income.report import month_report
from crm.market.seed import installed_market
from crm.ownership import owned
from crm.stats import metrics, services, weeks
from crm.stats.models import StatsSnapshot
from tests.factories import make_snapshot
from tests.factories_imports import NOW, TODAY, fake_files, make_import

pytestmark = pytest.mark.usefixtures("fake_files")
assert fake_files  # the fixture, imported for usefixtures

MARKET = installed_market()
# Wednesday 1 October 2025 to Sunday 2 November: a partial week, then four whole ones.
FIRST, LAST = date(2025, 10, 1), date(2025, 11, 2)
SUNDAYS = [date(2025, 10, 12), date(2025, 10, 19), date(2025, 10, 26), date(2025, 11, 2)]


def _figures(day: date, views_from: int = 100) -> dict[str, int]:
    n = (day - FIRST).days
    return {"views": views_from + n, "likes": 10 + n, "comments": 2, "shares": 1,
            "followers": 1_000 + 5 * n}  # fmt: skip


def _lines(first: date, last: date, views_from: int = 100, **drop: set[date]) -> list[str]:
    """One D line a day; `drop={"likes": {day}}` leaves a figure out on those days."""
    lines = []
    day = first
    while day <= last:
        figures = {k: v for k, v in _figures(day, views_from).items()
                   if day not in drop.get(k, set())}  # fmt: skip
        lines.append(",".join([f"D,{day}", *(f"{k}={v}" for k, v in figures.items())]))
        day += timedelta(days=1)
    return lines


def _snapshots(session: Session, owner_id: int) -> list[tuple]:
    return [
        (
            s.taken_on,
            s.period_days,
            s.followers,
            s.video_views,
            s.likes,
            s.comments,
            s.shares,
            s.posts,
            s.derived,
        )
        for s in session.scalars(owned(StatsSnapshot, owner_id).order_by(StatsSnapshot.taken_on))
    ]


def _expected(sunday: date, views_from: int = 100) -> tuple:
    days = [sunday - timedelta(days=n) for n in range(7)]
    sums = {k: sum(_figures(d, views_from)[k] for d in days) for k in ("views", "likes")}
    return (sunday, 7, _figures(sunday)["followers"], sums["views"], sums["likes"], 14, 7,
            None, True)  # fmt: skip


def test_a_month_of_days_gives_a_snapshot_per_whole_week_with_its_sums(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    # 1-5 October is the end of a week that began in September: no snapshot for it.
    assert _snapshots(session, user.id) == [_expected(sunday) for sunday in SUNDAYS]


def test_the_dashboard_and_the_month_report_follow_imported_days(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    latest = services.stats_summary(session, user.id).latest
    week = _expected(SUNDAYS[-1])
    assert latest is not None and latest.snapshot.taken_on == SUNDAYS[-1]
    assert latest.engagement == metrics.engagement_rate(week[4], 14, 7, week[3])
    followers = [_figures(s)["followers"] for s in SUNDAYS]
    assert latest.growth == metrics.growth_rate(followers[-2], followers[-1])
    report = month_report(session, user, 2025, 10, TODAY, MARKET)
    # October's last snapshot is its last whole week's, Sunday the 26th.
    assert (report.followers_on, report.followers) == (SUNDAYS[2], followers[2])
    assert user.followers == followers[-1]  # the profile's fallback follows the newest


def test_a_week_missing_a_figure_or_a_day_gives_no_snapshot(session, user) -> None:
    lines = _lines(FIRST, LAST, likes={date(2025, 10, 15)})
    lines = [line for line in lines if not line.startswith("D,2025-10-30")]
    make_import(session, user, "tiktok", *lines)
    assert [row[0] for row in _snapshots(session, user.id)] == [SUNDAYS[0], SUNDAYS[2]]


def test_followers_are_the_latest_known_in_the_week(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST, followers={SUNDAYS[0]}))
    first = _snapshots(session, user.id)[0]
    assert first[2] == _figures(SUNDAYS[0] - timedelta(days=1))["followers"]


def test_a_typed_snapshot_is_never_replaced_nor_removed(session, user) -> None:
    typed = make_snapshot(session, user, taken_on=SUNDAYS[1], followers=777, video_views=5)
    session.commit()
    record = make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    rows = _snapshots(session, user.id)
    assert [r[0] for r in rows] == SUNDAYS
    assert rows[1][2:4] + rows[1][-1:] == (777, 5, False)
    committing.undo(session, user, record.id, NOW)
    assert _snapshots(session, user.id) == [rows[1]]
    assert session.get(StatsSnapshot, typed.id) is typed


def test_undo_removes_the_weeks_and_puts_back_an_earlier_imports(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    before = _snapshots(session, user.id)
    later = make_import(session, user, "tiktok", *_lines(FIRST, LAST, views_from=900))
    assert _snapshots(session, user.id) == [_expected(s, views_from=900) for s in SUNDAYS]
    committing.undo(session, user, later.id, NOW)
    assert _snapshots(session, user.id) == before


def test_undoing_the_only_import_leaves_no_derived_snapshot(session, user) -> None:
    record = make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    committing.undo(session, user, record.id, NOW)
    assert _snapshots(session, user.id) == []


def test_importing_the_same_days_again_gives_the_same_weeks(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    before = _snapshots(session, user.id)
    # Other bytes (a skipped line more), the same days: nothing changes.
    make_import(session, user, "tiktok", "?header", *_lines(date(2025, 10, 6), LAST))
    assert _snapshots(session, user.id) == before


def test_an_edited_derived_snapshot_becomes_typed_and_stays(session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    derived = services.snapshot_on(session, user.id, SUNDAYS[0])
    assert derived is not None and derived.derived
    data = services.SnapshotData(SUNDAYS[0], 7, 1_234, 700, 70, 14, 7, 3)
    services.save_snapshot(session, user.id, derived, data, TODAY)
    session.commit()
    make_import(session, user, "tiktok", *_lines(FIRST, LAST, views_from=900))
    kept = services.snapshot_on(session, user.id, SUNDAYS[0])
    assert kept is not None and (kept.followers, kept.derived) == (1_234, False)


def test_weeks_are_calendar_weeks_whatever_the_range() -> None:
    assert weeks.week_ends(date(2025, 10, 8), date(2025, 10, 13)) == [SUNDAYS[0], SUNDAYS[1]]
    assert weeks.week_ends(SUNDAYS[0], SUNDAYS[0]) == [SUNDAYS[0]]


def test_the_history_labels_derived_snapshots_from_import(logged_in, session, user) -> None:
    make_import(session, user, "tiktok", *_lines(FIRST, LAST))
    make_snapshot(session, user, taken_on=date(2025, 11, 5))
    session.commit()
    page = logged_in.get("/stats/").get_data(as_text=True)
    assert page.count("from import</span>") == len(SUNDAYS)


def test_undoing_an_import_without_days_rebuilds_no_weeks(session, user, monkeypatch) -> None:
    """An LTK import wrote no days: its undo has no weeks to rebuild over its dates."""
    rebuilt: list[tuple[date, date]] = []
    monkeypatch.setattr(weeks, "rebuild", lambda _s, _o, start, end: rebuilt.append((start, end)))
    money = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,842,paid")
    days = make_import(session, user, "tiktok", "D,2025-10-02,views=100")
    rebuilt.clear()
    committing.undo(session, user, money.id, NOW)
    assert rebuilt == []
    committing.undo(session, user, days.id, NOW)
    assert rebuilt == [(date(2025, 10, 2), date(2025, 10, 2))]
