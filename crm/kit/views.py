"""The public media kit: /kit/<slug>, its JSON and its PDF; no login.

A kit that is off and a slug nobody has answer the same 404. The pages hold only public
data, the same for every visitor, so shared caches may keep them for a few minutes.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from crm.accounts.mail import absolute_url
from crm.database import db_session, end_read
from crm.deals.invoice_pdf import PDF_MISSING, pdf_available
from crm.kit.page import KitPage, kit_page, published_kit
from crm.kit.pdf import kit_pdf, pdf_etag
from crm.market.current import market

bp = Blueprint("kit", __name__, url_prefix="/kit")

# Caches may keep the kit but ask again each time (the ETag makes that a 304): a kit turned
# off, or a changed slug, answers "Page not found" at once rather than minutes later.
CACHE_CONTROL = "public, no-cache"
# Without WeasyPrint a stranger is told how to keep a copy; the creator's preview (and the
# settings page) say what to install.
PRINT_INSTEAD = "To keep a copy, print this page and choose \u201cSave as PDF\u201d."


def _published(slug: str) -> KitPage:
    session = db_session()
    found = published_kit(session, slug)
    if found is None:
        abort(404)
    return kit_page(session, *found, market())


def render_kit(
    kit: KitPage, preview: str | None = None, inline_css: str | None = None, on: bool = True
) -> str:
    """The kit's HTML; also the creator's preview (a note on top) and the PDF's source.

    `on`: the kit is on, so its inquiry form answers (a preview of a kit that is off says
    where the button will be instead of linking to a form that answers "Page not found")."""
    return render_template(
        "kit/page.html",
        kit=kit,
        preview=preview,
        on=on,
        inline_css=inline_css,
        # Under the configured base URL, never the request's Host header: shared caches keep
        # this page, and a forged Host would otherwise land in its preview link.
        page_url=absolute_url("kit.page", slug=kit.slug) if kit.slug else "",
        pdf_url=url_for("kit.pdf", slug=kit.slug) if kit.slug else "",
        json_url=url_for("kit.as_json", slug=kit.slug) if kit.slug else "",
        pdf_missing=None if pdf_available() else (PDF_MISSING if preview else PRINT_INSTEAD),
    )


def _cacheable(response: Response) -> Response:
    """Public data only: an ETag (304 when it matches), and a few minutes in any cache."""
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<slug>")
def page(slug: str) -> Response:
    html = render_kit(_published(slug))
    return _cacheable(Response(html, mimetype="text/html"))


@bp.get("/<slug>.json")
def as_json(slug: str) -> Response:
    return _cacheable(jsonify(_published(slug).as_json()))


@bp.get("/<slug>.pdf")
def pdf(slug: str) -> Response:
    """The same page as a PDF, through the invoice's library (fetching nothing), with its
    ETag, made once per version (crm.kit.pdf); without the library, back to the page (which
    says what to install)."""
    kit = _published(slug)
    html = render_kit(kit, inline_css=_kit_css())
    end_read(db_session())  # no transaction held through the rendering
    etag = pdf_etag(html)
    if pdf_available() and request.if_none_match.contains_weak(etag):
        unchanged = Response(status=304)
        unchanged.set_etag(etag)
        unchanged.headers["Cache-Control"] = CACHE_CONTROL
        return unchanged
    made = kit_pdf(slug, etag, html, request.url_root)
    if made is None:
        return redirect(url_for("kit.page", slug=slug, _anchor="pdf"))  # type: ignore[return-value]
    response = send_file(
        BytesIO(made), mimetype="application/pdf", download_name=f"{slug}-media-kit.pdf"
    )
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@cache
def _css_text(folder: str) -> str:
    return (Path(folder) / "kit.css").read_text(encoding="utf-8")


def _kit_css() -> str:
    return _css_text(str(current_app.static_folder))
