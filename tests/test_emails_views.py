"""Email pages: write, save the draft, mail link, copy, mark sent, follow-ups, rates replies."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from crm.emails import views
from crm.market.seed import installed_market
from crm.pitches.models import Pitch, PitchKind
from crm.pitches.models import PitchStatus as S
from crm.rates import quotes
from crm.timeline.models import BrandActivity
from tests.factories import make_snapshot, make_video
from tests.factories_brands import make_brand, make_contact
from tests.factories_pitches import NOW, make_pitch

TOKEN = "t" * 32


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


@pytest.fixture
def creator(session, user):
    """A creator with a profile, one stats snapshot and three portfolio videos."""
    user.display_name, user.tiktok_handle, user.followers = "Maya Lopez", "maya.makes.home", 4_424
    session.commit()
    # 10,000 views, 1,000 engagements over 5 posts: 10.0% engagement, 2,000 views a video.
    # The snapshot's follower count is the one emails use (the newest snapshot wins).
    make_snapshot(
        session, user, followers=4_424, video_views=10_000, likes=800, comments=100, shares=100,
        posts=5,
    )  # fmt: skip
    for title, category, views_ in (
        ("Kitchen organizer", "home", 48_200),
        ("Skincare fridge", "beauty", 21_700),
        ("Backsplash", "home", 33_900),
    ):
        make_video(session, user, title=title, product_category=category, views=views_)
    return user


@pytest.fixture
def brand(session, user):
    brand = make_brand(session, user, name="Glow Co", product_category="beauty")
    make_contact(session, user, brand, name="Dana Reyes", email="dana@glow.co", is_primary=True)
    return brand


def textarea(page: str) -> str:
    found = re.search(r'<textarea[^>]*name="body"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    assert found, page
    return unescape(found.group(1))


def subject_value(page: str) -> str:
    found = re.search(r'<input[^>]*name="subject"[^>]*value="([^"]*)"', page)
    assert found, page
    return unescape(found.group(1))


def form(**overrides: str) -> dict[str, str]:
    values = {
        "kind": "ugc_pitch",
        "token": TOKEN,
        "subject": "UGC videos for Glow Co",
        "body": "Hi Dana,\n\nMy rate starts at $275 per video.\n\nMaya",
        "quoted_rate": "275",
    }
    values.update(overrides)
    return values


def pitches(session) -> list[Pitch]:
    return list(session.scalars(select(Pitch).order_by(Pitch.id)))


def test_the_write_page_shows_a_ready_email_with_the_creators_numbers(
    logged_in, creator, brand
) -> None:
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    body = textarea(page)
    assert body.startswith("Hi Dana,")
    assert "2,000 views" in body and "10.0%" in body
    assert "follower" not in body  # a UGC pitch sells content, not an audience
    assert "10.0%, which beats most TikTok creators" in body
    assert body.index("Skincare fridge") < body.index("Kitchen organizer")
    per_video = quotes.ugc_quote(
        "beginner", 1, portfolio_videos=3, engagement=10.0, market=installed_market()
    ).per_video_suggested_cents
    assert f"${per_video // 100}" in body
    assert f'name="quoted_rate" type="text" value="{per_video // 100}"' in page
    assert subject_value(page) == "UGC videos for Glow Co (samples inside)"
    assert "Not in this email yet" not in page


def test_each_pitch_kind_has_its_own_email(logged_in, creator, brand) -> None:
    page = logged_in.get(f"/emails/brands/{brand.id}?kind=sponsorship_pitch").get_data(True)
    assert subject_value(page).startswith("Sponsored TikTok post for Glow Co")
    page = logged_in.get(f"/emails/brands/{brand.id}?kind=affiliate_pitch").get_data(True)
    assert "on commission" in subject_value(page)
    # A kind that isn't a first email falls back to the UGC pitch.
    page = logged_in.get(f"/emails/brands/{brand.id}?kind=rates_reply").get_data(True)
    assert subject_value(page).startswith("UGC videos")


def test_with_no_stats_the_page_lists_what_is_missing_with_links(
    logged_in, session, user, brand
) -> None:
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "Not in this email yet" in page
    for endpoint_url in ("/stats/snapshots/new", "/stats/videos/new", "/profile"):
        assert f'href="{endpoint_url}"' in page
    body = textarea(page)
    assert "engagement" not in body and "followers" not in body and "None" not in body


def test_saving_creates_the_draft_pitch_with_its_rate(logged_in, session, creator, brand) -> None:
    response = logged_in.post(f"/emails/brands/{brand.id}?kind=ugc_pitch", data=form())
    (pitch,) = pitches(session)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/emails/pitches/{pitch.id}")
    assert (pitch.status, pitch.kind, pitch.quoted_cents) == (S.DRAFT, PitchKind.UGC, 27_500)
    assert pitch.subject == "UGC videos for Glow Co"
    assert pitch.body == "Hi Dana,\n\nMy rate starts at $275 per video.\n\nMaya"
    assert pitch.contact is not None and pitch.contact.name == "Dana Reyes"
    assert pitch.currency == "USD"


def test_saving_twice_with_the_same_form_makes_one_pitch(
    logged_in, session, creator, brand
) -> None:
    logged_in.post(f"/emails/brands/{brand.id}", data=form())
    again = logged_in.post(f"/emails/brands/{brand.id}", data=form())
    assert again.status_code == 302
    assert len(pitches(session)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quoted_rate", "-5", "can&#39;t be negative"),
        ("quoted_rate", "lots", "Enter an amount"),
        ("subject", "   ", "Give the email a subject."),
        ("body", "", "Write the message."),
        ("subject", "x" * 201, "under 200"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    logged_in, session, creator, brand, field, value, message
) -> None:
    response = logged_in.post(f"/emails/brands/{brand.id}", data=form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert pitches(session) == []


def test_a_line_break_in_the_subject_becomes_a_space(logged_in, session, creator, brand) -> None:
    logged_in.post(f"/emails/brands/{brand.id}", data=form(subject="Hello\r\nBcc: x@evil.test"))
    assert pitches(session)[0].subject == "Hello Bcc: x@evil.test"


def test_the_draft_page_shows_the_saved_text_and_saving_updates_it(
    logged_in, session, creator, brand
) -> None:
    logged_in.post(f"/emails/brands/{brand.id}", data=form())
    (pitch,) = pitches(session)
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert textarea(page).startswith("Hi Dana,\n\nMy rate starts at $275")
    edited = form(body="Hi Dana,\n\nNew text.", quoted_rate="300", subject="New subject")
    response = logged_in.post(f"/emails/pitches/{pitch.id}/save", data=edited)
    assert response.status_code == 302
    session.refresh(pitch)
    assert (pitch.subject, pitch.quoted_cents, pitch.status) == ("New subject", 30_000, S.DRAFT)
    assert len(pitches(session)) == 1
    regenerated = logged_in.get(f"/emails/pitches/{pitch.id}?regenerate=1").get_data(True)
    assert "2,000 views" in textarea(regenerated)


def test_open_in_mail_app_carries_the_encoded_text(logged_in, session, creator, brand) -> None:
    logged_in.post(
        f"/emails/brands/{brand.id}",
        data=form(subject="Q&A? Über", body="Line one & two?\nZoë's line"),
    )
    (pitch,) = pitches(session)
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    href = unescape(re.search(r'href="(mailto:[^"]+)"', page).group(1))
    assert href.startswith("mailto:dana@glow.co?subject=Q%26A%3F%20%C3%9Cber&body=")
    assert unquote(href.split("&body=")[1]) == "Line one & two?\r\nZoë's line"


def test_copy_buttons_use_the_shared_script_and_are_hidden_without_it(
    logged_in, creator, brand
) -> None:
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert re.search(r'<button type="button"[^>]*data-copy="#subject" hidden>', page)
    assert re.search(r'<button type="button"[^>]*data-copy="#body" hidden>', page)
    assert "<script>" not in page and "style=" not in page


def test_mark_as_sent_moves_the_draft_to_sent_with_follow_up_and_timeline(
    logged_in, session, creator, brand
) -> None:
    logged_in.post(f"/emails/brands/{brand.id}", data=form())
    (pitch,) = pitches(session)
    response = logged_in.post(f"/emails/pitches/{pitch.id}/sent", data=form(body="Final text"))
    assert response.headers["Location"].endswith(f"/pitches/{pitch.id}")
    session.refresh(pitch)
    assert pitch.status == S.SENT and pitch.sent_at == NOW
    assert pitch.body == "Final text"
    assert pitch.next_followup_on is not None
    lines = session.scalars(
        select(BrandActivity.text).where(BrandActivity.pitch_id == pitch.id)
    ).all()
    assert any(line.startswith("Pitch sent") for line in lines)


def test_a_sent_pitch_offers_the_follow_up_and_logs_it(logged_in, session, creator, brand) -> None:
    pitch = make_pitch(
        session, creator, brand, status=S.SENT, sent_at=NOW, subject="UGC for Glow Co"
    )
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert subject_value(page) == "Re: UGC for Glow Co"
    assert "Just bumping my note" in textarea(page)
    assert "Mark follow-up sent" in page
    data = {"kind": "first_followup", "subject": "Re: UGC for Glow Co", "body": "Bump!"}
    logged_in.post(f"/emails/pitches/{pitch.id}/sent", data=data)
    session.refresh(pitch)
    assert pitch.followups_sent == 1 and pitch.status == S.SENT
    assert pitch.body == "Hi!"  # the first email stays as it was
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "Following up once more" in textarea(page)


def test_the_rates_reply_moves_a_replied_pitch_to_negotiating(
    logged_in, session, creator, brand
) -> None:
    pitch = make_pitch(session, creator, brand, status=S.REPLIED, sent_at=NOW, replied_at=NOW)
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "- One UGC video: $450" in textarea(page)
    data = {"kind": "rates_reply", "subject": "Re: rates", "body": "My rates..."}
    logged_in.post(f"/emails/pitches/{pitch.id}/sent", data=data)
    session.refresh(pitch)
    assert pitch.status == S.NEGOTIATING


def test_the_update_button_rebuilds_the_mail_link_without_storing(
    logged_in, session, creator, brand
) -> None:
    pitch = make_pitch(session, creator, brand, status=S.SENT, sent_at=NOW)
    data = {"kind": "first_followup", "subject": "Re: hi", "body": "Edited & new"}
    page = logged_in.post(f"/emails/pitches/{pitch.id}/preview", data=data).get_data(True)
    assert "body=Edited%20%26%20new" in page
    session.refresh(pitch)
    assert pitch.followups_sent == 0 and pitch.body == "Hi!"


def test_an_email_kind_that_does_not_fit_the_pitch_is_404(
    logged_in, session, creator, brand
) -> None:
    pitch = make_pitch(session, creator, brand)  # a draft: no follow-up yet
    data = {"kind": "first_followup", "subject": "x", "body": "y"}
    assert logged_in.post(f"/emails/pitches/{pitch.id}/sent", data=data).status_code == 404
    assert logged_in.post(f"/emails/pitches/{pitch.id}/save", data={}).status_code == 404


def test_a_closed_pitch_has_nothing_to_send(logged_in, session, creator, brand) -> None:
    pitch = make_pitch(session, creator, brand, status=S.WON)
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "Nothing to send for this pitch" in page


def test_without_smtp_there_is_no_send_button_and_the_page_says_how(
    logged_in, session, creator, brand
) -> None:
    pitch = make_pitch(session, creator, brand)
    page = logged_in.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "/send" not in page
    assert "Sending from the app is off on this server" in page
    assert "Open in mail app" in page and 'data-copy="#body"' in page
    assert "CRM_" not in page and "restart" not in page
    response = logged_in.post(f"/emails/pitches/{pitch.id}/send", data=form())
    assert response.status_code == 302
    session.refresh(pitch)
    assert pitch.status == S.DRAFT


def test_the_brand_and_pitch_pages_link_to_the_email(logged_in, session, creator, brand) -> None:
    page = logged_in.get(f"/brands/{brand.id}").get_data(as_text=True)
    assert f'href="/emails/brands/{brand.id}">Write the email' in page
    pitch = make_pitch(session, creator, brand)
    page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
    assert f'href="/emails/pitches/{pitch.id}">Write the email' in page


def test_another_creators_brand_and_pitch_are_404(logged_in, session, other_user) -> None:
    theirs = make_brand(session, other_user)
    pitch = make_pitch(session, other_user, theirs)
    assert logged_in.get(f"/emails/brands/{theirs.id}").status_code == 404
    assert logged_in.post(f"/emails/brands/{theirs.id}", data=form()).status_code == 404
    assert logged_in.get(f"/emails/pitches/{pitch.id}").status_code == 404
    assert session.scalar(select(func.count(Pitch.id))) == 1


def test_rates_sent_on_a_sent_pitch_mean_it_was_answered(
    logged_in, session, creator, brand
) -> None:
    pitch = make_pitch(session, creator, brand, status=S.SENT, sent_at=NOW)
    data = {"kind": "rates_reply", "subject": "Re: rates", "body": "My rates..."}
    logged_in.post(f"/emails/pitches/{pitch.id}/sent", data=data)
    session.refresh(pitch)
    assert pitch.status == S.NEGOTIATING and pitch.replied_at == NOW


def test_a_creator_in_another_currency_is_told_the_rate_is_in_usd(
    logged_in, session, creator, brand
) -> None:
    creator.currency = "EUR"
    session.commit()
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "The market rates are in USD" in page
    assert "Quoted rate (USD)" in page
    logged_in.post(f"/emails/brands/{brand.id}", data=form())
    assert pitches(session)[0].currency == "USD"


def test_a_draft_saved_with_a_new_rate_names_that_rate_in_the_message(
    logged_in, session, creator, brand
) -> None:
    response = logged_in.post(
        f"/emails/brands/{brand.id}", data=form(quoted_rate="250"), follow_redirects=True
    )
    assert "The message now names your quoted rate, $250." in response.get_data(as_text=True)
    (pitch,) = pitches(session)
    assert pitch.quoted_cents == 25_000
    assert "My rate starts at $250 per video." in pitch.body and "$275" not in pitch.body
    edited = form(quoted_rate="260", body=pitch.body)
    logged_in.post(f"/emails/pitches/{pitch.id}/save", data=edited)
    session.refresh(pitch)
    assert "My rate starts at $260 per video." in pitch.body
