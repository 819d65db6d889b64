"""An invoice as a PDF, with WeasyPrint when it is installed (the optional `pdf` extra).

WeasyPrint needs Pango from the system, which `pip` can't install: without it the app
still runs, the printable page stays (a browser's "Save as PDF" makes the same file), and
the PDF button says what to install.
"""

from __future__ import annotations

import importlib
from typing import Any

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


def render_pdf(html: str, base_url: str) -> bytes | None:
    """`html` as PDF bytes, or None when WeasyPrint is not installed."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        return None
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
