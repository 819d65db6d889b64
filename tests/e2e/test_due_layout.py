"""The Due page on a phone: every control a thumb uses is at least 40 px tall."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

PHONE = 390
TAP_MIN_PX = 40

CONTROLS = """() => [...document.querySelectorAll(
    'main button, main select, main input:not([type=hidden]), main a.button')]
  .filter(e => e.getBoundingClientRect().height > 0)
  .map(e => [e.tagName.toLowerCase() + ' ' + (e.textContent || e.name || '').trim().slice(0, 20),
             e.getBoundingClientRect().height])"""


def test_the_due_pages_controls_are_tall_enough_to_tap_on_a_phone(open_page, base_url) -> None:
    page = open_page(PHONE)
    assert page.goto(base_url + "/deals/due").status == 200
    controls = page.evaluate(CONTROLS)
    assert any(name.startswith("select") for name, _ in controls)  # the demo has work due
    assert [(name, h) for name, h in controls if h < TAP_MIN_PX] == []
