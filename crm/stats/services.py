"""Stats operations and read models: snapshots with their derived rates, portfolio videos."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select, true
from sqlalchemy.orm import Session, aliased

from crm import inputs, links
from crm.accounts.models import User
from crm.errors import FieldError
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page
from crm.stats import metrics
from crm.stats.followers import newest_followers
from crm.stats.models import PortfolioVideo, StatsSnapshot

# Views and followers pass two billion (the 4-byte limit): their columns are 8-byte.
COUNT_MAX = 10_000_000_000
POSTS_MAX = 10_000
URL_MAX = 500
TITLE_MAX = 200
PERIOD_MAX_DAYS = 365
_BIG_COUNTS = ("followers", "video_views", "likes", "comments", "shares")
# Snapshots are one a day, so the 8 before a snapshot cover its week back (growth).
_WEEK_BACK = 8


class StatsError(FieldError):
    """A refused stats change; `field` names the form field it belongs next to."""


@dataclass(frozen=True)
class SnapshotData:
    taken_on: date
    period_days: int
    followers: int
    video_views: int
    likes: int
    comments: int
    shares: int
    posts: int | None  # None: not given (unknown), never taken for 0


@dataclass(frozen=True)
class SnapshotRow:
    """A snapshot with what is computed from it."""

    snapshot: StatsSnapshot
    engagement: float | None
    growth: float | None
    growth_since: date | None
    average_views: float | None


@dataclass(frozen=True)
class StatsSummary:
    latest: SnapshotRow | None
    snapshot_count: int
    video_count: int


@dataclass(frozen=True)
class VideoData:
    url: str
    title: str
    product_category: str
    views: int
    likes: int


def check_snapshot(data: SnapshotData, today: date) -> None:
    """Refuse numbers out of range, or that cannot be true together."""
    if data.taken_on > today:
        raise StatsError("The date can't be in the future.", field="taken_on")
    problem = inputs.date_problem(data.taken_on, today)
    if problem:
        raise StatsError(problem, field="taken_on")
    _check_ranges(data)
    engaged = data.likes + data.comments + data.shares
    if data.video_views == 0 and engaged > 0:
        raise StatsError("Likes, comments or shares need at least one view.", field="video_views")
    if data.likes > data.video_views:
        raise StatsError("Likes can't be more than video views.", field="likes")


def _check_ranges(data: SnapshotData) -> None:
    if not 1 <= data.period_days <= PERIOD_MAX_DAYS:
        raise StatsError(f"1 to {PERIOD_MAX_DAYS} days.", field="period_days")
    if data.posts is not None and not 0 <= data.posts <= POSTS_MAX:
        raise StatsError(f"Posts: enter 0 to {POSTS_MAX:,}.", field="posts")
    for name in _BIG_COUNTS:
        if not 0 <= getattr(data, name) <= COUNT_MAX:
            raise StatsError(f"Enter 0 to {COUNT_MAX:,}.", field=name)


def check_video(data: VideoData) -> None:
    """Refuse a link that isn't one, text too long for its column, and counts out of range."""
    problem = links.link_problem(data.url)
    if problem:
        raise StatsError(problem, field="url")
    for name, most in (("url", URL_MAX), ("title", TITLE_MAX)):
        if len(getattr(data, name)) > most:
            raise StatsError(f"Keep it under {most} characters.", field=name)
    for name in ("views", "likes"):
        if not 0 <= getattr(data, name) <= COUNT_MAX:
            raise StatsError(f"Enter 0 to {COUNT_MAX:,}.", field=name)


def snapshot_on(session: Session, owner_id: int, day: date) -> StatsSnapshot | None:
    """The creator's snapshot of `day`, if there is one."""
    return session.scalars(
        owned(StatsSnapshot, owner_id).where(StatsSnapshot.taken_on == day)
    ).one_or_none()


def save_snapshot(
    session: Session,
    owner_id: int,
    snapshot: StatsSnapshot | None,
    data: SnapshotData,
    today: date,
) -> StatsSnapshot:
    """Create or update the snapshot for a date; one snapshot per day."""
    check_snapshot(data, today)
    clash = snapshot_on(session, owner_id, data.taken_on)
    if clash is not None and (snapshot is None or clash.id != snapshot.id):
        raise StatsError(
            "There is already a snapshot for this date; edit that one instead.", field="taken_on"
        )
    snapshot = snapshot or StatsSnapshot(owner_id=owner_id)
    for field, value in data.__dict__.items():
        setattr(snapshot, field, value)
    # Saved by the creator, it is theirs now: the next import's rebuild leaves it alone.
    snapshot.derived = False
    session.add(snapshot)
    session.flush()
    sync_profile_followers(session, owner_id)
    return snapshot


def sync_profile_followers(session: Session, owner_id: int) -> None:
    """Keep the profile's count (the fallback) on the newest snapshot's, so the two agree."""
    newest = newest_followers(session, owner_id)
    user = session.get(User, owner_id)
    if newest is not None and user is not None:
        user.followers = newest


def snapshot_rows(snapshots: list[StatsSnapshot]) -> list[SnapshotRow]:
    """Derive engagement, week-over-week growth and average views; input oldest first."""
    points = [metrics.Point(s.taken_on, s.followers) for s in snapshots]
    rows = []
    for index, snap in enumerate(snapshots):
        previous = metrics.week_ago(points, index)
        rows.append(
            SnapshotRow(
                snapshot=snap,
                engagement=metrics.engagement_rate(
                    snap.likes, snap.comments, snap.shares, snap.video_views
                ),
                growth=metrics.growth_rate(previous.followers, snap.followers)
                if previous
                else None,
                growth_since=previous.taken_on if previous else None,
                average_views=metrics.average_views(snap.video_views, snap.posts),
            )
        )
    return rows


# Newest first; snapshots are one a day, so taken_on alone orders them (id for form's sake).
HISTORY_ORDER = Order(
    "history",
    (Key(StatsSnapshot.taken_on, descending=True), Key(StatsSnapshot.id, descending=True)),
)


def _with_rates(session: Session, owner_id: int, newest: list[StatsSnapshot]) -> list[SnapshotRow]:
    """`newest` (newest first) with their rates; reads the week before the oldest (one query)."""
    if not newest:
        return []
    # Snapshots are one a day, so the 8 before the oldest shown cover its week back.
    older = list(
        session.scalars(
            owned(StatsSnapshot, owner_id)
            .where(StatsSnapshot.taken_on < newest[-1].taken_on)
            .order_by(StatsSnapshot.taken_on.desc())
            .limit(_WEEK_BACK)
        )
    )
    rows = snapshot_rows(list(reversed(newest + older)))
    return list(reversed(rows))[: len(newest)]


def history(session: Session, owner_id: int, limit: int = 104) -> list[SnapshotRow]:
    """The newest `limit` snapshots with their rates, newest first (two queries at most)."""
    newest = list(
        session.scalars(
            owned(StatsSnapshot, owner_id).order_by(StatsSnapshot.taken_on.desc()).limit(limit)
        )
    )
    return _with_rates(session, owner_id, newest)


def history_page(
    session: Session, owner_id: int, cursor: str | None, size: int
) -> Page[SnapshotRow]:
    """One page of the history table from `cursor`, newest first (four queries)."""
    page = keyset_page(session, owned(StatsSnapshot, owner_id), HISTORY_ORDER, cursor, size)
    return replace(page, items=_with_rates(session, owner_id, list(page.items)))


def latest(session: Session, owner_id: int) -> SnapshotRow | None:
    """The newest snapshot with its rates, or None before the first one."""
    rows = history(session, owner_id, limit=1)
    return rows[0] if rows else None


def delete_snapshot(session: Session, snapshot: StatsSnapshot) -> None:
    """Delete a snapshot; the profile follows the newest one left (or keeps its count)."""
    owner_id = snapshot.owner_id
    session.delete(snapshot)
    session.flush()
    sync_profile_followers(session, owner_id)


def delete_video(session: Session, video: PortfolioVideo) -> None:
    """Remove a video from the portfolio."""
    session.delete(video)
    session.flush()


def save_video(
    session: Session, owner_id: int, video: PortfolioVideo | None, data: VideoData
) -> PortfolioVideo:
    """Add or update a portfolio video; the same link twice is refused."""
    data = replace(data, url=links.complete_link(data.url))
    check_video(data)
    clash = session.scalars(
        owned(PortfolioVideo, owner_id).where(PortfolioVideo.url == data.url)
    ).first()
    if clash is not None and clash is not video:
        raise StatsError("This video is already in your portfolio.", field="url")
    video = video or PortfolioVideo(owner_id=owner_id)
    edited = any(getattr(video, name) != value for name, value in data.__dict__.items())
    for field, value in data.__dict__.items():
        setattr(video, field, value)
    if edited:
        # The creator's figures now, not an import's: undoing the import leaves them.
        video.import_id = None
    session.add(video)
    session.flush()
    return video


def videos(session: Session, owner_id: int) -> list[PortfolioVideo]:
    """The portfolio, best performing first."""
    return list(
        session.scalars(
            owned(PortfolioVideo, owner_id).order_by(
                PortfolioVideo.views.desc(), PortfolioVideo.id.desc()
            )
        )
    )


def pick_videos(
    session: Session, owner_id: int, category: str | None, count: int = 3
) -> list[PortfolioVideo]:
    """Up to `count` videos for a pitch: the brand's category first, then the best performing."""
    candidates = videos(session, owner_id)
    matching = [v for v in candidates if category and v.product_category == category]
    others = [v for v in candidates if v not in matching]
    return (matching + others)[:count]


def stats_summary(session: Session, owner_id: int) -> StatsSummary:
    """Latest snapshot with its rates, and the counts, for the dashboard (one query)."""
    rows = session.execute(_summary_statement(), {"owner_id": owner_id}).all()
    snapshots = [snapshot for _count, _videos, snapshot in rows if snapshot is not None]
    return StatsSummary(
        latest=snapshot_rows(snapshots)[-1] if snapshots else None,
        snapshot_count=rows[0].snapshots,
        video_count=rows[0].videos,
    )


@cache
def _summary_statement() -> Select[Any]:
    """Built once, the owner a bound parameter (building it cost more than running it).

    The counts come as scalar subqueries on a one-row select, the newest snapshots
    (the latest and the 8 before it, its week back) outer-joined to it, so a creator
    with no snapshot still gets one row.
    """
    owner_id = bindparam("owner_id", type_=Integer)
    counts = select(
        owned(StatsSnapshot, owner_id, func.count()).scalar_subquery().label("snapshots"),
        owned(PortfolioVideo, owner_id, func.count()).scalar_subquery().label("videos"),
    ).subquery("counts")
    newest = aliased(
        StatsSnapshot,
        owned(StatsSnapshot, owner_id)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1 + _WEEK_BACK)
        .subquery("newest"),
    )
    return (
        select(counts.c.snapshots, counts.c.videos, newest)
        .select_from(counts)
        .outerjoin(newest, true())
        .order_by(newest.taken_on)
    )
