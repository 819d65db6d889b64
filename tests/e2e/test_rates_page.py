"""The rates page in a browser: contents a creator jumps from, on a desktop and a phone."""

from __future__ import annotations

import pytest

from crm.demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

SECTIONS = ["numbers", "tier", "sponsored", "ugc", "affiliate", "add-ons"]


def _log_in(page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/dashboard")


def _top(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")


def test_on_a_desktop_the_contents_stay_in_view_and_jump_to_each_section(page, base_url) -> None:
    page.goto(base_url + "/rates/")
    for anchor in SECTIONS:
        page.click(f".rates-toc a[href='#{anchor}']")
        page.wait_for_function(f"location.hash === '#{anchor}'")
        # The bar sticks to the top and never hides the heading it jumped to.
        toc_bottom = page.evaluate(
            "document.querySelector('.rates-toc').getBoundingClientRect().bottom"
        )
        assert 0 < toc_bottom < 120, anchor
        heading = _top(page, f"#{anchor} h2")
        assert toc_bottom <= heading < 900, anchor
    assert page.evaluate("window.scrollY") > 1500  # it really scrolled down the page
    assert _top(page, ".rates-toc") == pytest.approx(0, abs=1)


def test_on_a_phone_without_javascript_the_contents_link_down_and_back(browser, base_url) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, base_url)
    page.goto(base_url + "/rates/")
    assert page.evaluate("getComputedStyle(document.querySelector('.rates-toc')).position") == (
        "static"  # a sticky bar would cover a third of a phone screen
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(".rates-toc a[href='#affiliate']")
    assert -2 <= _top(page, "#affiliate") < 50
    page.click("#affiliate .rates-to-contents a")
    assert -2 <= _top(page, "#contents") < 50
    context.close()
