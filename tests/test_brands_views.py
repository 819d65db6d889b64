"""Brand pages in the browser's terms: forms, messages, escaping, POST-only changes, 404s."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.brands.models import Brand, BrandStatus, Contact
from crm.pitches.models import Pitch, PitchStatus
from crm.timeline.models import BrandActivity
from tests.factories_brands import make_brand, make_contact, make_note
from tests.pager_links import pager_link

BRAND_FORM = {
    "name": "Glow Theory",
    "website": "glowtheory.com",
    "tiktok_handle": "@glowtheory",
    "tiktok_followers": "3800",
    "product_category": "beauty",
    "kind": "dtc",
    "source": "ad_library",
    "runs_tiktok_ads": "y",
    "status": "lead",
    "tags": "skincare, q4",
    "notes": "Runs three UGC-style ads, no organic content.",
}


def brands_of(session, user) -> list[Brand]:
    return list(session.scalars(select(Brand).where(Brand.owner_id == user.id)))


def test_brand_pages_need_a_login(client) -> None:
    response = client.get("/brands/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_adding_a_brand_through_the_form(logged_in, session, user) -> None:
    response = logged_in.post("/brands/new", data=BRAND_FORM)
    assert response.status_code == 302
    (brand,) = brands_of(session, user)
    assert response.headers["Location"].endswith(f"/brands/{brand.id}")
    assert (brand.tiktok_handle, brand.website_domain) == ("glowtheory", "glowtheory.com")
    assert brand.runs_tiktok_ads is True
    page = logged_in.get(f"/brands/{brand.id}").get_data(as_text=True)
    assert "Glow Theory saved." in page
    assert "Good target" in page
    assert "Added Glow Theory (status: Lead)." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the brand&#39;s name."),
        ("name", "x" * 201, "Field cannot be longer than 200 characters."),
        ("website", "javascript:alert(1)", "Enter a website like https://glowco.com"),
        ("tiktok_handle", "not a handle", "A TikTok handle is 2-24 letters"),
        ("tiktok_followers", "-5", "0 or more, please."),
        ("tiktok_followers", "lots", "Enter 0 to 2,000,000,000."),
        ("status", "emperor", "Not a valid choice."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
    logged_in, session, user, field, value, message
) -> None:
    response = logged_in.post("/brands/new", data={**BRAND_FORM, field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert brands_of(session, user) == []


def test_a_double_submit_creates_one_brand_and_links_the_first(logged_in, session, user) -> None:
    logged_in.post("/brands/new", data=BRAND_FORM)
    again = logged_in.post("/brands/new", data=BRAND_FORM)
    (brand,) = brands_of(session, user)
    page = again.get_data(as_text=True)
    assert "You already have" in page
    assert f'href="/brands/{brand.id}"' in page


def test_typed_text_is_shown_escaped_everywhere(logged_in, session, user) -> None:
    evil = '<script>alert("x")</script>'
    brand = make_brand(session, user, name=evil, notes=evil, tags="<b>bold</b>")
    make_contact(session, user, brand, name=evil, role=evil)
    make_note(session, user, brand, evil)
    for url in ("/brands/", f"/brands/{brand.id}", f"/brands/{brand.id}/edit"):
        page = logged_in.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;" in page, url
        assert "<b>bold" not in page, url


def test_editing_a_brand_shows_the_handle_and_tags_as_typed(logged_in, session, user) -> None:
    brand = make_brand(session, user, tiktok_handle="glow", tags="q4, skincare")
    page = logged_in.get(f"/brands/{brand.id}/edit").get_data(as_text=True)
    assert 'value="@glow"' in page
    assert 'value="q4, skincare"' in page
    response = logged_in.post(
        f"/brands/{brand.id}/edit", data={**BRAND_FORM, "name": brand.name, "status": "client"}
    )
    assert response.status_code == 302
    session.refresh(brand)
    assert brand.status == BrandStatus.CLIENT


def test_status_changes_by_post_and_lands_on_the_timeline(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(
        f"/brands/{brand.id}/status", data={"status": "in_talks"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "is now: In talks" in page
    assert "Status: Lead → In talks." in page
    again = logged_in.post(
        f"/brands/{brand.id}/status", data={"status": "in_talks"}, follow_redirects=True
    )
    assert "already is: In talks" in again.get_data(as_text=True)


def test_an_unknown_status_is_refused(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(
        f"/brands/{brand.id}/status", data={"status": "king"}, follow_redirects=True
    )
    assert "Pick one of the statuses" in response.get_data(as_text=True)
    session.refresh(brand)
    assert brand.status == BrandStatus.LEAD


@pytest.mark.parametrize(
    "path",
    [
        "/brands/{brand}/delete",
        "/brands/{brand}/status",
        "/brands/{brand}/notes",
        "/brands/notes/{note}/delete",
        "/brands/contacts/{contact}/delete",
        "/brands/contacts/{contact}/primary",
    ],
)
def test_changes_never_happen_on_get(logged_in, session, user, path) -> None:
    brand = make_brand(session, user)
    contact = make_contact(session, user, brand)
    note = make_note(session, user, brand)
    url = path.format(brand=brand.id, contact=contact.id, note=note.id)
    assert logged_in.get(url).status_code == 405


def test_deleting_a_brand(logged_in, session, user) -> None:
    brand = make_brand(session, user, name="Gone Co")
    response = logged_in.post(f"/brands/{brand.id}/delete", follow_redirects=True)
    assert "Gone Co deleted" in response.get_data(as_text=True)
    assert brands_of(session, user) == []
    assert logged_in.post(f"/brands/{brand.id}/delete").status_code == 404


def test_notes_are_added_shown_newest_first_and_deleted(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    logged_in.post(f"/brands/{brand.id}/notes", data={"text": "First call."})
    logged_in.post(f"/brands/{brand.id}/notes", data={"text": "Second call."})
    page = logged_in.get(f"/brands/{brand.id}").get_data(as_text=True)
    assert page.index("Second call.") < page.index("First call.") < page.index("Added ")
    note = session.scalars(select(BrandActivity).where(BrandActivity.text == "First call.")).one()
    logged_in.post(f"/brands/notes/{note.id}/delete")
    assert "First call." not in logged_in.get(f"/brands/{brand.id}").get_data(as_text=True)


def test_an_empty_or_repeated_note_gets_a_message(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    empty = logged_in.post(f"/brands/{brand.id}/notes", data={"text": "  "})
    assert "Write something in the note first." in empty.get_data(as_text=True)
    logged_in.post(f"/brands/{brand.id}/notes", data={"text": "Called."})
    again = logged_in.post(f"/brands/{brand.id}/notes", data={"text": "Called."})
    assert "That note is already on the timeline." in again.get_data(as_text=True)
    notes = session.scalars(select(BrandActivity).where(BrandActivity.kind == "note")).all()
    assert len(notes) == 1


def test_the_timeline_paginates(make_app, session, user, auth) -> None:
    app = make_app(PAGE_SIZE=5)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    brand = make_brand(session, user)
    for number in range(7):
        make_note(session, user, brand, f"Note number {number}")
    first = client.get(f"/brands/{brand.id}").get_data(as_text=True)
    older = pager_link(first, "next")
    assert older is not None and older.endswith("#timeline")
    second = client.get(older).get_data(as_text=True)
    assert "Note number 6" in first and "Note number 1" not in first
    assert "Note number 1" in second and "Added " in second
    assert pager_link(second, "next") is None and pager_link(second, "prev") is not None
    # An old ?page=N link lands on the newest lines rather than failing.
    old = client.get(f"/brands/{brand.id}?page=2")
    assert old.status_code == 200 and "Note number 6" in old.get_data(as_text=True)


def test_contacts_are_added_edited_made_primary_and_removed(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    form = logged_in.get(f"/brands/{brand.id}/contacts/new").get_data(as_text=True)
    # A brand's first contact is ticked as primary already.
    assert 'checked id="is_primary"' in form
    logged_in.post(
        f"/brands/{brand.id}/contacts/new",
        data={"name": "Anna", "email": "Anna@Glow.com", "role": "Founder", "is_primary": "y"},
    )
    logged_in.post(f"/brands/{brand.id}/contacts/new", data={"name": "Ben", "email": ""})
    anna, ben = session.scalars(select(Contact).order_by(Contact.name)).all()
    assert (anna.email, anna.is_primary, ben.is_primary) == ("anna@glow.com", True, False)
    logged_in.post(f"/brands/contacts/{ben.id}/primary")
    logged_in.post(f"/brands/contacts/{anna.id}/edit", data={"name": "Anna K", "role": "CEO"})
    session.expire_all()
    assert (anna.name, anna.role, anna.is_primary, ben.is_primary) == ("Anna K", "CEO", False, True)
    logged_in.post(f"/brands/contacts/{ben.id}/delete")
    session.expire_all()
    assert anna.is_primary is True


def test_a_bad_contact_email_is_explained(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(
        f"/brands/{brand.id}/contacts/new", data={"name": "Anna", "email": "anna@"}
    )
    assert "Enter an email like anna@glowco.com." in response.get_data(as_text=True)
    assert session.scalars(select(Contact)).all() == []


def test_brand_page_lists_its_pitches(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    pitch = Pitch(
        owner_id=user.id,
        brand_id=brand.id,
        subject="UGC for the spring launch",
        quoted_cents=45_000,
        status=PitchStatus.SENT,
    )
    session.add(pitch)
    session.commit()
    page = logged_in.get(f"/brands/{brand.id}").get_data(as_text=True)
    assert "UGC for the spring launch" in page
    assert "$450" in page
    assert f"/pitches/{pitch.id}" in page
    assert f"/pitches/new?brand_id={brand.id}" in page


def test_brand_page_queries_do_not_grow_with_history(
    logged_in, session, user, count_queries
) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand)
    with count_queries() as few:
        logged_in.get(f"/brands/{brand.id}")
    for number in range(5):
        make_contact(session, user, brand)
        make_note(session, user, brand, f"n{number}")
        session.add(Pitch(owner_id=user.id, brand_id=brand.id))
    session.commit()
    with count_queries() as many:
        logged_in.get(f"/brands/{brand.id}")
    assert len(many) == len(few)


def test_list_filters_show_and_bad_values_are_dropped(logged_in, session, user) -> None:
    make_brand(session, user, name="Glow Theory", tags="skincare")
    make_brand(session, user, name="Crumb & Co")
    page = logged_in.get("/brands/?q=glow&tag=skincare").get_data(as_text=True)
    assert "Glow Theory" in page and "Crumb &amp; Co" not in page
    odd = logged_in.get("/brands/?status=emperor&page=abc").get_data(as_text=True)
    assert "Glow Theory" in odd and "Crumb &amp; Co" in odd
    assert "Not a valid choice" in odd


def test_empty_list_invites_the_first_brand(logged_in) -> None:
    page = logged_in.get("/brands/").get_data(as_text=True)
    assert "No brands yet." in page


def test_pages_have_no_inline_scripts_or_styles(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand)
    for url in (
        "/brands/",
        f"/brands/{brand.id}",
        "/brands/new",
        "/brands/import",
        f"/brands/{brand.id}/contacts/new",
    ):
        page = logged_in.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page, url
        assert "<label" in page, url


ROUTES = [
    ("get", "/brands/{brand_id}"),
    ("get", "/brands/{brand_id}/edit"),
    ("post", "/brands/{brand_id}/edit"),
    ("post", "/brands/{brand_id}/delete"),
    ("post", "/brands/{brand_id}/status"),
    ("post", "/brands/{brand_id}/notes"),
    ("get", "/brands/{brand_id}/contacts/new"),
    ("post", "/brands/{brand_id}/contacts/new"),
    ("get", "/brands/contacts/{contact_id}/edit"),
    ("post", "/brands/contacts/{contact_id}/edit"),
    ("post", "/brands/contacts/{contact_id}/delete"),
    ("post", "/brands/contacts/{contact_id}/primary"),
    ("post", "/brands/notes/{note_id}/delete"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_creators_brand_contact_or_note_is_a_404(
    logged_in, session, other_user, method, path
) -> None:
    brand = make_brand(session, other_user)
    contact = make_contact(session, other_user, brand)
    note = make_note(session, other_user, brand)
    url = path.format(brand_id=brand.id, contact_id=contact.id, note_id=note.id)
    data = {**BRAND_FORM, "status": "client", "text": "mine now", "name": "Mine"}
    response = getattr(logged_in, method)(url, data=data if method == "post" else None)
    assert response.status_code == 404
    session.expire_all()
    assert (brand.name, brand.status, contact.name) != ("Mine", BrandStatus.CLIENT, "Mine")
    assert session.get(Brand, brand.id) is not None
    assert session.get(Contact, contact.id) is not None
    assert session.get(BrandActivity, note.id) is not None


def test_brand_forms_carry_the_csrf_token(make_app, session, user) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token},
    )
    brand = make_brand(session, user)
    make_contact(session, user, brand)
    page = client.get(f"/brands/{brand.id}").get_data(as_text=True)
    # Note form, status form, delete, make-primary and remove buttons all carry it.
    assert page.count('name="csrf_token"') >= 5
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = client.post(f"/brands/{brand.id}/notes", data={"text": "No token."})
    assert refused.status_code == 400
    accepted = client.post(
        f"/brands/{brand.id}/notes", data={"text": "With token.", "csrf_token": token}
    )
    assert accepted.status_code == 302
