"""Brand pages: the list, a brand's page, adding and editing, status, timeline notes."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.brands import detail as brand_detail
from crm.brands import listing, services
from crm.brands.blueprint import bp
from crm.brands.forms import BrandForm, FilterForm, NoteForm, StatusForm
from crm.brands.models import Brand, BrandKind, BrandSource, BrandStatus
from crm.database import db_session
from crm.income import listing as income_listing
from crm.ownership import get_owned_or_404
from crm.saving import saving
from crm.timeline.models import BrandActivity


def cursor_arg(name: str = "cursor") -> str | None:
    """Where the page asked for starts; an old `?page=N` link simply gives the first page."""
    return request.args.get(name) or None


def filters_from(form: FilterForm) -> listing.BrandFilters:
    """The list filters the form holds, leaving out any value that did not validate."""
    form.validate()

    def value(name: str) -> str:
        field = getattr(form, name)
        return "" if field.errors else (field.data or "").strip()

    return listing.BrandFilters(
        q=value("q"),
        status=value("status"),
        category=value("category"),
        source=value("source"),
        tag=value("tag"),
        good_only=bool(form.good.data),
        sort=value("sort") or listing.DEFAULT_SORT,
    )


@bp.get("/")
def index() -> str:
    session, owner_id = db_session(), creator().id
    form = FilterForm(services.tag_names(session, owner_id), formdata=request.args)
    filters = filters_from(form)
    page = listing.list_brands(
        session, owner_id, filters, cursor_arg(), current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "brands/index.html",
        form=form,
        filters=filters,
        page=page,
        has_brands=bool(page.items) or listing.has_brands(session, owner_id),
        by_time=filters.sort not in listing.SORTS_NOT_BY_TIME,
    )


def _brand_data(form: BrandForm) -> services.BrandData:
    return services.BrandData(
        name=form.name.data or "",
        website=form.website.data or "",
        tiktok_handle=form.tiktok_handle.data or "",
        tiktok_followers=form.tiktok_followers.data,
        product_category=form.product_category.data,
        kind=BrandKind(form.kind.data),
        source=BrandSource(form.source.data),
        runs_tiktok_ads=bool(form.runs_tiktok_ads.data),
        status=BrandStatus(form.status.data),
        tags=form.tags.data or "",
        notes=form.notes.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    return _save_brand(BrandForm(), None)


@bp.route("/<int:brand_id>/edit", methods=["GET", "POST"])
def edit(brand_id: int) -> str | Response:
    brand = get_owned_or_404(db_session(), Brand, brand_id, creator().id)
    form = BrandForm(obj=brand)
    if request.method == "GET":
        form.tiktok_handle.data = f"@{brand.tiktok_handle}" if brand.tiktok_handle else ""
        form.tags.data = ", ".join(tag.name for tag in brand.tags)
    return _save_brand(form, brand)


def _save_brand(form: BrandForm, brand: Brand | None) -> str | Response:
    duplicate_id = None
    if form.validate_on_submit():
        with saving(form) as saved:
            stored = services.save_brand(db_session(), creator().id, brand, _brand_data(form))
        if saved:
            flash(f"{stored.name} saved.", "success")
            return redirect(url_for("brands.detail", brand_id=stored.id))
        duplicate_id = getattr(saved.error, "brand_id", None)
    return render_template("brands/form.html", form=form, brand=brand, duplicate_id=duplicate_id)


@bp.get("/<int:brand_id>")
def detail(brand_id: int) -> str:
    session = db_session()
    brand = get_owned_or_404(session, Brand, brand_id, creator().id)
    shown = brand_detail.brand_page(session, brand, cursor_arg(), current_app.config["PAGE_SIZE"])
    return render_template(
        "brands/detail.html",
        page=shown,
        brand=brand,
        income=_income_from(brand),
        note_form=NoteForm(),
        status_form=StatusForm(status=brand.status.value),
    )


def _income_from(brand: Brand) -> income_listing.Totals:
    """The brand page's income box: what the creator earned from `brand`, every month."""
    user = creator()
    return income_listing.brand_totals(
        db_session(), user.id, brand.id, user.currency, creator_today()
    )


@bp.post("/<int:brand_id>/delete")
def delete(brand_id: int) -> Response:
    session = db_session()
    brand = get_owned_or_404(session, Brand, brand_id, creator().id)
    name = brand.name
    with saving() as saved:
        services.delete_brand(session, brand)
    if not saved:
        return redirect(url_for("brands.detail", brand_id=brand_id))
    flash(f"{name} deleted, with its contacts, pitches and timeline.", "info")
    return redirect(url_for("brands.index"))


@bp.post("/<int:brand_id>/status")
def change_status(brand_id: int) -> Response:
    session = db_session()
    brand = get_owned_or_404(session, Brand, brand_id, creator().id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Pick one of the statuses in the list.", "error")
        return redirect(url_for("brands.detail", brand_id=brand.id))
    with saving():
        changed = services.change_status(session, brand, BrandStatus(form.status.data))
    if changed:
        flash(f"{brand.name} is now: {brand.status.label}.", "success")
    else:
        flash(f"{brand.name} already is: {brand.status.label}.", "info")
    return redirect(url_for("brands.detail", brand_id=brand.id))


@bp.post("/<int:brand_id>/notes")
def add_note(brand_id: int) -> str | Response:
    session = db_session()
    brand = get_owned_or_404(session, Brand, brand_id, creator().id)
    form = NoteForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.add_note(session, brand, form.text.data or "")
        if saved:
            flash("Note added to the timeline.", "success")
            return redirect(url_for("brands.detail", brand_id=brand.id) + "#timeline")
    shown = brand_detail.brand_page(session, brand, None, current_app.config["PAGE_SIZE"])
    status_form = StatusForm(formdata=None, status=brand.status.value)
    return render_template(
        "brands/detail.html",
        page=shown,
        brand=brand,
        income=_income_from(brand),
        note_form=form,
        status_form=status_form,
    )


@bp.post("/notes/<int:note_id>/delete")
def delete_note(note_id: int) -> Response:
    session = db_session()
    note = get_owned_or_404(session, BrandActivity, note_id, creator().id)
    with saving() as saved:
        services.delete_note(session, note)
    if saved:
        flash("Note deleted.", "info")
    return redirect(url_for("brands.detail", brand_id=note.brand_id) + "#timeline")
