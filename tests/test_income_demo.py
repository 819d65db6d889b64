"""The demo account's income reads like a real creator's year."""

from __future__ import annotations

from collections import Counter

from crm.database import utcnow
from crm.demo import ensure_demo_account
from crm.income import demo
from crm.income.listing import owed
from crm.income.report import month_report
from crm.income.year import year_summary
from crm.market.seed import installed_market


def test_the_demo_year_has_months_below_within_and_above_its_tier(session) -> None:
    user, created = ensure_demo_account(session, "fast")
    assert created
    today = utcnow().date()
    verdicts = Counter()
    for months_back in range(12):
        start = demo._month_start(today, months_back)
        report = month_report(session, user, start.year, start.month, today, installed_market())
        if report.benchmark.total:
            verdicts[report.benchmark.total.verdict] += 1
        assert report.expenses_cents > 0
    assert verdicts["below"] and verdicts["within"] and verdicts["above"], verdicts
    due = owed(session, user.id, user.currency, today)
    assert due.outstanding_cents > due.overdue_cents > 0
    assert user.income_goal_cents == demo.GOAL_CENTS
    assert year_summary(session, user, today.year).earned_cents > 0
    # Running it again adds nothing.
    assert demo.populate(session, user) is False


def test_the_demo_logs_lives_that_feed_its_income(session) -> None:
    from crm.income.live import format_earnings

    user, _created = ensure_demo_account(session, "fast")
    rows = format_earnings(session, user.id)
    assert len(rows) == 3 and all(row.cents > 0 for row in rows)
