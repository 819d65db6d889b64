"""The media kit's settings page: on/off, address, bio, blocks, picks, prices, the preview."""

from __future__ import annotations

import pytest

from crm.brands.models import BrandStatus
from crm.kit import services
from tests.factories import make_video
from tests.factories_brands import make_brand
from tests.factories_kit import make_kit

BLOCKS = [key for key, _label in services.BLOCKS]


def _form(**overrides) -> dict:
    data = {"slug": "maya", "bio": "Cosy home videos.", "shown": BLOCKS,
            "videos_by_views": "views", "ugc_video": "", "sponsored_post": "", "package": "",
            "retainer": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_the_settings_turn_the_kit_on_with_picks_and_prices(app, logged_in, session, user):
    client = make_brand(session, user, name="Nestwell", status=BrandStatus.CLIENT)
    video = make_video(session, user, title="Tiny kitchen makeover")
    page = logged_in.get("/settings/kit").get_data(as_text=True)
    assert "Nestwell" in page and "Tiny kitchen makeover" in page
    response = logged_in.post("/settings/kit", data=_form(
        enabled="y", shown=[b for b in BLOCKS if b != "audience"], videos_by_views="picked",
        video_ids=[str(video.id)], brand_ids=[str(client.id)], ugc_video="310",
    ))  # fmt: skip
    assert response.status_code == 303
    kit = services.kit_of(session, user.id)
    assert kit.enabled and kit.slug == "maya" and kit.ugc_video_cents == 31_000
    assert services.hidden_blocks(kit) == {"audience"} and kit.videos_by_views is False
    public = app.test_client().get("/kit/maya").get_data(as_text=True)
    assert "Nestwell" in public and "$310" in public
    assert "/kit/maya" in logged_in.get("/settings/kit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"enabled": "y", "slug": ""}, "slug", "Choose an address"),
        ({"slug": "admin"}, "slug", "reserved"),
        ({"slug": "a b"}, "slug", "Lowercase letters"),
        ({"bio": "x" * 601}, "bio", "600"),
        ({"ugc_video": "lots"}, "ugc_video", "Enter an amount"),
        ({"ugc_video": "-5"}, "ugc_video", "negative"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(
    logged_in, session, user, change, field, message
):
    response = logged_in.post("/settings/kit", data=_form(**change))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    start = page.index(f'id="{field}-error"')
    assert message in page[start : start + 300]
    assert services.kit_of(session, user.id) is None


def test_a_brand_not_offered_cant_be_ticked(logged_in, session, user, other_user):
    theirs = make_brand(session, other_user, status=BrandStatus.CLIENT)
    response = logged_in.post("/settings/kit", data=_form(brand_ids=[str(theirs.id)]))
    assert response.status_code == 200 and 'id="brand_ids-error"' in response.get_data(as_text=True)
    assert services.kit_of(session, user.id) is None


def test_a_kit_that_is_off_has_a_preview_for_its_creator_alone(app, logged_in, session, user):
    user.display_name = "Maya Lopez"
    make_kit(session, user, slug="maya", enabled=False)
    preview = logged_in.get("/settings/kit/preview")
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "Only you can see this preview" in text and "Maya Lopez" in text
    assert preview.headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/kit/maya").status_code == 404
    assert app.test_client().get("/settings/kit/preview").status_code == 302


def test_the_profile_links_the_kit_settings(logged_in):
    assert 'href="/settings/kit"' in logged_in.get("/profile").get_data(as_text=True)


def test_the_preview_offers_the_inquiry_form_only_while_the_kit_is_on(logged_in, session, user):
    kit = make_kit(session, user, slug="maya", enabled=False)
    off = logged_in.get("/settings/kit/preview").get_data(as_text=True)
    assert 'href="/kit/maya/inquire"' not in off
    assert "once your kit is on" in off
    kit.enabled = True
    session.commit()
    on = logged_in.get("/settings/kit/preview").get_data(as_text=True)
    assert 'href="/kit/maya/inquire"' in on
