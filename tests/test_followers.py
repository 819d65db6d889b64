"""One follower count: the newest snapshot wins, the profile is the fallback, everywhere."""

from __future__ import annotations

from datetime import timedelta

from crm.brands.models import Brand
from crm.calculators.defaults import calculator_defaults
from crm.database import utcnow
from crm.emails import facts as email_facts
from crm.market.seed import installed_market
from crm.stats import services as stats_services
from crm.stats.followers import current_followers, follower_count
from crm.stats.models import StatsSnapshot
from tests.factories_brands import make_brand


def _snapshot(session, user, days_ago: int, followers: int) -> StatsSnapshot:
    data = stats_services.SnapshotData(
        taken_on=utcnow().date() - timedelta(days=days_ago),
        followers=followers,
        video_views=10_000,
        likes=800,
        comments=40,
        shares=20,
        posts=5,
        period_days=7,
    )
    return stats_services.save_snapshot(session, user.id, None, data, utcnow().date())


def _readers(session, user, brand: Brand) -> dict[str, int]:
    from crm.dashboard.services import dashboard_summary

    return {
        "function": current_followers(session, user),
        "rates page": calculator_defaults(session, user, installed_market()).followers,
        "dashboard": dashboard_summary(
            session, user, utcnow().date(), installed_market()
        ).followers,
        "dashboard tier": dashboard_summary(
            session, user, utcnow().date(), installed_market()
        ).tier.followers,
        "emails": email_facts.gather(session, user, brand).followers,
    }


def test_the_profile_count_is_used_before_any_snapshot(session, user) -> None:
    user.followers = 1_234
    brand = make_brand(session, user)
    assert set(_readers(session, user, brand).values()) == {1_234}


def test_the_newest_snapshot_wins_over_the_profile(session, user) -> None:
    brand = make_brand(session, user)
    _snapshot(session, user, days_ago=7, followers=3_000)
    _snapshot(session, user, days_ago=0, followers=3_500)
    user.followers = 9_999  # typed on the profile after the snapshot
    assert set(_readers(session, user, brand).values()) == {3_500}


def test_deleting_the_newest_snapshot_leaves_every_reader_on_the_one_before(session, user) -> None:
    brand = make_brand(session, user)
    _snapshot(session, user, days_ago=7, followers=3_000)
    newest = _snapshot(session, user, days_ago=0, followers=3_500)
    stats_services.delete_snapshot(session, newest)
    assert set(_readers(session, user, brand).values()) == {3_000}
    assert user.followers == 3_000


def test_the_rule_without_a_session() -> None:
    class Profile:
        followers = 42

    assert follower_count(Profile(), None) == 42  # type: ignore[arg-type]
    assert follower_count(Profile(), 0) == 0  # a snapshot of 0 is a count, not a gap
