"""The media kit's settings (/settings/kit) and the creator's own preview of it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from crm.accounts.login import creator
from crm.accounts.mail import absolute_url
from crm.database import db_session
from crm.deals.invoice_pdf import PDF_MISSING, pdf_available
from crm.kit import services
from crm.kit.forms import KitForm
from crm.kit.models import PRICE_KINDS, MediaKit
from crm.kit.page import kit_page
from crm.kit.views import render_kit
from crm.market.current import market
from crm.money import to_major
from crm.saving import saving

bp = Blueprint("kit_settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every settings page is the creator's own."""


def _choices(form: KitForm, owner_id: int) -> None:
    session = db_session()
    form.video_ids.choices = [
        SelectChoice(video.id, f"{video.title} ({video.views:,} views)")
        for video in services.video_choices(session, owner_id)
    ]
    form.brand_ids.choices = [
        SelectChoice(brand.id, brand.name) for brand in services.brand_choices(session, owner_id)
    ]


def _fill(form: KitForm, kit: MediaKit | None, owner_id: int) -> None:
    session = db_session()
    hidden = services.hidden_blocks(kit) if kit else frozenset()
    form.shown.data = [key for key, _label in services.BLOCKS if key not in hidden]
    if kit is None:
        return
    form.enabled.data, form.slug.data, form.bio.data = kit.enabled, kit.slug or "", kit.bio
    form.videos_by_views.data = "views" if kit.videos_by_views else "picked"
    form.video_ids.data = sorted(services.picked_video_ids(session, owner_id))
    form.brand_ids.data = sorted(services.ticked_brand_ids(session, owner_id))
    for kind in PRICE_KINDS:
        cents = getattr(kit, f"{kind}_cents")
        getattr(form, kind).data = "" if cents is None else f"{to_major(cents):f}"


@bp.route("/kit", methods=["GET", "POST"])
def kit() -> str | Response:
    user = creator()
    found = services.kit_of(db_session(), user.id)
    form = KitForm()
    _choices(form, user.id)
    if request.method == "GET":
        _fill(form, found, user.id)
    elif form.validate_on_submit():
        with saving(form) as saved:
            services.save_settings(db_session(), user.id, form.settings())
        if saved:
            on = form.enabled.data
            flash("Media kit saved: it is on." if on else "Media kit saved: it is off.", "success")
            return redirect(url_for("kit_settings.kit"), 303)
    public_url = (
        absolute_url("kit.page", slug=found.slug)
        if found and found.enabled and found.slug
        else None
    )
    return render_template(
        "kit/settings.html",
        form=form,
        kit=found,
        public_url=public_url,
        pdf_missing=None if pdf_available() else PDF_MISSING,
    )


@bp.get("/kit/preview")
def preview() -> str:
    """The kit as a stranger would see it, for its creator alone (also while it is off)."""
    user = creator()
    session = db_session()
    found = services.kit_of(session, user.id) or MediaKit(
        owner_id=user.id, enabled=False, bio="", hidden_blocks="", videos_by_views=True
    )
    note = (
        "Your kit as a stranger sees it."
        if found.enabled
        else "Only you can see this preview: your kit is off, so its address answers "
        "\u201cPage not found\u201d."
    )
    return render_kit(kit_page(session, found, user, market()), preview=note, on=found.enabled)
