"""Error pages: on the pages brands open (crm.public.BRAND_FACING) they speak to a visitor in
the public layout; everywhere else they speak to the creator, with the way back to the app.

One rule picks the page (crm.public.brand_facing_request), so every code the app renders
(crm.web.ERROR_TITLES) is tried on a brand's URL and on a creator's URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, abort
from markupsafe import escape
from sqlalchemy import exc as sa_exc

from crm.public import _brand_facing_sections
from crm.web import ERROR_TITLES
from tests.factories_kit import make_kit
from tests.test_errors_database import BrokenDatabase

PUBLIC_FOOTER = "Sent to you through Creator CRM."
# Words for the creator, not for a brand that opened a link.
CREATOR_WORDS = ("Log in", "Create account", "dashboard", "Your data", 'aria-label="Main"')


def _raises(code: int) -> Callable[..., Any]:
    """A view that ends in `code` the way the app meets it."""

    def view(**_values: Any) -> Any:
        if code == 503:
            locked = sqlite3.OperationalError("database is locked")
            raise sa_exc.OperationalError("SELECT 1", {}, locked)
        if code == 500:
            raise RuntimeError("secret internals")
        abort(code)

    return view


def assert_brand_error_page(response: Any, code: int) -> str:
    """The public layout and a visitor's words: nothing that leads into the creator's app."""
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert PUBLIC_FOOTER in page
    assert [w for w in CREATOR_WORDS if w.lower() in page.lower()] == []
    assert 'href="/"' not in page and 'href="/login"' not in page
    assert "secret internals" not in page
    return page


def assert_creator_error_page(response: Any, code: int) -> str:
    """The creator's layout: the way back to the dashboard, no brand footer."""
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert "Go to your dashboard" in page and PUBLIC_FOOTER not in page
    # A 4xx keeps the navigation; a 5xx page reads no current user, so it has none.
    assert ('aria-label="Main"' in page) is (code < 500)
    assert "secret internals" not in page
    return page


@pytest.fixture
def error_app(make_app) -> Flask:
    return make_app(PROPAGATE_EXCEPTIONS=False)


@pytest.mark.parametrize("signed_in", [False, True], ids=["stranger", "creator signed in"])
@pytest.mark.parametrize("code", sorted(ERROR_TITLES))
def test_every_error_on_a_brand_page_speaks_to_a_visitor(
    error_app: Flask, logged_in, code: int, signed_in: bool
) -> None:
    error_app.view_functions["kit.page"] = _raises(code)
    client = error_app.test_client()
    if signed_in:
        client.set_cookie("session", logged_in.get_cookie("session").value)
    response = client.get("/kit/maya-home")
    page = assert_brand_error_page(response, code)
    assert f"Error {code}" in page
    if code == 503:
        assert response.headers["Retry-After"] == "60"
        assert "This page is temporarily unavailable" in page
        assert "Nothing you sent was half-saved" in page


@pytest.mark.parametrize("code", sorted(ERROR_TITLES))
def test_every_error_on_a_creator_page_speaks_to_the_creator(
    error_app: Flask, logged_in, code: int
) -> None:
    error_app.view_functions["dashboard.index"] = _raises(code)
    client = error_app.test_client()
    client.set_cookie("session", logged_in.get_cookie("session").value)
    response = client.get("/dashboard")
    page = assert_creator_error_page(response, code)
    assert f"Error {code}" in page and escape(ERROR_TITLES[code]) in page
    if code == 503:
        assert response.headers["Retry-After"] == "60"
        assert "Your data is safe" in page


@pytest.mark.parametrize(
    ("method", "url", "code"),
    [
        ("GET", "/kit/{slug}/no-such-page", 404),
        ("GET", "/kit/{slug}/", 404),
        ("GET", "/approve/", 404),
        ("PUT", "/kit/{slug}", 405),
        ("POST", "/kit/{slug}.json", 405),
        ("DELETE", "/approve/some-token", 405),
        ("GET", "/kit/{slug}?ref=a%00b", 400),
    ],
)
def test_a_brand_url_that_matches_no_route_still_gets_the_visitors_page(
    client, session, user, method: str, url: str, code: int
) -> None:
    kit = make_kit(session, user)
    response = client.open(url.format(slug=kit.slug), method=method)
    assert_brand_error_page(response, code)


def test_a_creator_url_that_matches_no_route_keeps_the_creators_page(logged_in) -> None:
    assert_creator_error_page(logged_in.get("/no/such/page"), 404)
    assert_creator_error_page(logged_in.open("/dashboard", method="PUT"), 405)


def test_an_expired_inquiry_form_is_a_visitors_400(make_app, session, user) -> None:
    kit = make_kit(session, user)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post(f"/kit/{kit.slug}/inquire", data={"name": "Glow Co"})
    page = assert_brand_error_page(response, 400)
    assert "The form expired" in page


def test_a_brands_page_renders_its_503_without_the_database(app: Flask, client, session, user):
    kit = make_kit(session, user)
    broken = BrokenDatabase()
    try:
        broken.break_(app)
        response = client.get(f"/kit/{kit.slug}")
    finally:
        broken.engine.dispose()
    page = assert_brand_error_page(response, 503)
    assert response.headers["Retry-After"] == "60" and "try again in a minute" in page


def test_only_kit_and_approval_links_are_brand_sections(app: Flask) -> None:
    # A creator's route under /kit/ or /approve/ would make that section's unmatched URLs
    # ambiguous: this says so the day one is added.
    assert _brand_facing_sections(app.url_map) == {"kit", "approve"}
