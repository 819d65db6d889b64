"""The media kit's PDF: answered with its ETag (a 304 when it matches), and the last few
made kept in this process.

Anyone can ask for it, and WeasyPrint takes a good part of a second a page: the PDF is the
same for every visitor until the kit changes, so it is made once per version of its
source HTML (the ETag) and kept, a few kits at most, least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app
from werkzeug.http import generate_etag

from crm.deals.invoice_pdf import render_pdf

# Kit PDFs one process keeps (a kit's PDF is some hundred KB).
KEPT = 16
_EXTENSION = "crm.kit_pdfs"


class PdfCache:
    """A small LRU of PDF bytes by (slug, ETag), shared by the process's threads."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], pdf: bytes) -> None:
        with self._lock:
            self._items[key] = pdf
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def pdf_etag(html: str) -> str:
    """The PDF's ETag: its source HTML's (the same HTML makes the same PDF)."""
    return "pdf-" + generate_etag(html.encode("utf-8"))


def kit_pdf(slug: str, etag: str, html: str, base_url: str) -> bytes | None:
    """The kit's PDF, made from `html` unless this process has it; None without WeasyPrint."""
    cache: PdfCache = current_app.extensions.setdefault(_EXTENSION, PdfCache())
    found = cache.get((slug, etag))
    if found is not None:
        return found
    made = render_pdf(html, base_url)
    if made is not None:
        cache.put((slug, etag), made)
    return made
