"""Pitch pages: new and edit forms, the duplicate warning, double submit, moves, the list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.pitches import views
from crm.pitches.models import Pitch
from crm.pitches.models import PitchStatus as S
from tests.factories_pitches import NOW, brand_for, contact_for, make_pitch
from tests.pager_links import pager_link, walk

TOKEN = "a" * 32


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


def _form(**overrides) -> dict[str, str]:
    values = {
        "kind": "ugc",
        "channel": "email",
        "contact_id": "",
        "quoted_rate": "450",
        "currency": "USD",
        "subject": "Three UGC videos for spring",
        "body": "Hi there,\nI make home videos.",
        "token": TOKEN,
    }
    values.update(overrides)
    return values


def _pitch_count(session) -> int:
    return session.scalar(select(func.count(Pitch.id)))


def test_new_without_a_brand_asks_which_brand(logged_in, session, user) -> None:
    brand = brand_for(session, user, name="Glow Co")
    page = logged_in.get("/pitches/new").get_data(as_text=True)
    assert "Who are you pitching?" in page and "<title>New pitch" in page
    assert f'href="/pitches/new?brand_id={brand.id}">Glow Co</a>' in page


def test_the_new_form_offers_the_brands_contacts_and_a_one_time_token(
    logged_in, session, user
) -> None:
    brand = brand_for(session, user)
    contact_for(session, brand, name="Ana Ruiz", role="Founder")
    page = logged_in.get(f"/pitches/new?brand_id={brand.id}").get_data(as_text=True)
    assert "Ana Ruiz (Founder)" in page
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token and len(token.group(1)) >= 16


def test_creating_a_pitch_saves_a_draft_and_shows_it(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    contact = contact_for(session, brand)
    response = logged_in.post(
        f"/pitches/new?brand_id={brand.id}",
        data=_form(contact_id=str(contact.id), quoted_rate="1,250.50"),
    )
    assert response.status_code == 302
    pitch = session.scalars(select(Pitch)).one()
    assert response.headers["Location"].endswith(f"/pitches/{pitch.id}")
    assert (pitch.quoted_cents, pitch.currency, pitch.contact_id) == (125_050, "USD", contact.id)
    page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
    assert "Three UGC videos for spring" in page
    assert "$1,250.50" in page


def test_submitting_the_same_form_twice_creates_one_pitch(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    first = logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form())
    second = logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form())
    assert _pitch_count(session) == 1
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert "already saved" in logged_in.get(second.headers["Location"]).get_data(as_text=True)


def test_a_new_form_gets_a_new_token_so_a_second_pitch_is_possible(
    logged_in, session, user
) -> None:
    brand = brand_for(session, user)
    logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form(token="b" * 32))
    logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form(token="c" * 32))
    assert _pitch_count(session) == 2


def test_a_form_without_its_token_is_refused(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    response = logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form(token=""))
    assert response.status_code == 200
    assert "The form expired" in response.get_data(as_text=True)
    assert _pitch_count(session) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quoted_rate": "-5"}, "A rate can&#39;t be negative."),
        ({"quoted_rate": "lots"}, "Enter an amount like 450 or 1,250.50."),
        ({"quoted_rate": "99999999"}, "That rate looks too large"),
        ({"subject": "x" * 201}, "Keep the subject under 200 characters."),
        ({"kind": "bribe"}, "Not a valid choice"),
        ({"channel": "pigeon"}, "Not a valid choice"),
        ({"currency": "XYZ"}, "Not a valid choice"),
        ({"contact_id": "999999"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    logged_in, session, user, overrides, message
) -> None:
    brand = brand_for(session, user)
    response = logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error"' in page
    assert _pitch_count(session) == 0


def test_another_users_brand_is_404_on_the_new_form(logged_in, session, other_user) -> None:
    theirs = brand_for(session, other_user)
    assert logged_in.get(f"/pitches/new?brand_id={theirs.id}").status_code == 404
    response = logged_in.post(f"/pitches/new?brand_id={theirs.id}", data=_form())
    assert response.status_code == 404
    assert _pitch_count(session) == 0


def test_the_duplicate_guard_warns_and_links_to_the_open_pitch(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    earlier = make_pitch(session, user, brand=brand, status=S.SENT)
    page = logged_in.get(f"/pitches/new?brand_id={brand.id}").get_data(as_text=True)
    assert "already has an open pitch" in page
    assert f'href="/pitches/{earlier.id}"' in page
    # A warning, not a block.
    logged_in.post(f"/pitches/new?brand_id={brand.id}", data=_form())
    assert _pitch_count(session) == 2


def test_the_duplicate_guard_warns_about_a_recent_closed_pitch(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    make_pitch(session, user, brand=brand, status=S.DECLINED, sent_at=NOW - timedelta(days=10))
    page = logged_in.get(f"/pitches/new?brand_id={brand.id}").get_data(as_text=True)
    assert "in the last 30 days" in page


def test_no_warning_for_a_brand_last_pitched_long_ago(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    make_pitch(session, user, brand=brand, status=S.LOST, sent_at=NOW - timedelta(days=31))
    page = logged_in.get(f"/pitches/new?brand_id={brand.id}").get_data(as_text=True)
    assert "Heads up" not in page


def test_edit_shows_the_current_values_and_saves_changes(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, quoted_cents=45_000, subject="Before")
    page = logged_in.get(f"/pitches/{pitch.id}/edit").get_data(as_text=True)
    assert 'value="450.00"' in page
    assert 'value="Before"' in page
    data = _form(subject="After", quoted_rate="")
    data.pop("token")
    response = logged_in.post(f"/pitches/{pitch.id}/edit", data=data)
    assert response.status_code == 302
    session.refresh(pitch)
    assert (pitch.subject, pitch.quoted_cents) == ("After", None)


def test_edit_refuses_a_negative_rate_and_keeps_the_old_one(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, quoted_cents=45_000)
    data = _form(quoted_rate="-1")
    response = logged_in.post(f"/pitches/{pitch.id}/edit", data=data)
    assert "can&#39;t be negative" in response.get_data(as_text=True)
    session.refresh(pitch)
    assert pitch.quoted_cents == 45_000


def test_moving_a_pitch_by_post_flashes_and_returns_to_the_pitch(logged_in, session, user) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(f"/pitches/{pitch.id}/status", data={"status": "sent"})
    assert response.headers["Location"].endswith(f"/pitches/{pitch.id}")
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "pitch marked sent" in page
    assert "First follow-up due" in page
    session.refresh(pitch)
    assert pitch.status == S.SENT


def test_a_refused_move_is_a_clear_message_not_an_error(logged_in, session, user) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(
        f"/pitches/{pitch.id}/status", data={"status": "won"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "A draft pitch can&#39;t be marked won" in response.get_data(as_text=True)
    session.refresh(pitch)
    assert pitch.status == S.DRAFT


def test_an_unknown_status_is_refused_with_a_message(logged_in, session, user) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(
        f"/pitches/{pitch.id}/status", data={"status": "teleported"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Pick the status" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("return_to", "location"),
    [("board", "/pitches/board"), ("followups", "/pitches/followups"), ("list", "/pitches/")],
)
def test_moves_return_to_where_they_were_made(
    logged_in, session, user, return_to, location
) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(
        f"/pitches/{pitch.id}/status", data={"status": "sent", "return_to": return_to}
    )
    assert response.headers["Location"].endswith(location)


def test_return_to_never_leaves_the_app(logged_in, session, user) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(
        f"/pitches/{pitch.id}/status",
        data={"status": "sent", "return_to": "https://evil.example/"},
    )
    assert response.headers["Location"].endswith(f"/pitches/{pitch.id}")


def test_the_pitch_page_shows_the_state_table_and_only_allowed_moves(
    logged_in, session, user
) -> None:
    pitch = make_pitch(session, user, status=S.REPLIED)
    page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
    assert "How a pitch moves" in page
    buttons = set(re.findall(r'name="status" value="(\w+)"', page))
    assert buttons == {"negotiating", "won", "lost", "declined"}


def test_a_closed_pitch_offers_a_new_pitch_instead(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=S.WON)
    page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
    assert "This pitch is closed" in page
    assert f"/pitches/new?brand_id={pitch.brand_id}" in page


def test_delete_removes_the_pitch_and_goes_to_the_brand(logged_in, session, user) -> None:
    pitch = make_pitch(session, user)
    response = logged_in.post(f"/pitches/{pitch.id}/delete")
    assert response.headers["Location"].endswith(f"/brands/{pitch.brand_id}")
    assert _pitch_count(session) == 0


def test_text_the_creator_typed_is_escaped_everywhere(logged_in, session, user) -> None:
    evil = "<script>alert(1)</script>"
    brand = brand_for(session, user, name=f"Brand {evil}")
    pitch = make_pitch(
        session,
        user,
        brand=brand,
        subject=evil,
        body=evil,
        status=S.SENT,
        next_followup_on=NOW.date(),
    )
    for url in (
        f"/pitches/{pitch.id}",
        f"/pitches/{pitch.id}/edit",
        "/pitches/",
        "/pitches/board",
        "/pitches/followups",
        f"/pitches/new?brand_id={brand.id}",
        "/pitches/new",
    ):
        page = logged_in.get(url).get_data(as_text=True)
        assert evil not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in logged_in.get("/pitches/").get_data(
        as_text=True
    )


class TestList:
    def test_filters_by_status_and_kind(self, logged_in, session, user) -> None:
        make_pitch(session, user, subject="Sent UGC", status=S.SENT)
        make_pitch(session, user, subject="Draft UGC")
        make_pitch(session, user, subject="Sent affiliate", status=S.SENT, kind="affiliate")
        page = logged_in.get("/pitches/?status=sent&kind=ugc").get_data(as_text=True)
        assert "Sent UGC" in page
        assert "Draft UGC" not in page
        assert "Sent affiliate" not in page

    def test_an_unknown_filter_value_shows_everything(self, logged_in, session, user) -> None:
        make_pitch(session, user, subject="Any pitch")
        assert "Any pitch" in logged_in.get("/pitches/?status=bogus").get_data(as_text=True)

    def test_pages_and_keeps_the_filters(self, make_app, session, user, auth) -> None:
        app = make_app(PAGE_SIZE=2)
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
        for n in range(5):
            make_pitch(
                session,
                user,
                subject=f"Pitch {n}",
                status=S.SENT,
                updated_at=NOW + timedelta(minutes=n),
            )
        first = client.get("/pitches/?status=sent").get_data(as_text=True)
        assert "Pitch 4" in first and "Pitch 2" not in first
        assert "Showing 1–2 of 5 pitches matching" in first
        second_link = pager_link(first, "next")
        assert second_link is not None and "status=sent" in second_link
        pages = walk(client, "/pitches/?status=sent")
        assert len(pages) == 3
        assert "Pitch 0" in pages[2] and "Pitch 1" not in pages[2]
        assert "Showing 5–5 of 5" in pages[2]
        # Back from the last page: "Newer" keeps the filter and shows the page before.
        back = client.get(pager_link(pages[2], "prev")).get_data(as_text=True)
        assert "Pitch 2" in back and "Pitch 1" in back and "Showing 3–4" in back

    def test_only_my_pitches_are_listed(self, logged_in, session, user, other_user) -> None:
        make_pitch(session, other_user, subject="Someone else's")
        assert "Someone else" not in logged_in.get("/pitches/").get_data(as_text=True)

    def test_query_count_does_not_grow_with_rows(self, logged_in, session, user, count_queries):
        make_pitch(session, user, contact_id=contact_for(session, brand_for(session, user)).id)
        with count_queries() as few:
            logged_in.get("/pitches/")
        for _ in range(6):
            brand = brand_for(session, user)
            make_pitch(session, user, brand=brand, contact_id=contact_for(session, brand).id)
        with count_queries() as many:
            logged_in.get("/pitches/")
        assert len(many) == len(few)


class TestListByBrand:
    def test_lists_one_brands_pitches(self, logged_in, session, user) -> None:
        brand = brand_for(session, user, name="Only This Brand")
        make_pitch(session, user, brand=brand, subject="Mine here")
        make_pitch(session, user, subject="Elsewhere")
        page = logged_in.get(f"/pitches/?brand_id={brand.id}").get_data(as_text=True)
        assert "Mine here" in page
        assert "Elsewhere" not in page
        assert "Only This Brand" in page

    def test_another_users_brand_is_404(self, logged_in, session, other_user) -> None:
        theirs = brand_for(session, other_user)
        assert logged_in.get(f"/pitches/?brand_id={theirs.id}").status_code == 404


def test_the_new_form_starts_in_the_creators_currency_with_the_primary_contact(
    logged_in, session, user
) -> None:
    user.currency = "EUR"
    session.commit()
    brand = brand_for(session, user)
    contact_for(session, brand, name="Someone")
    primary = contact_for(session, brand, name="The Boss", is_primary=True)
    page = logged_in.get(f"/pitches/new?brand_id={brand.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="EUR">', page)
    assert re.search(rf'<option selected value="{primary.id}">The Boss', page)


def test_an_old_page_link_or_a_stale_cursor_shows_the_first_page(make_app, session, user) -> None:
    client = make_app(PAGE_SIZE=2).test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    pitches = [
        make_pitch(session, user, subject=f"Pitch {n}", updated_at=NOW + timedelta(minutes=n))
        for n in range(3)
    ]
    page = client.get("/pitches/?page=99").get_data(as_text=True)
    assert "Showing 1–2 of 3" in page and "Pitch 2" in page
    older = pager_link(page, "next")
    session.delete(pitches[0])  # the only pitch on the older page goes
    session.commit()
    stale = client.get(older).get_data(as_text=True)
    assert "Pitch 2" in stale and "Showing 1–2 of 2" not in stale and "No pitches" not in stale
