"""What the dashboard shows, gathered in a few constant queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.stats.services import StatsSummary, stats_summary


@dataclass(frozen=True)
class DashboardSummary:
    stats: StatsSummary
    profile_complete: bool


def dashboard_summary(session: Session, user: User) -> DashboardSummary:
    """The numbers on the dashboard for `user`."""
    return DashboardSummary(
        stats=stats_summary(session, user.id),
        profile_complete=bool(user.tiktok_handle and user.followers),
    )
