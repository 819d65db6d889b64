"""The dashboard's summary: its one-row figures read together say what each area's own reads
say, in a constant few queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.dashboard.services import dashboard_summary
from crm.income.listing import owed
from crm.income.models import IncomeStatus
from crm.income.report import month_report
from crm.market.current import installed_market
from crm.pitches.models import PitchStatus
from tests.factories import make_snapshot
from tests.factories_deals import make_deal, make_deliverable
from tests.factories_income import TODAY, make_expense, make_income
from tests.factories_pitches import make_pitch

MARKET = installed_market()


def _fill(session, user) -> None:
    make_income(session, user, earned_on=TODAY - timedelta(days=3), amount_cents=40_000,
                status=IncomeStatus.INVOICED, due_on=TODAY - timedelta(days=1))  # fmt: skip
    make_income(session, user, earned_on=TODAY - timedelta(days=2), amount_cents=25_000,
                status=IncomeStatus.EXPECTED, due_on=TODAY + timedelta(days=9))  # fmt: skip
    make_income(session, user, earned_on=TODAY - timedelta(days=1), amount_cents=10_000,
                status=IncomeStatus.PAID)  # fmt: skip
    make_expense(session, user, spent_on=TODAY - timedelta(days=4), amount_cents=3_000)
    for day, posts in ((date(2026, 10, 31), 2), (date(2026, 11, 7), 3), (date(2026, 11, 14), 4)):
        make_snapshot(session, user, taken_on=day, followers=3_000 + posts, posts=posts)
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=TODAY, quoted_cents=500_00)
    make_pitch(session, user, status=PitchStatus.NEGOTIATING, quoted_cents=700_00)
    deal = make_deal(session, user, today=TODAY)
    for offset in (-3, 0, 1):
        make_deliverable(session, user, deal, due_on=TODAY + timedelta(days=offset), today=TODAY)
    session.commit()


def test_the_summary_reads_what_each_area_reads_alone(session, user, other_user) -> None:
    _fill(session, user)
    _fill(session, other_user)  # another creator's rows: the owner filter must bite
    summary = dashboard_summary(session, user, TODAY, MARKET)
    assert summary.owed == owed(session, user.id, user.currency, TODAY)
    assert summary.month == month_report(session, user, 2026, 11, TODAY, MARKET)
    assert summary.owed.overdue_cents == 40_000 and summary.owed.not_due_cents == 25_000
    assert summary.month.expenses_cents == 3_000 and summary.month.followers == 3_004
    assert summary.month.posts_per_week is not None
    assert (summary.followups_due, summary.pipeline.count) == (1, 2)
    assert summary.pipeline.quoted == (("USD", 1_200_00),)
    # TODAY is a Friday: today and tomorrow are this week's, three days ago is overdue.
    assert (summary.deliverables_this_week, summary.deliverables_overdue) == (2, 1)


def test_an_empty_account_gets_its_zeros(session, user) -> None:
    summary = dashboard_summary(session, user, TODAY, MARKET)
    assert (summary.followups_due, summary.pipeline.count, summary.pipeline.quoted) == (0, 0, ())
    assert (summary.deliverables_this_week, summary.deliverables_overdue) == (0, 0)
    assert summary.owed.outstanding_cents == 0 and summary.month.expenses_cents == 0
    assert summary.month.followers_on is None and summary.month.posts_per_week is None


def test_the_summary_runs_five_queries(session, user, count_queries) -> None:
    _fill(session, user)
    with count_queries() as statements:
        dashboard_summary(session, user, TODAY, MARKET)
    assert len(statements) == 5


def test_each_statement_fits_psycopgs_cache_of_parsed_sql(session, user, count_queries) -> None:
    """psycopg parses a statement's placeholders again on every run past 4 KB or 50
    parameters: the audience query once cost the dashboard 1-2 ms of CPU a visit that way."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the text psycopg is handed exists on PostgreSQL only")
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

    with count_queries() as statements:
        dashboard_summary(session, user, TODAY, MARKET)
    for statement in statements:
        assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH, statement[:200]
        assert statement.count("%(") <= MAX_CACHED_STATEMENT_PARAMS, statement[:200]
