"""The demo account's media kit is on, with a bio, picked videos and two ticked clients."""

from __future__ import annotations

from crm.demo import ensure_demo_account
from crm.kit import demo, services


def test_the_demo_kit_is_on_with_videos_and_two_brands(app, session) -> None:
    user, _created = ensure_demo_account(session, "fast")
    session.commit()
    kit = services.kit_of(session, user.id)
    assert kit.enabled and kit.slug == demo.DEMO_SLUG and kit.bio == demo.DEMO_BIO
    assert len(services.picked_video_ids(session, user.id)) == 3
    assert len(services.ticked_brand_ids(session, user.id)) == 2
    page = app.test_client().get(f"/kit/{demo.DEMO_SLUG}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Maya Lopez" in text and "Brands I've worked with" in text
    assert "Rate card" in text and "Best videos" in text


def test_running_the_demo_again_changes_nothing(session) -> None:
    user, _created = ensure_demo_account(session, "fast")
    before = services.kit_of(session, user.id).updated_at
    _user, created = ensure_demo_account(session, "fast")
    assert created is False
    assert services.kit_of(session, user.id).updated_at == before
