"""Messages that say what is wrong, once: a number per bound (too large is not "negative"),
one message per field, a link completed with https://, a pasted TikTok profile link read as
the handle in the service, and no double full stop after a name that ends in one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.accounts import services as accounts
from crm.brands import services as brands
from crm.brands.models import Brand
from crm.emails.generator import write_email
from crm.emails.kinds import EmailKind
from crm.errors import FieldError
from crm.market.seed import installed_market
from crm.pitches import services as pitches
from crm.sentences import end_sentence, full_stop_after, single_full_stops
from crm.stats import services as stats
from crm.stats.models import PortfolioVideo
from crm.timeline.models import BrandActivity
from tests.factories_brands import make_brand, make_contact
from tests.factories_pitches import NOW
from tests.test_input_numbers import _snapshot_form
from tests.test_profile import _profile

HUGE = "99999999999999999999"


def _errors(page: str, field: str) -> list[str]:
    """The messages beside `field`: one <p class="error"> whose sentences are counted."""
    found = re.findall(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return found


def _sentences(message: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", message))


@pytest.mark.parametrize(
    ("url", "data", "field", "says"),
    [
        ("/profile", _profile(followers=HUGE), "followers", "At most 10,000,000,000 followers"),
        ("/stats/snapshots/new", _snapshot_form(likes=HUGE), "likes", "Likes: at most"),
        (
            "/brands/new",
            {"name": "Glow", "status": "lead", "tiktok_followers": HUGE},
            "tiktok_followers",
            "At most 2,000,000,000",
        ),
    ],
)
def test_a_too_large_number_says_too_large_not_negative(logged_in, url, data, field, says) -> None:
    page = logged_in.post(url, data=data).get_data(as_text=True)
    [message] = _errors(page, field)
    assert says in message
    assert "negative" not in message and "0 or more" not in message


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/profile", _profile(followers="abc"), "followers"),
        ("/profile", _profile(followers="-1"), "followers"),
        ("/stats/snapshots/new", _snapshot_form(likes="abc"), "likes"),
        (
            "/brands/new",
            {"name": "Glow", "status": "lead", "tiktok_followers": "abc"},
            "tiktok_followers",
        ),
    ],
)
def test_a_bad_number_gets_one_message(logged_in, url, data, field) -> None:
    page = logged_in.post(url, data=data).get_data(as_text=True)
    [message] = _errors(page, field)
    assert _sentences(message) == 1, message
    assert "Not a valid integer" not in message


def _video(url: str) -> dict[str, str]:
    return {
        "url": url,
        "title": "Glow routine",
        "product_category": "beauty",
        "views": "10",
        "likes": "1",
    }


def test_a_bad_portfolio_link_is_explained_once(logged_in) -> None:
    page = logged_in.post("/stats/videos/new", data=_video("not a link")).get_data(as_text=True)
    [message] = _errors(page, "url")
    assert message.count("Enter a full link") == 1


def test_a_link_without_https_is_completed_not_refused(logged_in, session, user) -> None:
    response = logged_in.post("/stats/videos/new", data=_video("www.tiktok.com/@me/video/1"))
    assert response.status_code == 302
    stored = session.scalars(select(PortfolioVideo.url).where(PortfolioVideo.owner_id == user.id))
    assert list(stored) == ["https://www.tiktok.com/@me/video/1"]


def test_the_video_service_completes_a_link_too(session, user) -> None:
    data = stats.VideoData("tiktok.com/@me/video/2", "t", "home", 1, 0)
    assert stats.save_video(session, user.id, None, data).url == "https://tiktok.com/@me/video/2"
    with pytest.raises(FieldError) as refused:
        stats.save_video(
            session, user.id, None, stats.VideoData("javascript:alert(1)", "t", "home", 1, 0)
        )
    assert refused.value.field == "url"


def test_a_pasted_profile_link_gives_the_handle_on_the_profile_page(
    logged_in, session, user
) -> None:
    link = "https://www.tiktok.com/@maya.makes?lang=en"
    assert logged_in.post("/profile", data=_profile(tiktok_handle=link)).status_code == 302
    session.refresh(user)
    assert user.tiktok_handle == "maya.makes"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://www.tiktok.com/@name?lang=en", "name"),
        ("tiktok.com/@Name/video/1", "name"),
        ("@Name", "name"),
        ("", ""),
    ],
)
def test_the_profile_service_takes_the_handle_from_a_link(session, user, typed, stored) -> None:
    data = accounts.ProfileData("Maya", typed, "home", 10, "beginner", "USD", 5, 3)
    assert accounts.update_profile(session, user, data).tiktok_handle == stored


def test_the_profile_service_refuses_what_is_not_a_handle(session, user) -> None:
    data = accounts.ProfileData(
        "Maya", "https://evil.example/@x", "home", 10, "beginner", "USD", 5, 3
    )
    with pytest.raises(FieldError) as refused:
        accounts.update_profile(session, user, data)
    assert refused.value.field == "tiktok_handle"


def test_a_brand_handle_from_a_link_with_a_query(session, user) -> None:
    brand = make_brand(session, user, tiktok_handle="https://www.tiktok.com/@glowco?lang=en")
    assert brand.tiktok_handle == "glowco"


@pytest.mark.parametrize(
    ("text", "ended", "stop"),
    [("Glow", "Glow.", "."), ("Lumière Skin Co.", "Lumière Skin Co.", ""), ("Wow!", "Wow!", "")],
)
def test_a_sentence_ends_with_one_full_stop(text, ended, stop) -> None:
    assert (end_sentence(text), full_stop_after(text)) == (ended, stop)


@pytest.mark.parametrize(
    ("text", "tidied"),
    [
        ("videos for Lumière Skin Co..", "videos for Lumière Skin Co."),
        ("Co..\nThanks", "Co.\nThanks"),
        ("Well...", "Well..."),
        ("see a..b", "see a..b"),
    ],
)
def test_a_doubled_full_stop_after_a_name_becomes_one(text, tidied) -> None:
    assert single_full_stops(text) == tidied


LUMIERE = "Lumière Skin Co."


def test_pitch_emails_never_double_the_full_stop_after_the_brand(session, user) -> None:
    brand = make_brand(session, user, name=LUMIERE)
    make_contact(session, user, brand, name="Dana Reyes", email="dana@lumiere.example")
    for kind in (EmailKind.UGC_PITCH, EmailKind.SPONSORSHIP_PITCH, EmailKind.AFFILIATE_PITCH):
        email = write_email(session, user, brand, kind, None, installed_market())
        assert "Co.." not in email.subject + email.body, kind
    assert (
        LUMIERE
        in write_email(session, user, brand, EmailKind.UGC_PITCH, None, installed_market()).body
    )


def test_timeline_lines_and_pages_never_double_it(logged_in, session, user) -> None:
    brand = make_brand(session, user, name=LUMIERE)
    data = pitches.PitchData(subject=f"Video ideas for {LUMIERE}")
    pitch = pitches.create_pitch(session, user.id, brand.id, data, NOW)
    session.commit()
    lines = session.scalars(select(BrandActivity.text).where(BrandActivity.brand_id == brand.id))
    assert [line for line in lines if ".." in line] == []
    for page in (f"/brands/{brand.id}", f"/brands/{brand.id}/contacts/new", f"/pitches/{pitch.id}"):
        html = logged_in.get(page).get_data(as_text=True)
        assert "Co.." not in html and "Co.</a>." not in html, page


def test_a_creators_own_note_is_kept_as_written(session, user) -> None:
    brand = make_brand(session, user)
    assert brands.add_note(session, brand, "Call back re: Co..").text == "Call back re: Co.."


def test_a_duplicate_contact_message_ends_once(session, user) -> None:
    brand = make_brand(session, user, name=LUMIERE)
    make_contact(session, user, brand, name="Dana", email="dana@lumiere.example")
    with pytest.raises(FieldError) as refused:
        brands.save_contact(session, brand, None, brands.ContactData("Sam", "dana@lumiere.example"))
    assert refused.value.message.endswith("at Lumière Skin Co.")
    assert session.scalar(select(Brand.name).where(Brand.id == brand.id)) == LUMIERE
