"""Factories: make_<thing>(session, owner, **overrides) -> a flushed row.

ID_FACTORIES maps every URL parameter name that carries an object id to a
factory, so the cross-user route sweep (test_ownership.py) can build an object
for any route. A new route with a new id parameter fails the sweep until its
factory is added here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.stats.models import PortfolioVideo, StatsSnapshot

TEST_PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(session: Session, email: str | None = None, **profile: Any) -> User:
    user = accounts.register(
        session, email or f"creator{next(_counter)}@example.com", TEST_PASSWORD, "fast"
    )
    for key, value in profile.items():
        setattr(user, key, value)
    session.commit()
    return user


def make_snapshot(session: Session, owner: User, **overrides: Any) -> StatsSnapshot:
    values: dict[str, Any] = {
        "taken_on": date(2026, 11, 1) - timedelta(days=next(_counter)),
        "period_days": 7,
        "followers": 4_000,
        "video_views": 10_000,
        "likes": 800,
        "comments": 100,
        "shares": 100,
        "posts": 5,
    }
    values.update(overrides)
    snapshot = StatsSnapshot(owner_id=owner.id, **values)
    session.add(snapshot)
    session.commit()
    return snapshot


def make_video(session: Session, owner: User, **overrides: Any) -> PortfolioVideo:
    values: dict[str, Any] = {
        "url": f"https://www.tiktok.com/@me/video/{next(_counter)}",
        "title": "Sample video",
        "product_category": "home",
        "views": 5_000,
        "likes": 400,
    }
    values.update(overrides)
    video = PortfolioVideo(owner_id=owner.id, **values)
    session.add(video)
    session.commit()
    return video


def _all_id_factories() -> dict[str, Callable[[Session, User], Any]]:
    from tests import (
        factories_approvals,
        factories_brands,
        factories_deals,
        factories_imports,
        factories_income,
        factories_pitches,
    )

    return {
        "snapshot_id": make_snapshot,
        "video_id": make_video,
        **factories_brands.ID_FACTORIES,
        **factories_pitches.ID_FACTORIES,
        **factories_income.ID_FACTORIES,
        **factories_deals.ID_FACTORIES,
        **factories_imports.ID_FACTORIES,
        **factories_approvals.ID_FACTORIES,
    }


ID_FACTORIES = _all_id_factories()
