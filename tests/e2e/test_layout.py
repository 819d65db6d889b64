"""The layout at a laptop's 1280 px and a phone's 390 px: nothing wider than the screen, every
board column on the page, lists as cards on a phone, a menu that opens without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.brands.models import Brand
from crm.database import db_session
from crm.pitches.models import Pitch, PitchStatus

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

LAPTOP, PHONE = 1280, 390
SIZES = [LAPTOP, PHONE]

# Each page and the controls a creator must see on it without scrolling sideways.
PAGES = {
    "/dashboard": ["main h1", "main a.button >> text=New pitch"],
    "/brands/": ["main a.button >> text=Add brand", "table.stack"],
    "/brands/{brand}": ["main h1", "#pitches-title"],
    "/pitches/": ["main a.button >> text=New pitch", "table.stack"],
    "/pitches/{pitch}": ["main h1"],
    "/pitches/board": ["main a.button >> text=New pitch", ".board-index", ".board"],
    "/pitches/followups": ["main h1"],
    "/stats/": ["main a.button >> text=Add snapshot", "#portfolio table.stack"],
    "/emails/pitches/{pitch}": ["#subject", "#body", "a[data-mailto]", "[data-copy='#body']"],
}

# Elements of <main> whose right edge passes the window, unless a box inside the window clips
# them (a visually hidden table header): a creator would have to scroll sideways to see them.
OVERFLOWING = """() => {
  const inside = e => e.getBoundingClientRect().right <= innerWidth + 1;
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && inside(a)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().width > 0 && !inside(e) && !clipped(e))
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
}"""

# Boxes that scroll sideways inside the page (a table too wide for its card).
SIDE_SCROLLERS = """() => [...document.querySelectorAll('main *')]
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.tagName.toLowerCase() + '.' + e.className)"""


def _ids(live_app) -> dict[str, int]:
    with live_app.app_context():
        session = db_session()
        brand = session.scalars(select(Brand).order_by(Brand.id)).first()
        pitch = session.scalars(
            select(Pitch).where(Pitch.contact_id.is_not(None)).order_by(Pitch.id)
        ).first()
        return {"brand": brand.id, "pitch": pitch.id}


def _first(live_app, status: PitchStatus) -> int:
    with live_app.app_context():
        statement = select(Pitch.id).where(Pitch.status == status).order_by(Pitch.id.desc())
        return db_session().scalars(statement).first()


def _status_of(live_app, pitch_id: int) -> PitchStatus:
    with live_app.app_context():
        return db_session().get(Pitch, pitch_id).status


@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_fits_the_screen_and_shows_its_controls(
    open_page, base_url, live_app, path, width
) -> None:
    page = open_page(width)
    response = page.goto(base_url + path.format(**_ids(live_app)))
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(SIDE_SCROLLERS) == []
    for selector in PAGES[path]:
        assert page.locator(selector).first.is_visible(), f"{path} at {width}px: {selector}"


@pytest.mark.parametrize("width", SIZES)
def test_every_board_column_is_on_the_page_with_its_count(open_page, base_url, width) -> None:
    page = open_page(width)
    page.goto(base_url + "/pitches/board")
    columns = page.locator(".board-column")
    assert columns.count() == len(PitchStatus)
    for index in range(columns.count()):
        column = columns.nth(index)
        column.scroll_into_view_if_needed()
        box = column.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, column.get_attribute("id")
        assert column.locator("h2 .muted").inner_text().isdigit()  # the count, in its header
    jumps = page.locator(".board-index a")
    assert jumps.count() == len(PitchStatus)
    # Cards keep their inner padding (it was overridden to 0 by the plain-list rule).
    padding = page.locator(".board-card").first.evaluate("e => getComputedStyle(e).paddingLeft")
    assert float(padding.removesuffix("px")) >= 8


def test_a_phone_jumps_to_a_column_from_the_list_of_columns(open_page, base_url) -> None:
    page = open_page(PHONE)
    page.goto(base_url + "/pitches/board")
    page.click(".board-index a[href='#column-ghosted']")
    box = page.locator("#column-ghosted").bounding_box()
    assert box["y"] >= 0 and box["y"] < 844


def test_a_card_dragged_to_ghosted_is_on_screen_in_its_new_column(
    open_page, base_url, live_app
) -> None:
    pitch_id = _first(live_app, PitchStatus.SENT)
    page = open_page(LAPTOP)
    page.goto(base_url + "/pitches/board")
    # Ghosted sits in the second row, below the fold: dispatch the drag events, as a pointer
    # drag would scroll the page under the mouse before the drag begins.
    card = page.locator(f'.board-card[data-pitch="{pitch_id}"]')
    ghosted = page.locator("#column-ghosted")
    transfer = page.evaluate_handle("new DataTransfer()")
    card.dispatch_event("dragstart", {"dataTransfer": transfer})
    ghosted.dispatch_event("dragover", {"dataTransfer": transfer})
    ghosted.dispatch_event("drop", {"dataTransfer": transfer})
    page.wait_for_url("**/pitches/board#column-ghosted")
    page.wait_for_load_state("networkidle")
    assert _status_of(live_app, pitch_id) == PitchStatus.GHOSTED
    moved = page.locator(f'#column-ghosted .board-card[data-pitch="{pitch_id}"]')
    box = moved.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900  # in view, not off to the side


def test_the_card_form_moves_a_pitch_on_a_phone_without_javascript(
    open_page, base_url, live_app
) -> None:
    pitch_id = _first(live_app, PitchStatus.REPLIED)
    page = open_page(PHONE, javascript=False)
    page.goto(base_url + "/pitches/board")
    form = page.locator(f'.board-card[data-pitch="{pitch_id}"] form')
    form.locator("select[name=status]").select_option("negotiating")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert _status_of(live_app, pitch_id) == PitchStatus.NEGOTIATING


def test_the_phone_menu_opens_without_javascript(open_page, base_url) -> None:
    page = open_page(PHONE, javascript=False)
    page.goto(base_url + "/dashboard")
    assert page.locator(".topbar").bounding_box()["height"] <= 72
    brands = page.locator("nav[aria-label=Main] a", has_text="Brands")
    assert not brands.is_visible()
    page.click("summary:has-text('Menu')")
    assert brands.is_visible()
    assert page.locator("nav[aria-label=Main] button", has_text="Log out").is_visible()
    brands.click()
    page.wait_for_url(base_url + "/brands/")


def test_the_laptop_shows_the_navigation_open(open_page, base_url) -> None:
    page = open_page(LAPTOP, javascript=False)
    page.goto(base_url + "/dashboard")
    assert page.locator(".topbar").bounding_box()["height"] <= 72
    assert not page.locator("summary:has-text('Menu')").is_visible()
    for label in ("Dashboard", "Brands", "Pipeline", "Follow-ups", "Stats", "Rates"):
        assert page.locator("nav[aria-label=Main] a", has_text=label).first.is_visible(), label


@pytest.mark.parametrize("path", ["/brands/", "/pitches/", "/stats/", "/brands/{brand}"])
def test_lists_are_labelled_cards_on_a_phone_and_tables_on_a_laptop(
    open_page, base_url, live_app, path
) -> None:
    url = base_url + path.format(**_ids(live_app))
    phone = open_page(PHONE)
    phone.goto(url)
    cell = phone.locator("table.stack tbody td[data-label]").first
    label = cell.get_attribute("data-label")
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == f'"{label}"'
    assert (
        phone.locator("table.stack tbody tr").first.evaluate("e => getComputedStyle(e).display")
        == "block"
    )
    assert phone.locator("table.stack thead").first.bounding_box()["height"] <= 1
    laptop = open_page(LAPTOP)
    laptop.goto(url)
    assert laptop.locator("table.stack thead").first.is_visible()
    assert (
        laptop.locator("table.stack tbody tr").first.evaluate("e => getComputedStyle(e).display")
        == "table-row"
    )
