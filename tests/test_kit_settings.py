"""The media kit's settings service: the address rules, limits, and picks of one's own only."""

from __future__ import annotations

import pytest

from crm.kit import services
from crm.kit.services import KitError, KitSettings
from tests.factories import make_video
from tests.factories_brands import make_brand
from tests.factories_kit import make_kit


@pytest.mark.parametrize(
    "slug",
    ["ab", "a" * 41, "Maya", "maya_home", "-maya", "maya-", "ma--ya", "maya home", "admin", "kit"],
)
def test_a_bad_or_reserved_address_is_refused_beside_the_slug(session, user, slug) -> None:
    with pytest.raises(KitError) as refused:
        services.save_settings(session, user.id, KitSettings(enabled=True, slug=slug, bio=""))
    assert refused.value.field == "slug"


@pytest.mark.parametrize("slug", ["abc", "maya-makes-home", "a" * 40, "m4ya"])
def test_good_addresses_are_taken(session, user, slug) -> None:
    kit = services.save_settings(session, user.id, KitSettings(enabled=True, slug=slug, bio=""))
    assert kit.slug == slug and kit.enabled


def test_the_kit_starts_off_and_needs_an_address_to_turn_on(session, user) -> None:
    kit = services.save_settings(session, user.id, KitSettings(enabled=False, slug="", bio="Hi"))
    assert kit.enabled is False and kit.slug is None
    with pytest.raises(KitError) as refused:
        services.save_settings(session, user.id, KitSettings(enabled=True, slug="", bio="Hi"))
    assert refused.value.field == "slug"


def test_another_creators_address_is_taken(session, user, other_user) -> None:
    make_kit(session, other_user, slug="maya")
    with pytest.raises(KitError, match="taken"):
        services.save_settings(session, user.id, KitSettings(enabled=True, slug="maya", bio=""))


def test_a_changed_address_is_held_for_its_creator_then_freed(
    session, user, other_user, monkeypatch
) -> None:
    from datetime import timedelta

    from crm import database

    now = database.utcnow()
    monkeypatch.setattr(database, "utcnow", lambda: now)
    make_kit(session, user, slug="maya")
    make_kit(session, user, slug="maya-home")
    with pytest.raises(KitError, match="was someone's recently") as refused:
        make_kit(session, other_user, slug="maya")
    assert refused.value.field == "slug"
    assert not services.slug_free(session, "maya", other_user.id)
    assert services.free_slug(session, "maya", other_user.id) == "maya-2"
    later = now + services.hold_period() - timedelta(seconds=1)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    with pytest.raises(KitError, match="was someone's recently"):
        make_kit(session, other_user, slug="maya")
    ended = now + services.hold_period()
    monkeypatch.setattr(database, "utcnow", lambda: ended)
    assert make_kit(session, other_user, slug="maya").slug == "maya"


def test_the_creator_takes_a_held_address_back_and_the_one_left_is_held(
    session, user, other_user
) -> None:
    make_kit(session, user, slug="maya")
    make_kit(session, user, slug="maya-home")
    assert make_kit(session, user, slug="maya").slug == "maya"
    with pytest.raises(KitError, match="taken"):
        make_kit(session, other_user, slug="maya")
    with pytest.raises(KitError, match="was someone's recently"):
        make_kit(session, other_user, slug="maya-home")
    make_kit(session, user, slug="", enabled=False)  # no address at all: "maya" is held
    with pytest.raises(KitError, match="was someone's recently"):
        make_kit(session, other_user, slug="maya")


def test_the_hold_lasts_the_setting(make_app) -> None:
    from datetime import timedelta

    with make_app(KIT_SLUG_HOLD_DAYS=7).app_context():
        assert services.hold_period() == timedelta(days=7)
    assert services.hold_period() == timedelta(days=90)  # outside the app: the default


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bio": "x" * 601}, "bio"),
        ({"bio": "<script>"}, "bio"),
        ({"prices": {"ugc_video": -1}}, "ugc_video"),
        ({"prices": {"retainer": 10**12}}, "retainer"),
        ({"hidden": frozenset({"income"})}, "shown"),
    ],
)
def test_limits_are_refused_beside_their_field(session, user, change, field) -> None:
    with pytest.raises(KitError) as refused:
        make_kit(session, user, **change)
    assert refused.value.field == field


def test_only_ones_own_videos_and_brands_can_be_picked(session, user, other_user) -> None:
    theirs_video, theirs_brand = make_video(session, other_user), make_brand(session, other_user)
    with pytest.raises(KitError) as refused:
        make_kit(session, user, video_ids=(theirs_video.id,))
    assert refused.value.field == "video_ids"
    with pytest.raises(KitError) as refused:
        make_kit(session, user, brand_ids=(theirs_brand.id,))
    assert refused.value.field == "brand_ids"


def test_picks_and_prices_are_stored_and_replaced(session, user) -> None:
    videos = [make_video(session, user) for _ in range(2)]
    brand = make_brand(session, user)
    kit = make_kit(
        session,
        user,
        videos_by_views=False,
        video_ids=(videos[0].id, videos[1].id),
        brand_ids=(brand.id,),
        hidden=frozenset({"audience"}),
        prices={"ugc_video": 25_000, "package": None},
    )
    assert services.picked_video_ids(session, user.id) == {v.id for v in videos}
    assert services.ticked_brand_ids(session, user.id) == {brand.id}
    assert services.hidden_blocks(kit) == {"audience"}
    assert (kit.ugc_video_cents, kit.package_cents) == (25_000, None)
    make_kit(session, user, slug=kit.slug, video_ids=(videos[1].id,))
    assert services.picked_video_ids(session, user.id) == {videos[1].id}
    assert services.ticked_brand_ids(session, user.id) == set()
