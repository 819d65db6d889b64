"""Weekly snapshots derived from imported days, so every stats reader sees imports unchanged.

Imports write one row a day (daily_stats, every figure nullable); the stats pages, the pitch
email, the rates and the income report read snapshots ("followers now, totals over the last
period_days"). Rather than teach each reader about days, each calendar week (Monday to
Sunday, fixed, so importing another range gives the same windows) with every figure known
becomes one snapshot taken on its Sunday, marked `derived`. They are rebuilt over the days an
import touched after it commits and after it is undone; a typed snapshot is never replaced or
removed, and on a Sunday that has one no snapshot is derived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from crm.imports.models import DailyStats
from crm.ownership import owned
from crm.stats.models import StatsSnapshot

WEEK = 7
_SUMMED = ("views", "likes", "comments", "shares")


@dataclass(frozen=True, slots=True)
class Day:
    """The figures of one imported day a week is built from (None: unknown)."""

    day: date
    views: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    followers: int | None


@dataclass(frozen=True, slots=True)
class Week:
    """One derived snapshot's figures: the week's sums, the followers at its latest known day."""

    ends_on: date
    followers: int
    video_views: int
    likes: int
    comments: int
    shares: int


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def week_ends(start: date, end: date) -> list[date]:
    """The Sundays of every week that meets start..end."""
    sunday = week_start(start) + timedelta(days=WEEK - 1)
    ends = []
    while sunday - timedelta(days=WEEK - 1) <= end:
        ends.append(sunday)
        sunday += timedelta(days=WEEK)
    return ends


def weeks(days: Iterable[Day]) -> list[Week]:
    """The complete weeks among `days` (pure): all seven days with views, likes, comments and
    shares, and a follower count on at least one of them. A partial week says nothing true
    about "the last 7 days", so it gives no snapshot rather than a short sum."""
    by_week: dict[date, dict[date, Day]] = {}
    for day in days:
        by_week.setdefault(week_start(day.day), {})[day.day] = day
    out = []
    for monday, known in sorted(by_week.items()):
        full = [known.get(monday + timedelta(days=n)) for n in range(WEEK)]
        if any(d is None or any(_bad(getattr(d, f)) for f in _SUMMED) for d in full):
            continue
        followers = [d.followers for d in full if d is not None and d.followers is not None]
        if not followers or followers[-1] < 0:
            continue
        sums = {f: sum(getattr(d, f) for d in full if d is not None) for f in _SUMMED}
        out.append(Week(monday + timedelta(days=WEEK - 1), followers[-1], sums["views"],
                        sums["likes"], sums["comments"], sums["shares"]))  # fmt: skip
    return out


def _bad(value: int | None) -> bool:
    return value is None or value < 0


def rebuild(session: Session, owner_id: int, start: date, end: date) -> int:
    """Derive again the snapshots of every week meeting start..end; how many there are now."""
    from crm.stats.services import sync_profile_followers

    ends = week_ends(start, end)
    first, last = ends[0] - timedelta(days=WEEK - 1), ends[-1]
    session.execute(
        delete(StatsSnapshot).where(
            StatsSnapshot.owner_id == owner_id,
            StatsSnapshot.derived.is_(True),
            StatsSnapshot.taken_on.between(first, last),
        ),
        execution_options={"synchronize_session": "fetch"},
    )
    typed = set(
        session.scalars(
            owned(StatsSnapshot, owner_id, StatsSnapshot.taken_on).where(
                StatsSnapshot.taken_on.between(first, last)
            )
        )
    )
    rows = session.execute(
        owned(DailyStats, owner_id, DailyStats.day, *(getattr(DailyStats, f) for f in _SUMMED))
        .add_columns(DailyStats.followers)
        .where(DailyStats.day.between(first, last))
    ).all()
    new = [
        {
            "owner_id": owner_id,
            "taken_on": w.ends_on,
            "period_days": WEEK,
            "derived": True,
            "followers": w.followers,
            "video_views": w.video_views,
            "likes": w.likes,
            "comments": w.comments,
            "shares": w.shares,
            "posts": None,
        }
        for w in weeks(Day(*row) for row in rows)
        if w.ends_on not in typed
    ]
    if new:
        session.execute(insert(StatsSnapshot), new)
    session.flush()
    sync_profile_followers(session, owner_id)
    return len(new)
