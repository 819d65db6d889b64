"""The month report: a month's income against the tier for the followers at its end.

The figures come from two aggregate queries whatever the number of entries: the month's
sums per stream, and the follower count at the month's end with the month's post counts.
The comparison itself is crm.rates.benchmark's, fed plain values. From 10,000 followers,
where there is no built-in benchmark, a third query reads the creator's own targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Select, String, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.income.listing import month_days, overdue, unpaid
from crm.income.models import Expense, IncomeEntry, IncomeStatus
from crm.income.targets import TargetComparison, compare_targets, targets_for
from crm.market.facts import Market
from crm.ownership import owned
from crm.rates.benchmark import MonthBenchmark, StreamVerdict, compare_month, posts_a_week
from crm.stats.models import StatsSnapshot


@dataclass(frozen=True)
class StreamSums:
    """One stream's month, in the reporting currency."""

    earned_cents: int = 0
    paid_cents: int = 0
    outstanding_cents: int = 0
    overdue_cents: int = 0


@dataclass(frozen=True)
class MonthReport:
    year: int
    month: int
    currency: str
    followers: int
    # The snapshot day the follower count is from; None: the profile's count.
    followers_on: date | None
    benchmark: MonthBenchmark
    streams: dict[str, StreamSums]
    totals: StreamSums
    goal_cents: int | None
    posts_per_week: Decimal | None
    # Entries saved under another profile currency, not in these sums.
    other_currency: int = 0
    expenses_cents: int = 0
    notes: tuple[str, ...] = field(default=())
    # The month against the creator's own targets: only where there is no tier benchmark.
    targets: TargetComparison | None = None

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def last_day(self) -> date:
        return month_days(self.year, self.month)[1] - timedelta(days=1)

    @property
    def net_cents(self) -> int:
        return self.totals.earned_cents - self.expenses_cents

    @property
    def goal_percent(self) -> int | None:
        """How much of the goal the month's income reached, in whole percent."""
        if not self.goal_cents:
            return None
        return self.totals.earned_cents * 100 // self.goal_cents


def gaps(line: StreamVerdict) -> tuple[int, int]:
    """(money missing to the range's low end, money left to its high end; negative: over)."""
    return max(line.range.low - line.amount_cents, 0), line.range.high - line.amount_cents


def _sum(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, IncomeEntry.reporting_cents), else_=0)), 0)


# The report's statements are built once with these bound parameters and run with the
# values: building them cost the dashboard and the month page more than running them.
_OWNER = bindparam("owner_id", type_=Integer)
_CURRENCY = bindparam("currency", type_=String)
_FIRST = bindparam("first", type_=Date)
_FOLLOWING = bindparam("following", type_=Date)
_TODAY = bindparam("today", type_=Date)


def _stream_sums(
    session: Session, user: User, first: date, following: date, today: date
) -> tuple[dict[str, StreamSums], int]:
    """The month's sums per stream (one query), and how many entries are in another currency."""
    values = {
        "owner_id": user.id,
        "currency": user.currency,
        "first": first,
        "following": following,
        "today": today,
    }
    rows = session.execute(_stream_sums_statement(), values).all()
    sums = {row[0]: StreamSums(*(int(v) for v in row[1:5])) for row in rows}
    return sums, sum(int(row[5]) for row in rows)


@cache
def _stream_sums_statement() -> Select[Any]:
    same = IncomeEntry.reporting_currency == _CURRENCY
    return (
        owned(
            IncomeEntry,
            _OWNER,
            IncomeEntry.stream,
            _sum(same),
            _sum(and_(same, IncomeEntry.status == IncomeStatus.PAID)),
            _sum(and_(same, unpaid())),
            _sum(and_(same, overdue(_TODAY))),
            func.count(case((~same, 1))),
        )
        .where(IncomeEntry.earned_on >= _FIRST, IncomeEntry.earned_on < _FOLLOWING)
        .group_by(IncomeEntry.stream)
    )


def month_income(
    session: Session, user: User, year: int, month: int, today: date
) -> dict[str, int]:
    """What the month earned per stream key, in the reporting currency (one query)."""
    first, following = month_days(year, month)
    sums, _other = _stream_sums(session, user, first, following, today)
    return {key: s.earned_cents for key, s in sums.items() if s.earned_cents}


class MonthEnd(NamedTuple):
    followers: int
    followers_on: date | None  # None: the profile's count
    posts_per_week: Decimal | None
    expenses_cents: int


def _account_at_month_end(session: Session, user: User, first: date, following: date) -> MonthEnd:
    """Followers at the month's end (latest snapshot on or before its last day, else the
    profile), the posts a week the month's snapshots show, and the month's expenses
    (one query)."""
    values = {"owner_id": user.id, "currency": user.currency, "first": first}
    row = session.execute(month_end_statement(), values | {"following": following}).one()
    return month_end_from(user, row)


def month_end_from(user: User, row: Any) -> MonthEnd:
    """A row holding month_end_statement's columns (by their labels) as the month's end."""
    followers, taken_on = row.month_followers, row.month_followers_on
    period, expenses = row.month_posting_days, int(row.month_expenses_cents)
    # Snapshots may overlap (a 7-day total every day): the rate is posts over days covered.
    per_week = posts_a_week(int(row.month_posts), int(period)) if period else None
    if followers is None:
        return MonthEnd(user.followers or 0, None, per_week, expenses)
    return MonthEnd(int(followers), taken_on, per_week, expenses)


@cache
def month_end_statement() -> Select[Any]:
    """One row of labelled scalar subqueries (the dashboard puts them in its own one-row
    select); bound parameters owner_id, currency, first and following (the month)."""
    # Only the two columns read: the statement stays under psycopg's 4 KB cache of parsed SQL.
    latest = (
        owned(StatsSnapshot, _OWNER, StatsSnapshot.followers, StatsSnapshot.taken_on)
        .where(StatsSnapshot.taken_on < _FOLLOWING)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1)
        .subquery("latest")
    )
    posts, days = _posting()
    return select(
        select(latest.c.followers).scalar_subquery().label("month_followers"),
        select(latest.c.taken_on).scalar_subquery().label("month_followers_on"),
        posts.label("month_posts"),
        days.label("month_posting_days"),
        _spent().label("month_expenses_cents"),
    )


def _posting() -> tuple[Any, Any]:
    """Scalar subqueries: the posts and the days the month's snapshots cover.

    Only snapshots that give a post count: an unknown count is neither 0 posts nor days
    without posting, so its days stay out of the rate too.
    """
    in_month = owned(StatsSnapshot, _OWNER).where(
        StatsSnapshot.taken_on >= _FIRST,
        StatsSnapshot.taken_on < _FOLLOWING,
        StatsSnapshot.posts.is_not(None),
    )
    posts = in_month.with_only_columns(func.sum(StatsSnapshot.posts)).scalar_subquery()
    days = in_month.with_only_columns(func.sum(StatsSnapshot.period_days)).scalar_subquery()
    return posts, days


def _spent() -> Any:
    """Scalar subquery: the month's expenses in the reporting currency."""
    return (
        owned(Expense, _OWNER, func.coalesce(func.sum(Expense.reporting_cents), 0))
        .where(
            Expense.spent_on >= _FIRST,
            Expense.spent_on < _FOLLOWING,
            Expense.reporting_currency == _CURRENCY,
        )
        .scalar_subquery()
    )


def month_report(
    session: Session,
    user: User,
    year: int,
    month: int,
    today: date,
    market: Market,
    ended: MonthEnd | None = None,
) -> MonthReport:
    """The report for one month of `user`'s income (two queries; three from 10,000
    followers, where the creator's own targets replace the benchmark). `ended`: the
    month's end already read (month_end_from), one query less."""
    first, following = month_days(year, month)
    streams, other_currency = _stream_sums(session, user, first, following, today)
    followers, followers_on, per_week, spent = ended or _account_at_month_end(
        session, user, first, following
    )
    known = {s.key for s in market.streams}
    income = {key: sums.earned_cents for key, sums in streams.items() if key in known}
    result = compare_month(followers, income, per_week, market=market)
    own = (
        compare_targets(income, targets_for(session, user.id, user.currency), market=market)
        if result.tier is None
        else None
    )
    totals = StreamSums(
        *(sum(getattr(s, name) for s in streams.values()) for name in StreamSums.__annotations__)
    )
    notes = []
    if user.currency != market.currency and result.tier is not None:
        notes.append(
            f"The benchmark ranges are in {market.currency}; your income is in {user.currency}, "
            "compared as if the two were the same."
        )
    return MonthReport(
        year=year,
        month=month,
        currency=user.currency,
        followers=followers,
        followers_on=followers_on,
        benchmark=result,
        streams=streams,
        totals=totals,
        goal_cents=user.income_goal_cents,
        posts_per_week=per_week,
        other_currency=other_currency,
        expenses_cents=spent,
        notes=tuple(notes),
        targets=own,
    )
