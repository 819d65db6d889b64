"""What a creator does in a real browser: log in, move pitches, use every page on a phone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.database import db_session
from crm.pitches.models import Pitch, PitchStatus

# The development server leaves a static file unclosed when the browser drops a
# connection mid-response (werkzeug's connection_dropped); that is the test server's
# housekeeping, not the app's, so it must not fail a test.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

MAIN_PAGES = [
    "/dashboard",
    "/brands/",
    "/pitches/",
    "/pitches/board",
    "/pitches/followups",
    "/pitches/settings",
    "/stats/",
    "/rates/",
    "/profile",
]


GRIP = {"x": 12, "y": 6}


def _a_draft(live_app) -> Pitch:
    with live_app.app_context():
        return (
            db_session()
            .scalars(select(Pitch).where(Pitch.status == PitchStatus.DRAFT).order_by(Pitch.id))
            .first()
        )


def _status_of(live_app, pitch_id: int) -> PitchStatus:
    with live_app.app_context():
        return db_session().get(Pitch, pitch_id).status


def test_the_demo_login_lands_on_the_dashboard(page) -> None:
    assert page.locator("h1").inner_text().startswith("Hi Maya")
    assert page.locator("text=Follow-ups due").count() == 1


def test_dragging_a_card_to_sent_moves_the_pitch(page, base_url, live_app) -> None:
    draft = _a_draft(live_app)
    page.goto(base_url + "/pitches/board")
    card = page.locator(f'.board-card[data-pitch="{draft.id}"]')
    assert card.get_attribute("draggable") == "true"  # board.js took over
    # Grab the card by its top edge: its middle may be its status menu, which doesn't drag.
    card.drag_to(page.locator('.board-column[data-status="sent"]'), source_position=GRIP)
    page.wait_for_load_state("networkidle")
    assert _status_of(live_app, draft.id) == PitchStatus.SENT
    sent_column = page.locator('.board-column[data-status="sent"]')
    assert sent_column.locator(f'.board-card[data-pitch="{draft.id}"]').count() == 1


def test_the_card_form_moves_a_pitch_without_javascript(browser, base_url, live_app) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=email]", "demo@example.com")
    page.fill("input[name=password]", "demo-password")
    page.click("button[type=submit]")
    draft = _a_draft(live_app)
    page.goto(base_url + "/pitches/board")
    form = page.locator(f'.board-card[data-pitch="{draft.id}"] form')
    form.locator("select[name=status]").select_option("sent")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert _status_of(live_app, draft.id) == PitchStatus.SENT
    context.close()


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_pages_fit_a_phone_screen(browser, base_url, path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=email]", "demo@example.com")
    page.fill("input[name=password]", "demo-password")
    page.click("button[type=submit]")
    response = page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    # Wide tables and the board scroll inside their own box; the page itself never does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_every_field_on_the_main_pages_has_a_label(page, base_url) -> None:
    for path in MAIN_PAGES:
        page.goto(base_url + path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && e.type !== 'submit')
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                .map(e => e.name)"""
        )
        assert not unlabelled, f"{path}: {unlabelled}"


def test_logging_out_ends_the_session(page, base_url) -> None:
    page.click("text=Log out")
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(base_url + "/dashboard")
    assert "/login" in page.url
