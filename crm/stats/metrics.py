"""Pure engagement and growth arithmetic over plain numbers (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ENGAGEMENT_FORMULA = "(likes + comments + shares) ÷ video views × 100"
GROWTH_FORMULA = "(followers now − followers a week earlier) ÷ followers a week earlier × 100"


def engagement_rate(likes: int, comments: int, shares: int, views: int) -> float | None:
    """Engagement rate in percent; None when there were no views to divide by."""
    if views <= 0:
        return None
    return (likes + comments + shares) / views * 100


def growth_rate(previous: int, current: int) -> float | None:
    """Follower growth in percent from `previous` to `current`; None from zero."""
    if previous <= 0:
        return None
    return (current - previous) / previous * 100


def average_views(views: int, posts: int | None) -> float | None:
    """Average views per video over the period; None without posts, or when the post
    count is unknown (None)."""
    if posts is None or posts <= 0:
        return None
    return views / posts


@dataclass(frozen=True)
class Point:
    """One snapshot's date and follower count."""

    taken_on: date
    followers: int


def week_ago(points: list[Point], index: int) -> Point | None:
    """The latest point at least 7 days before points[index] (points sorted oldest first).

    Week over week means the snapshot a week back, or the nearest one before that;
    snapshots less than 7 days apart are not a week.
    """
    if points[index].taken_on < date.min + timedelta(days=7):
        return (
            None  # nothing is a week before the first week of year 1 (and date.min - 7 overflows)
        )
    cutoff = points[index].taken_on - timedelta(days=7)
    candidate = None
    for point in points[:index]:
        if point.taken_on <= cutoff:
            candidate = point
        else:
            break
    return candidate
