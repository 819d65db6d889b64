"""Over-long text in a real browser: nothing cut on paste, a counter near the limit, and the
server's message beside the field with the text still there to shorten."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.brands.models import Brand
from crm.database import db_session

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _a_brand(live_app) -> Brand:
    with live_app.app_context():
        return db_session().scalars(select(Brand).order_by(Brand.id)).first()


def _notes_of(live_app, brand_id: int) -> str:
    with live_app.app_context():
        return db_session().get(Brand, brand_id).notes


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_brand_note_is_counted_refused_and_kept_in_the_box(
    page, base_url, live_app, width
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    brand = _a_brand(live_app)
    before = _notes_of(live_app, brand.id)
    page.goto(f"{base_url}/brands/{brand.id}/edit")
    notes = page.locator("textarea[name=notes]")
    notes.fill("n" * 4_500)
    counter = page.locator("#notes-count")
    assert counter.is_visible() and counter.inner_text() == "500 characters left."
    notes.fill("n" * 10_000)
    assert notes.input_value() == "n" * 10_000  # no maxlength: the browser cut nothing
    assert counter.inner_text() == "5,000 characters over the limit of 5,000."
    page.locator("form:has(textarea[name=notes]) button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert "Keep notes under 5,000 characters" in page.locator("#notes-error").inner_text()
    assert len(page.locator("textarea[name=notes]").input_value()) == 10_000
    assert _notes_of(live_app, brand.id) == before


def test_a_short_field_shows_no_counter_until_near_its_limit(page, base_url) -> None:
    page.goto(base_url + "/profile")
    name = page.locator("input[name=display_name]")
    name.fill("Maya")
    assert not page.locator("#display_name-count").is_visible()
    name.fill("M" * 70)
    assert page.locator("#display_name-count").inner_text() == "10 characters left."


def test_a_link_typed_without_https_is_saved_from_the_browser(page, base_url, live_app) -> None:
    from crm.stats.models import PortfolioVideo

    page.goto(base_url + "/stats/videos/new")
    page.fill("input[name=url]", "www.tiktok.com/@maya.makes.home/video/987")
    page.fill("input[name=title]", "Pantry reset")
    page.fill("input[name=views]", "1200")
    page.fill("input[name=likes]", "90")
    page.locator("form:has(input[name=url]) button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    with live_app.app_context():
        urls = db_session().scalars(select(PortfolioVideo.url)).all()
    assert "https://www.tiktok.com/@maya.makes.home/video/987" in urls
