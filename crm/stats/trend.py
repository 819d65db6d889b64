"""The audience month by month: followers at each month's end and the month's engagement.

One aggregate query whatever the history: a scalar subquery a month for the follower count
(the latest snapshot on or before its last day) and two conditional sums a month over the
snapshots of those months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

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
    values: dict[str, object] = {"owner_id": user.id}
    for i, month in enumerate(months):
        values[f"first_{i}"], values[f"following_{i}"] = month_days(*month)
    row = session.execute(_audience_statement(len(months)), values).one()
    followers, totals = row[: len(months)], row[len(months) :]
    return [
        AudienceMonth(
            year,
            month,
            int(count) if count is not None else None,
            engagement_rate(int(totals[2 * i]), 0, 0, int(totals[2 * i + 1])),
        )
        for i, ((year, month), count) in enumerate(zip(months, followers, strict=True))
    ]


@lru_cache(maxsize=4)
def _audience_statement(count: int) -> Select[Any]:
    """The query for `count` months, built once: building its 36 subqueries and sums cost
    the dashboard more than running them. The owner and each month's first day and the
    first day after it (first_0, following_0, ...) are bound parameters."""
    owner_id = bindparam("owner_id", type_=Integer)
    bounds = [
        (bindparam(f"first_{i}", type_=Date), bindparam(f"following_{i}", type_=Date))
        for i in range(count)
    ]
    ends = [
        owned(StatsSnapshot, owner_id, StatsSnapshot.followers)
        .where(StatsSnapshot.taken_on < following)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1)
        .scalar_subquery()
        for _first, following in bounds
    ]
    interactions = StatsSnapshot.likes + StatsSnapshot.comments + StatsSnapshot.shares
    sums = []
    for first, following in bounds:
        inside = and_(StatsSnapshot.taken_on >= first, StatsSnapshot.taken_on < following)
        sums += [
            func.coalesce(func.sum(case((inside, interactions), else_=0)), 0),
            func.coalesce(func.sum(case((inside, StatsSnapshot.video_views), else_=0)), 0),
        ]
    in_range = owned(StatsSnapshot, owner_id, *sums).where(
        StatsSnapshot.taken_on >= bounds[0][0], StatsSnapshot.taken_on < bounds[-1][1]
    )
    return select(*ends, *in_range.subquery().c)


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
