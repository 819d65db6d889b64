"""Demo stats: three months of weekly snapshots and a small portfolio."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.database import utcnow
from crm.ownership import owned
from crm.stats.models import PortfolioVideo, StatsSnapshot

VIDEOS = [
    (
        "https://www.tiktok.com/@maya.makes.home/video/7301000000000000001",
        "Tiny-kitchen organizer that actually fits",
        "home",
        48_200,
        5_100,
    ),
    (
        "https://www.tiktok.com/@maya.makes.home/video/7301000000000000002",
        "Honest review: the $19 skincare fridge",
        "beauty",
        21_700,
        2_350,
    ),
    (
        "https://www.tiktok.com/@maya.makes.home/video/7301000000000000003",
        "Renter-friendly peel-and-stick backsplash",
        "home",
        33_900,
        3_020,
    ),
    (
        "https://www.tiktok.com/@maya.makes.home/video/7301000000000000004",
        "Meal-prep containers after 30 days",
        "food",
        12_400,
        1_180,
    ),
    (
        "https://www.tiktok.com/@maya.makes.home/video/7301000000000000005",
        "Unboxing a cordless vacuum under $100",
        "tech",
        9_800,
        760,
    ),
]


def populate(session: Session, user: User) -> bool:
    """Add the demo stats and portfolio unless the user has stats already."""
    if session.scalar(owned(StatsSnapshot, user.id, func.count())):
        return False
    today = utcnow().date()
    followers = 3_020
    for week in range(12, -1, -1):
        user.followers = followers
        views = 14_000 + (12 - week) * 900
        session.add(
            StatsSnapshot(
                owner_id=user.id,
                taken_on=today - timedelta(days=7 * week),
                period_days=7,
                followers=followers,
                video_views=views,
                likes=int(views * 0.082),
                comments=int(views * 0.011),
                shares=int(views * 0.006),
                posts=5,
            )
        )
        followers += 95 + (12 - week) * 4
    for url, title, category, views, likes in VIDEOS:
        session.add(
            PortfolioVideo(
                owner_id=user.id,
                url=url,
                title=title,
                product_category=category,
                views=views,
                likes=likes,
            )
        )
    session.flush()
    return True
