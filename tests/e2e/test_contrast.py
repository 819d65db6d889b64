"""Every piece of text on the creator's pages and the brand-facing ones stands out from what
is behind it: a contrast ratio of at least 3 (WCAG's floor for large or bold text), on a
phone and a laptop. A button whose label took the link colour of its section (a pink label on
a pink button, so a blank button on the media kit) fails here, whichever page it is on."""

from __future__ import annotations

import pytest

from tests.e2e.test_layout import LAPTOP, PAGES, PHONE, _ids

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

CONTRAST_MIN = 3.0

# The creator's main pages (as the layout test opens them), theirs alone, and the demo
# creator's media kit and its inquiry form as a brand sees them.
CONTRAST_PAGES = [
    *PAGES,
    "/settings",
    "/inbox/",
    "/deals/",
    "/deals/rights",
    "/income/",
    "/kit/{kit}",
    "/kit/{kit}/inquire",
]

# Text whose colour is too close to what is behind it: the element, its words, the ratio.
# The background is the nearest one painted (an image or gradient behind it: not judged).
LOW_CONTRAST = """(minimum) => {
  const channels = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const linear = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const behind = e => {
    for (let a = e; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.backgroundImage !== 'none') return null;
      const c = channels(style.backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const e of document.querySelectorAll('body *')) {
    const words = [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join('').trim();
    const box = e.getBoundingClientRect();
    if (!words || box.width < 2 || box.height < 2) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const back = behind(e);
    if (!back) continue;
    const [light, dark] = [luminance(channels(style.color)), luminance(back)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const what = e.tagName.toLowerCase() + '.' + e.className;
    if (ratio < minimum) found.push([what, words.slice(0, 30), +ratio.toFixed(2)]);
  }
  return found;
}"""


@pytest.mark.parametrize("path", CONTRAST_PAGES)
@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_every_text_stands_out_from_its_background(
    open_page, base_url, live_app, path, width
) -> None:
    page = open_page(width)
    response = page.goto(base_url + path.format(kit="maya-makes-home", **_ids(live_app)))
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    assert page.evaluate(LOW_CONTRAST, CONTRAST_MIN) == []
