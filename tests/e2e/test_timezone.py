"""Sign-up in a real browser: app.js fills in the browser's timezone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.accounts.models import User
from crm.database import db_session

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_sign_up_keeps_the_browsers_timezone(browser, base_url, live_app) -> None:
    context = browser.new_context(timezone_id="America/Los_Angeles")
    page = context.new_page()
    page.goto(base_url + "/register")
    page.fill("input[name=email]", "la.creator@example.com")
    page.fill("input[name=password]", "a-long-enough-password")
    page.fill("input[name=confirm]", "a-long-enough-password")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/profile")
    assert page.locator("select[name=timezone]").input_value() == "America/Los_Angeles"
    context.close()
    with live_app.app_context():
        stored = db_session().scalar(
            select(User.timezone).where(User.email == "la.creator@example.com")
        )
    assert stored == "America/Los_Angeles"
