"""What the dashboard shows, gathered in a few constant queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.market.facts import Market
from crm.ownership import owned
from crm.pitches import followups, states
from crm.pitches.models import Pitch
from crm.rates.tiers import TierStanding, standing
from crm.stats.followers import follower_count
from crm.stats.services import StatsSummary, stats_summary


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
    followups_due: int
    pipeline: OpenPipeline
    tier: TierStanding


def open_pipeline(session: Session, owner_id: int) -> OpenPipeline:
    """Count and total quoted value of open pitches, summed in SQL per currency."""
    rows = session.execute(
        owned(Pitch, owner_id, Pitch.currency, func.count(Pitch.id), func.sum(Pitch.quoted_cents))
        .where(Pitch.status.in_(states.OPEN_STATUSES))
        .group_by(Pitch.currency)
        .order_by(Pitch.currency)
    ).all()
    return OpenPipeline(
        count=sum(count for _currency, count, _total in rows),
        quoted=tuple((currency, total or 0) for currency, _count, total in rows if total),
    )


def dashboard_summary(
    session: Session, user: User, today: date, market: Market
) -> DashboardSummary:
    """The numbers on the dashboard for `user`."""
    stats = stats_summary(session, user.id)
    followers = follower_count(user, stats.latest.snapshot.followers if stats.latest else None)
    return DashboardSummary(
        stats=stats,
        followers=followers,
        profile_complete=bool(user.tiktok_handle and followers),
        followups_due=followups.count_due(session, user.id, today),
        pipeline=open_pipeline(session, user.id),
        tier=standing(followers, market=market),
    )
