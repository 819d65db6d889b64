"""The settings page: every area with where it stands, and a link to each."""

from __future__ import annotations

import re

from crm.add_on_policy.models import AddOnUplift
from crm.database import utcnow
from crm.deals import invoices
from crm.deals.calendar import new_feed_token
from tests.factories_kit import make_kit

AREA_LINKS = [
    "/profile",
    "/settings/kit",
    "/settings/kit/preview",
    "/approvals/settings",
    "/deals/invoices/settings",
    "/deals/calendar",
    "/rates/#add-ons",
    "/pitches/settings",
    "/emails/templates",
    "/account/backup",
]


def _hrefs(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_a_new_account_sees_every_area_with_its_defaults(logged_in):
    page = logged_in.get("/settings").get_data(as_text=True)
    assert set(AREA_LINKS) <= _hrefs(page)
    assert "Your kit is <strong>off</strong>: it has no address yet" in page
    assert "works for 30 days" in page
    assert "The next number is INV-" in page and "No business name yet" in page
    assert "No calendar feed yet" in page
    assert "Every add-on uses the starting values" in page
    assert "default wording" in page
    assert "Preview as a stranger sees it" in page


def test_the_page_says_where_each_area_stands(logged_in, session, user):
    make_kit(session, user, slug="maya-home")
    invoices.save_settings(session, user, invoices.SettingsData(business_name="Maya Studio"))
    new_feed_token(session, user.id, utcnow())
    session.add(AddOnUplift(owner_id=user.id, add_on="usage_rights", percent=40))
    user.approval_link_days = 7
    session.commit()
    page = logged_in.get("/settings").get_data(as_text=True)
    assert "Your kit is <strong>on</strong> at" in page and "/kit/maya-home" in page
    assert "Invoices are from Maya Studio." in page
    assert "Your calendar feed is on" in page
    assert "You set 1 of" in page
    assert "works for 7 days" in page


def test_a_kit_turned_off_keeps_its_address_named_as_not_found(logged_in, session, user):
    make_kit(session, user, slug="maya-home", enabled=False)
    page = logged_in.get("/settings").get_data(as_text=True)
    assert "Your kit is <strong>off</strong>: its address" in page
    assert "/kit/maya-home" in page and "Page not found" in page


def test_the_preview_is_the_public_page_while_the_kit_is_off(app, logged_in, session, user):
    make_kit(session, user, slug="maya-home", bio="Cosy corners only.")
    public = app.test_client().get("/kit/maya-home").get_data(as_text=True)
    make_kit(session, user, slug="maya-home", bio="Cosy corners only.", enabled=False)
    assert app.test_client().get("/kit/maya-home").status_code == 404
    preview = logged_in.get("/settings/kit/preview").get_data(as_text=True)
    assert "Only you can see this preview" in preview
    # The same template, block for block; only the PDF note under it speaks to the creator,
    # and the inquiry button, whose form answers only while the kit is on, is said instead.
    assert _kit_body(preview) == _kit_body(public)


def _kit_body(page: str) -> str:
    start = page.index('<main class="kit">')
    body = page[start : page.index('<footer class="kit-actions">', start)]
    return re.sub(r'<section class="kit-section kit-inquire".*?</section>', "", body, flags=re.S)


def test_profile_and_every_settings_page_link_back_to_all_settings(logged_in):
    for path in AREA_LINKS:
        if path in ("/settings/kit/preview",):
            continue
        page = logged_in.get(path.split("#")[0]).get_data(as_text=True)
        assert 'href="/settings"' in page, path
