"""What the dashboard shows, gathered in a few constant queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, bindparam, select, true
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.dates import month_days
from crm.deals import due as deliverables_due
from crm.deals.dashboard_counts import DealNumbers, deal_numbers
from crm.income.listing import Owed, owed_from, owed_statement
from crm.income.report import (
    MonthEnd,
    MonthReport,
    month_end_from,
    month_end_statement,
    month_report,
)
from crm.market.facts import Market
from crm.pitches import followups, states, totals
from crm.rates.tiers import TierStanding, standing
from crm.stats.followers import follower_count
from crm.stats.services import StatsSummary, stats_summary
from crm.stats.trend import AudienceMonth, audience_months, last_months, sparkline


@dataclass(frozen=True)
class OpenPipeline:
    """Open pitches (draft to negotiating) and what they quote, per currency."""

    count: int
    quoted: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DashboardSummary:
    stats: StatsSummary
    followers: int
    profile_complete: bool
    # Counted up to followups.BADGE_CAP + 1 (shown as "99+").
    followups_due: int
    # Deliverables not posted yet, due this week (today to Sunday) and overdue; capped alike.
    deliverables_this_week: int
    deliverables_overdue: int
    # Sent invoices unpaid and overdue (per currency), rights windows ending within 14 days.
    deals: DealNumbers
    pipeline: OpenPipeline
    tier: TierStanding
    # The creator's month so far (income against the tier, the goal) and what is owed.
    month: MonthReport
    owed: Owed
    # Followers and engagement over the last months, oldest first.
    audience: list[AudienceMonth]

    @property
    def measured(self) -> list[AudienceMonth]:
        """The months with a follower count (from the first snapshot on)."""
        return [m for m in self.audience if m.followers is not None]

    @property
    def followers_line(self) -> str:
        """The followers trend as an SVG polyline's points, 120 x 32."""
        return sparkline([float(m.followers or 0) for m in self.measured], 120, 32)


# The dashboard's statements are built once, their values bound parameters: building one
# cost more than running it, on every visit to the home page.
_OWNER = bindparam("owner_id", type_=Integer)
_TODAY = bindparam("today", type_=Date)


@dataclass(frozen=True)
class _Numbers:
    """The dashboard's one-row figures and its open pipeline, read in one query."""

    followups_due: int
    deliverables_this_week: int
    deliverables_overdue: int
    owed: Owed
    month_end: MonthEnd
    pipeline: OpenPipeline


def _numbers(session: Session, user: User, today: date) -> _Numbers:
    """Follow-ups due, deliverables due and overdue (each capped), what is owed, the month's
    end (followers, posting, expenses) and the open pipeline per currency: one query."""
    first, following = month_days(today.year, today.month)
    values = {
        "owner_id": user.id,
        "today": today,
        "sunday": deliverables_due.week_end(today),
        "currency": user.currency,
        "first": first,
        "following": following,
    }
    rows = session.execute(_numbers_statement(), values).all()
    found = [row for row in rows if row.currency is not None]
    pipeline = OpenPipeline(
        count=sum(int(row.count) for row in found),
        quoted=tuple((row.currency, int(row.quoted_cents)) for row in found if row.quoted_cents),
    )
    one = rows[0]
    return _Numbers(
        followups_due=one.due,
        deliverables_this_week=one.this_week,
        deliverables_overdue=one.overdue,
        owed=owed_from(one),
        month_end=month_end_from(user, one),
        pipeline=pipeline,
    )


@cache
def _numbers_statement() -> Select[Any]:
    """The one-row figures (scalar subqueries, and the owed sums' one-row aggregate) on every
    row, the open totals (from the kept counters) outer-joined, so an account with no open
    pitch still gets one row."""
    due = followups.due_count_query(_OWNER, _TODAY).scalar_subquery().label("due")
    sunday = bindparam("sunday", type_=Date)
    deliverables = deliverables_due.dashboard_counts_query(
        _OWNER, _TODAY, followups.BADGE_CAP, sunday
    )
    owing = owed_statement().subquery("owed")
    one = select(
        due,
        *deliverables.selected_columns,
        *month_end_statement().selected_columns,
        *owing.c,
    ).subquery("one")
    open_totals = totals.currency_totals(_OWNER, states.OPEN_STATUSES).subquery("open_totals")
    return (
        select(one, open_totals.c.currency, open_totals.c.count, open_totals.c.quoted_cents)
        .select_from(one)
        .outerjoin(open_totals, true())
        .order_by(open_totals.c.currency)
    )


def dashboard_summary(
    session: Session, user: User, today: date, market: Market
) -> DashboardSummary:
    """The numbers on the dashboard for `user` (five queries; six from 10,000 followers,
    where the month report reads the creator's own targets)."""
    stats = stats_summary(session, user.id)
    followers = follower_count(user, stats.latest.snapshot.followers if stats.latest else None)
    numbers = _numbers(session, user, today)
    month = month_report(
        session, user, today.year, today.month, today, market, ended=numbers.month_end
    )
    return DashboardSummary(
        stats=stats,
        followers=followers,
        profile_complete=bool(user.tiktok_handle and followers),
        followups_due=numbers.followups_due,
        deliverables_this_week=numbers.deliverables_this_week,
        deliverables_overdue=numbers.deliverables_overdue,
        deals=deal_numbers(session, user.id, today),
        pipeline=numbers.pipeline,
        tier=standing(followers, market=market),
        month=month,
        owed=numbers.owed,
        audience=audience_months(session, user, last_months(today)),
    )
