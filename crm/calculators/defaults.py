"""What the calculators start from: the creator's profile and newest stats snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.market.facts import Market
from crm.stats.followers import follower_count
from crm.stats.services import stats_summary

# A starting guess for the affiliate calculator (one affiliate video a week), not a fact.
STARTING_AFFILIATE_VIDEOS = 4


@dataclass(frozen=True)
class CalculatorDefaults:
    """What the calculators start from: the profile and the latest stats snapshot."""

    followers: int
    niche: str
    experience: str
    currency: str
    posts_per_week: int
    engagement: float | None
    average_views: int | None
    portfolio_videos: int
    stats_date: date | None

    def form_data(self) -> dict[str, object]:
        return {
            "followers": self.followers,
            "niche": self.niche,
            "experience": self.experience,
            "posts_per_week": self.posts_per_week,
            "engagement": self.engagement,
            "average_views": self.average_views,
            "portfolio_videos": self.portfolio_videos,
            "videos": 1,
            "affiliate_videos": STARTING_AFFILIATE_VIDEOS,
        }


def calculator_defaults(session: Session, user: User, market: Market) -> CalculatorDefaults:
    """Prefill values for `user` (engagement and views from the newest snapshot, if any)."""
    summary = stats_summary(session, user.id)
    latest = summary.latest
    engagement = latest.engagement if latest else None
    views = latest.average_views if latest else None
    return CalculatorDefaults(
        followers=follower_count(user, latest.snapshot.followers if latest else None),
        niche=user.niche if market.is_niche(user.niche) else "other",
        experience=user.ugc_experience,
        currency=user.currency,
        posts_per_week=user.posts_per_week,
        engagement=round(engagement, 1) if engagement is not None else None,
        average_views=round(views) if views is not None else None,
        portfolio_videos=summary.video_count,
        stats_date=latest.snapshot.taken_on if latest else None,
    )
