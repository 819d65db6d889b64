"""Reading a rendered page the way the tests need: the error beside a field, an input's value."""

from __future__ import annotations

import re
from html import unescape
from typing import Any


def _text(page: Any) -> str:
    return page if isinstance(page, str) else page.get_data(as_text=True)


def field_error(page: Any, name: str) -> str:
    """The message shown beside field `name` (a response or its HTML); "" if there is none."""
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', _text(page), re.S)
    return unescape(found.group(1)) if found else ""


def input_value(page: Any, name: str) -> str | None:
    """The value an <input name=...> is shown with; None if there is no such input."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', _text(page))
    return unescape(found.group(1)) if found else None
