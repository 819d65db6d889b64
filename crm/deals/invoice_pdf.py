"""An invoice (and the media kit) as a PDF, with WeasyPrint when it is installed (the
optional `pdf` extra), fetching no URL.

WeasyPrint needs Pango from the system, which `pip` can't install: without it the app
still runs, the printable page stays (a browser's "Save as PDF" makes the same file), and
the PDF button says what to install.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

PDF_MISSING = (
    "PDF needs the optional PDF support: pip install 'creator-crm[pdf]' (see the README). "
    "Until then, print this page and choose \u201cSave as PDF\u201d."
)


def _weasyprint() -> Any | None:
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError):
        # OSError: the package is there but the system's Pango is not.
        return None


def pdf_available() -> bool:
    """Whether this install can make PDFs."""
    return _weasyprint() is not None


class FetchRefused(ValueError):
    """A PDF asked for a URL: PDFs here are made from their HTML alone."""


def refuse_fetch(url: str, *_args: Any, **_options: Any) -> NoReturn:
    """WeasyPrint's url_fetcher for every PDF here: fetch nothing.

    The HTML carries its stylesheet inline; anything else it names (an image, a font, a
    link somebody typed) is not fetched, so making a PDF never reaches the network or this
    server's own pages (WeasyPrint logs the refusal and leaves the resource out).
    """
    # Only the scheme in the message: a data: URL can be megabytes.
    raise FetchRefused(f"PDFs fetch nothing (asked for a {url.partition(':')[0]}: URL)")


def render_pdf(html: str, base_url: str) -> bytes | None:
    """`html` as PDF bytes (fetching nothing), or None when WeasyPrint is not installed.

    `base_url` only makes the PDF's relative links absolute; nothing is fetched from it."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        return None
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=refuse_fetch).write_pdf()
