"""Following a keyset pager's links the way a creator clicks them."""

from __future__ import annotations

import html
import re


def pager_link(page: str, rel: str) -> str | None:
    """The href of the pager link with `rel` ("next" or "prev"), or None when there is none."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def walk(client, path: str, rel: str = "next") -> list[str]:
    """Every page's HTML from `path` on, following `rel` links to the end (at most 200)."""
    pages = []
    while path and len(pages) < 200:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.get_data(as_text=True))
        path = pager_link(pages[-1], rel)
    return pages
