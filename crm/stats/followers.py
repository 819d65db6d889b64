"""The one follower count every page, email and command uses.

The count lives in two places: the profile (typed by the creator) and the stats
snapshots (what TikTok showed on a day). The rule: the newest snapshot wins, the
profile is the fallback before the first snapshot (or after the last is deleted).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.ownership import owned
from crm.stats.models import StatsSnapshot


def newest_followers(session: Session, owner_id: int) -> int | None:
    """The follower count of the newest snapshot, None before the first."""
    return session.scalars(
        owned(StatsSnapshot, owner_id, StatsSnapshot.followers)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1)
    ).first()


def follower_count(user: User, newest: int | None) -> int:
    """The rule, for a reader that already has the newest snapshot's count (or None)."""
    return newest if newest is not None else (user.followers or 0)


def current_followers(session: Session, user: User) -> int:
    """`user`'s follower count now: the newest snapshot's, else the profile's."""
    return follower_count(user, newest_followers(session, user.id))
