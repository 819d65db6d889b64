"""Rates operations: the creator's add-on policy, and the calculators' starting values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.ownership import owned, owned_delete
from crm.rates import seed
from crm.rates.addons import AddOnPolicy, check_percent, policy_from
from crm.rates.errors import RatesError
from crm.rates.models import AddOnUplift
from crm.stats.followers import follower_count
from crm.stats.services import stats_summary


def saved_percents(session: Session, owner_id: int) -> dict[str, int]:
    """The percentages the creator has set, by add-on key."""
    rows = session.scalars(owned(AddOnUplift, owner_id))
    return {row.add_on: row.percent for row in rows}


def add_on_policy(session: Session, owner_id: int) -> AddOnPolicy:
    """The creator's policy: their saved percentages over the seed's starting values."""
    return policy_from(saved_percents(session, owner_id))


def save_add_on_policy(session: Session, owner_id: int, percents: Mapping[str, int]) -> AddOnPolicy:
    """Store one percentage per add-on; refuses unknown add-ons and values out of range."""
    known = {a.key for a in seed.market().add_ons}
    for key, percent in percents.items():
        if key not in known:
            raise RatesError(f"{key!r} is not an add-on.", field=key)
        check_percent(key, percent)
    rows = {row.add_on: row for row in session.scalars(owned(AddOnUplift, owner_id))}
    for key, percent in percents.items():
        row = rows.get(key) or AddOnUplift(owner_id=owner_id, add_on=key, percent=percent)
        row.percent = percent
        session.add(row)
    session.flush()
    return add_on_policy(session, owner_id)


def reset_add_on_policy(session: Session, owner_id: int) -> None:
    """Forget the creator's percentages: the starting values apply again."""
    session.execute(owned_delete(AddOnUplift, owner_id))
    session.flush()


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


def calculator_defaults(session: Session, user: User) -> CalculatorDefaults:
    """Prefill values for `user` (engagement and views from the newest snapshot, if any)."""
    summary = stats_summary(session, user.id)
    latest = summary.latest
    engagement = latest.engagement if latest else None
    views = latest.average_views if latest else None
    return CalculatorDefaults(
        followers=follower_count(user, latest.snapshot.followers if latest else None),
        niche=user.niche if seed.market().is_niche(user.niche) else "other",
        experience=user.ugc_experience,
        currency=user.currency,
        posts_per_week=user.posts_per_week,
        engagement=round(engagement, 1) if engagement is not None else None,
        average_views=round(views) if views is not None else None,
        portfolio_videos=summary.video_count,
        stats_date=latest.snapshot.taken_on if latest else None,
    )
