"""Every link and control a thumb can hit on a phone: 40 px tall at least, on every main page.

The pages come from the registry (tests/main_pages.py), each filled with its own data for a
creator of its own, so a new page is measured without anyone adding it here.
"""

from __future__ import annotations

import pytest

from crm.database import db_session
from tests.factories import TEST_PASSWORD, make_user
from tests.main_pages import MAIN_PAGES, ROWS, MainPage, page_id

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

PHONE = 390
TAP_MIN_PX = 40

# Registry entries that are files, not pages: no <main>, nothing to tap.
FILES = (".csv", ".json", ".ics")
TAP_PAGES = [page for page in MAIN_PAGES if not page.path.split("?")[0].endswith(FILES)]

# Elements allowed below 40 px, each with its reason: the one place to make an exception.
# (A link inside a running sentence is read, not tapped; TAP_TARGETS leaves it out by rule.)
EXEMPT: dict[str, str] = {
    ".visually-hidden, .visually-hidden *": "off screen, so never tapped: a form's default "
    "submit button for the Enter key, a field left for bots to fill",
}

# The controls and links of <main> on screen, with their height. A link is inside a sentence
# when its block (the nearest ancestor not displayed inline) has words of its own beside the
# link: text directly in the block or in an inline element between the block and the link. A
# separator ("Edit · Remove") is not a word: links between separators are tapped.
# A checkbox or a radio is measured by its label, which a tap on ticks it too.
TAP_TARGETS = """(exempt) => {
  const inline = e => getComputedStyle(e).display.startsWith('inline');
  const words = e => [...e.childNodes]
    .some(n => n.nodeType === Node.TEXT_NODE && /[\\p{L}\\p{N}]/u.test(n.textContent));
  const inSentence = link => {
    for (let e = link.parentElement; e; e = e.parentElement) {
      if (words(e)) return true;
      if (!inline(e)) return false;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');
  // A tap on a checkbox's or a radio's label ticks it: the label is the target.
  const box = e => ['checkbox', 'radio'].includes(e.type) && e.labels.length
    ? e.labels[0].getBoundingClientRect() : e.getBoundingClientRect();
  return [...document.querySelectorAll(
      'main a[href], main button, main select, main summary, main textarea, ' +
      'main input:not([type=hidden])')]
    .filter(e => e.getBoundingClientRect().height > 0)
    .filter(e => !exempt.some(selector => e.matches(selector)))
    .filter(e => e.tagName !== 'A' || !inSentence(e))
    .map(e => [name(e.parentElement) + ' > ' + name(e) + ' ' +
               (e.textContent || e.name || '').trim().replace(/\\s+/g, ' ').slice(0, 30),
               Math.round(box(e).height * 10) / 10]);
}"""


@pytest.fixture(scope="session")
def creators(live_app, browser, base_url):
    """One creator per page fill (and one more for a fill reaching a second page), made once:
    their ids and their logged-in browser state."""
    made: dict[tuple, tuple[dict, dict]] = {}

    def creator_for(page: MainPage) -> tuple[dict, dict]:
        key = (page.fill, page.deep)
        if key not in made:
            ids: dict = {}
            with live_app.app_context():
                session = db_session()
                user = make_user(session)
                # A deep page needs more rows than a page holds; one round fills the rest.
                rounds = live_app.config["PAGE_SIZE"] // ROWS + 1 if page.deep else 1
                for _ in range(rounds):
                    page.fill(session, user, ids)
                session.commit()
                email = user.email
            context = browser.new_context()
            login = context.new_page()
            login.goto(base_url + "/login")
            login.fill("input[name=email]", email)
            login.fill("input[name=password]", TEST_PASSWORD)
            login.click("button[type=submit]")
            login.wait_for_url(base_url + "/dashboard")
            made[key] = (ids, context.storage_state())
            context.close()
        return made[key]

    return creator_for


@pytest.mark.parametrize("main_page", TAP_PAGES, ids=page_id)
def test_every_link_and_control_is_tall_enough_to_tap_on_a_phone(
    open_page, base_url, creators, main_page: MainPage
) -> None:
    ids, state = creators(main_page)
    page = open_page(PHONE, storage_state=None if main_page.public else state)
    url = base_url + main_page.url(ids)
    response = page.goto(url)
    assert response.status == 200, url
    if main_page.deep:
        following = page.locator("a[rel=next]")
        assert following.count(), f"{url} has no next page: fill more rounds"
        assert page.goto(base_url + following.first.get_attribute("href")).status == 200
    targets = page.evaluate(TAP_TARGETS, list(EXEMPT))
    assert page.locator("main").count() == 1, "the measure looks inside <main>"
    small = [(name, height) for name, height in targets if height < TAP_MIN_PX]
    assert not small, f"{main_page.path}: {small}"


def test_a_link_inside_a_sentence_is_left_out_and_a_lone_link_is_measured(
    open_page, base_url
) -> None:
    page = open_page(PHONE)
    page.goto(base_url + "/dashboard")
    page.set_content(
        "<main><p>Read <a href='/a'>the guide</a> first.</p>"
        "<p>See <strong><a href='/b'>the terms</a></strong>.</p>"
        "<p><a href='/c'>Alone</a></p>"
        "<p><span><a href='/e'>Edit</a> · <a href='/f'>Remove</a></span></p>"
        "<table><tr><td><a href='/d'>Brand</a> <span>vip</span></td></tr></table></main>"
    )
    measured = [name for name, _ in page.evaluate(TAP_TARGETS, [])]
    assert measured == ["p > a Alone", "span > a Edit", "span > a Remove", "td > a Brand"]
