"""The audience month by month: followers at each month's end and the month's engagement.

One aggregate query whatever the history: the snapshots of the months asked for, summed per
calendar month, each month's last snapshot joined for its follower count, and the latest
snapshot before the first month (the count a month without snapshots carries on from).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, extract, func, select, true
from sqlalchemy.orm import Session, aliased

from crm.accounts.models import User
from crm.dates import month_days
from crm.ownership import owned
from crm.stats.metrics import engagement_rate
from crm.stats.models import StatsSnapshot

MONTHS = 12


@dataclass(frozen=True)
class AudienceMonth:
    year: int
    month: int
    # At the month's end: the latest snapshot on or before it; None before the first one (a
    # trend does not draw today's count back into months nobody measured).
    followers: int | None
    engagement: float | None  # (likes + comments + shares) / views over the month's snapshots

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def last_months(today: date, count: int = MONTHS) -> list[tuple[int, int]]:
    """(year, month) of the `count` months up to today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def audience_months(
    session: Session, user: User, months: list[tuple[int, int]]
) -> list[AudienceMonth]:
    """Followers and engagement for each of `months` (one query)."""
    values = {
        "owner_id": user.id,
        "first": month_days(*min(months))[0],
        "following": month_days(*max(months))[1],
    }
    rows = session.execute(_audience_statement(), values).all()
    before = rows[0].before
    measured = {(int(row.year), int(row.month)): row for row in rows if row.year is not None}
    # A month without snapshots keeps the count of the latest month before it that had one.
    keys = sorted(measured)
    result = []
    for year, month in months:
        found = measured.get((year, month))
        at = bisect_right(keys, (year, month))
        followers = measured[keys[at - 1]].followers if at else before
        result.append(
            AudienceMonth(
                year,
                month,
                int(followers) if followers is not None else None,
                engagement_rate(int(found.interactions), 0, 0, int(found.views)) if found else None,
            )
        )
    return result


@cache
def _audience_statement() -> Select[Any]:
    """Built once (building it cost the dashboard more than running it); the owner, the first
    month's first day and the day after the last month are bound parameters.

    One row per calendar month with snapshots, its last snapshot's followers joined (one
    snapshot a day: the unique (owner, day) finds it); the count before the first month is
    a scalar subquery on every row, the months outer-joined to a one-row select so a
    creator without snapshots in the range still gets that row.
    """
    owner_id = bindparam("owner_id", type_=Integer)
    first, following = bindparam("first", type_=Date), bindparam("following", type_=Date)
    year = extract("year", StatsSnapshot.taken_on).label("year")
    month = extract("month", StatsSnapshot.taken_on).label("month")
    interactions = StatsSnapshot.likes + StatsSnapshot.comments + StatsSnapshot.shares
    by_month = (
        owned(
            StatsSnapshot,
            owner_id,
            year,
            month,
            func.sum(interactions).label("interactions"),
            func.sum(StatsSnapshot.video_views).label("views"),
            func.max(StatsSnapshot.taken_on).label("last_on"),
        )
        .where(StatsSnapshot.taken_on >= first, StatsSnapshot.taken_on < following)
        .group_by(year, month)
        .subquery("by_month")
    )
    last = aliased(StatsSnapshot, name="last_snapshot")
    measured = (
        select(by_month.c.year, by_month.c.month, by_month.c.interactions, by_month.c.views)
        .add_columns(last.followers)
        .join(last, and_(last.owner_id == owner_id, last.taken_on == by_month.c.last_on))
        .subquery("measured")
    )
    before = (
        owned(StatsSnapshot, owner_id, StatsSnapshot.followers)
        .where(StatsSnapshot.taken_on < first)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1)
        .scalar_subquery()
        .label("before")
    )
    return (
        select(before, measured)
        .select_from(select(true().label("one")).subquery("one"))
        .outerjoin(measured, true())
    )


def sparkline(values: list[float], width: float, height: float) -> str:
    """An SVG polyline's points for `values`, spread across `width`, scaled to `height`."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - (value - low) / span * height:.1f}"
        for i, value in enumerate(values)
    )
