"""What the dashboard shows, gathered in a few constant queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, bindparam, select, true
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.deals import due as deliverables_due
from crm.deals.dashboard_counts import DealNumbers, deal_numbers
from crm.income.listing import Owed, owed
from crm.income.report import MonthReport, month_report
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


def _pitch_numbers(session: Session, owner_id: int, today: date) -> tuple[int, OpenPipeline]:
    """Follow-ups due (capped) and the open pipeline per currency, in one query."""
    rows = session.execute(_pitch_numbers_statement(), {"owner_id": owner_id, "today": today})
    rows = rows.all()
    found = [row for row in rows if row.currency is not None]
    pipeline = OpenPipeline(
        count=sum(int(row.count) for row in found),
        quoted=tuple((row.currency, int(row.quoted_cents)) for row in found if row.quoted_cents),
    )
    return rows[0].due, pipeline


# The dashboard's statements are built once, their values bound parameters: building one
# cost more than running it, on every visit to the home page.
_OWNER = bindparam("owner_id", type_=Integer)
_TODAY = bindparam("today", type_=Date)


@cache
def _pitch_numbers_statement() -> Select[Any]:
    """The due count as a scalar subquery on every row, the open totals (from the kept
    counters) outer-joined, so an account with no open pitch still gets one row."""
    open_totals = totals.currency_totals(_OWNER, states.OPEN_STATUSES).subquery("open_totals")
    due = followups.due_count_query(_OWNER, _TODAY).scalar_subquery().label("due")
    return (
        select(due, open_totals.c.currency, open_totals.c.count, open_totals.c.quoted_cents)
        .select_from(select(true().label("one")).subquery("one"))
        .outerjoin(open_totals, true())
        .order_by(open_totals.c.currency)
    )


def _deliverable_numbers(session: Session, owner_id: int, today: date) -> tuple[int, int]:
    """Deliverables due this week and overdue (each up to BADGE_CAP + 1), in one query."""
    values = {"owner_id": owner_id, "today": today, "sunday": deliverables_due.week_end(today)}
    row = session.execute(_deliverable_numbers_statement(), values).one()
    return row.this_week, row.overdue


@cache
def _deliverable_numbers_statement() -> Select[Any]:
    sunday = bindparam("sunday", type_=Date)
    return deliverables_due.dashboard_counts_query(_OWNER, _TODAY, followups.BADGE_CAP, sunday)


def dashboard_summary(
    session: Session, user: User, today: date, market: Market
) -> DashboardSummary:
    """The numbers on the dashboard for `user` (eight queries; nine from 10,000 followers,
    where the month report reads the creator's own targets)."""
    stats = stats_summary(session, user.id)
    followers = follower_count(user, stats.latest.snapshot.followers if stats.latest else None)
    followups_due, pipeline = _pitch_numbers(session, user.id, today)
    this_week, overdue = _deliverable_numbers(session, user.id, today)
    return DashboardSummary(
        stats=stats,
        followers=followers,
        profile_complete=bool(user.tiktok_handle and followers),
        followups_due=followups_due,
        deliverables_this_week=this_week,
        deliverables_overdue=overdue,
        deals=deal_numbers(session, user.id, today),
        pipeline=pipeline,
        tier=standing(followers, market=market),
        month=month_report(session, user, today.year, today.month, today, market),
        owed=owed(session, user.id, user.currency, today),
        audience=audience_months(session, user, last_months(today)),
    )
