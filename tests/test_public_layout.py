"""Brand-facing pages (crm.public.BRAND_FACING) use the public layout: no "Log in / Create
account", no creator navigation, whoever opens them and whatever they answer."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for

from crm.public import BRAND_FACING, PUBLIC_ENDPOINTS
from tests.factories_approvals import make_link, submitted
from tests.factories_kit import make_kit

# The public routes that are the app's own door or no page at all: the public layout is
# for what brands open. A new public route joins BRAND_FACING or this list.
NOT_FOR_BRANDS = {"static", "calendar.feed"}


def _app_links(page: str) -> list[str]:
    """Links into the app a stranger should not be offered on a brand's page."""
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', page)
    into_app = [h for h in hrefs if re.match(r"^(/login|/register|/dashboard|/profile|/$)", h)]
    words = [w for w in ("Log in", "Create account", 'aria-label="Main"') if w in page]
    return into_app + words


def test_every_public_route_is_brand_facing_or_named_otherwise() -> None:
    assert set(PUBLIC_ENDPOINTS) >= BRAND_FACING
    rest = set(PUBLIC_ENDPOINTS) - BRAND_FACING
    assert rest == NOT_FOR_BRANDS | {e for e in rest if e.startswith("accounts.")}


@pytest.mark.parametrize("signed_in", [False, True], ids=["stranger", "creator signed in"])
def test_the_kit_and_its_preview_offer_no_app_links(
    app, client, auth, session, user, signed_in
) -> None:
    make_kit(session, user, slug="maya-home")
    if signed_in:
        auth.login(user.email)
    page = client.get("/kit/maya-home")
    assert page.status_code == 200
    assert _app_links(page.get_data(as_text=True)) == []
    if signed_in:
        preview = client.get("/settings/kit/preview").get_data(as_text=True)
        assert "Only you" not in preview and "as a stranger sees it" in preview
        assert _app_links(preview) == []


@pytest.mark.parametrize("signed_in", [False, True], ids=["stranger", "creator signed in"])
def test_the_approval_page_and_its_answers_offer_no_app_links(
    client, auth, session, user, signed_in
) -> None:
    item = submitted(session, user, title="Hook video")
    made = make_link(session, user, deliverable=item)
    if signed_in:
        auth.login(user.email)
    page = client.get(f"/approve/{made.token}")
    assert page.status_code == 200 and "Hook video" in page.get_data(as_text=True)
    assert _app_links(page.get_data(as_text=True)) == []
    refused = client.post(f"/approve/{made.token}", data={"action": "revision"})
    assert refused.status_code == 400  # the form was incomplete: the page again
    assert _app_links(refused.get_data(as_text=True)) == []
    done = client.post(
        f"/approve/{made.token}",
        data={"deliverable": str(item.id), "action": "approve"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "is approved" in text and _app_links(text) == []


def test_too_many_answers_get_a_429_in_the_public_layout(make_app, session, user) -> None:
    client = make_app(APPROVAL_POSTS_MAX_PER_LINK=0).test_client()
    made = make_link(session, user, deliverable=submitted(session, user))
    response = client.post(f"/approve/{made.token}", data={})
    assert response.status_code == 429
    assert _app_links(response.get_data(as_text=True)) == []


def test_every_brand_facing_route_answers_an_unknown_key_with_a_public_404(app: Flask) -> None:
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in BRAND_FACING:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: "no-such-key" for arg in rule.arguments})
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = app.test_client().open(url, method=method, data={})
            page = response.get_data(as_text=True)
            if response.status_code != 404 or _app_links(page):
                wrong.append(f"{method} {url}: {response.status_code} {_app_links(page)}")
    assert not wrong, "\n".join(wrong)


def test_the_creators_own_pages_keep_the_navigation(logged_in) -> None:
    page = logged_in.get("/settings").get_data(as_text=True)
    assert 'aria-label="Main"' in page and 'href="/profile"' in page
    missing = logged_in.get("/deals/999999").get_data(as_text=True)
    assert 'aria-label="Main"' in missing and "Go to your dashboard" in missing
