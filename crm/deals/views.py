"""Deal pages: the list, new and edit (with the add-on prices), one deal, a won pitch's deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.add_on_policy.services import add_on_policy
from crm.brands.models import Brand
from crm.brands.picker import Picker, pick_brand_page
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session
from crm.deals import invoices, listing, pricing, retainers, services
from crm.deals.blueprint import bp
from crm.deals.conflicts import Conflict, exclusivity_conflicts
from crm.deals.forms import DealForm, DealFromPitchForm, FilterForm, NewDealForm
from crm.deals.models import WINDOW_DAYS_MAX, Deal, DealKind, DealStatus
from crm.deals.rights import windows
from crm.forms import refused_filters
from crm.inputs import query_int
from crm.market.current import market
from crm.money import MAX_CENTS, MoneyError, to_major
from crm.ownership import get_owned_or_404
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from crm.saving import saving


@dataclass(frozen=True)
class _Rights:
    """The rights a form asks for, as crm.deals.rights reads them (unreadable days: none)."""

    usage_days: int | None
    usage_perpetual: bool
    usage_start: date | None
    whitelisting_days: int | None
    whitelisting_start: date | None
    exclusivity_days: int | None
    exclusivity_start: date | None


def _days(value: Any) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= WINDOW_DAYS_MAX else None


def _prices(form: DealForm) -> pricing.AddOnPrices | None:
    """What the add-on policy adds to the form's amount for its rights; None without an amount."""
    try:
        cents = form.amount.cents
    except MoneyError:
        return None
    if not cents or cents > MAX_CENTS:  # over a million is refused beside the field
        return None
    chosen = _Rights(
        usage_days=None if form.usage_perpetual.data else _days(form.usage_days.data),
        usage_perpetual=bool(form.usage_perpetual.data),
        usage_start=None,
        whitelisting_days=_days(form.whitelisting_days.data),
        whitelisting_start=None,
        exclusivity_days=_days(form.exclusivity_days.data),
        exclusivity_start=None,
    )
    policy = add_on_policy(db_session(), creator().id, market())
    return pricing.add_on_prices(cents, chosen, policy.percents)


@bp.app_template_global("pitch_deal")
def pitch_deal(pitch: Pitch) -> Deal | None:
    """The deal made from `pitch`, for the pitch page (None: none yet)."""
    return services.deal_for_pitch(db_session(), pitch.owner_id, pitch.id)


def _filters(form: FilterForm) -> listing.DealFilters:
    status, kind = form.status.data or "", form.kind.data or ""
    return listing.DealFilters(
        status=DealStatus(status) if status else None, kind=DealKind(kind) if kind else None
    )


@bp.get("/")
def index() -> str | tuple[str, int]:
    session, owner_id = db_session(), creator().id
    form = FilterForm(formdata=request.args)
    if not form.validate():
        return refused_filters(form, title="Deals", what="deals")
    filters = _filters(form)
    page = listing.list_deals(
        session,
        owner_id,
        filters,
        request.args.get("cursor") or None,
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "deals/index.html",
        form=form,
        filters=filters,
        page=page,
        due=listing.next_due(session, owner_id, [deal.id for deal in page.items]),
        totals=listing.active_totals(session, owner_id, filters.kind),
        today=creator_today(),
    )


PICK_BRAND = Picker(
    title="New deal",
    area="Deals",
    index_endpoint="deals.index",
    new_endpoint="deals.new",
    brand_arg="brand",
    heading="Which brand is the deal with?",
    lead="Pick the brand first: the deal form then offers its contacts.",
    no_brands="the deal is with first.",
)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    session, user = db_session(), creator()
    brand_id = query_int("brand")
    if brand_id is None:
        return pick_brand_page(session, user.id, PICK_BRAND)
    brand = get_owned_or_404(session, Brand, brand_id, user.id)
    form = NewDealForm()
    if request.method == "GET":
        form.token.data = new_token()
        form.currency.data = user.currency
        form.revision_limit.data = 2
        primary = next((c for c in brand.contacts if c.is_primary), None)
        form.contact_id.data = str(primary.id) if primary else ""
    return _form_page(form, brand, None)


@bp.route("/<int:deal_id>/edit", methods=["GET", "POST"])
def edit(deal_id: int) -> str | Response:
    deal = get_owned_or_404(db_session(), Deal, deal_id, creator().id)
    form = DealForm(obj=deal)
    if request.method == "GET":
        _fill(form, deal)
    return _form_page(form, deal.brand, deal)


def _fill(form: DealForm, deal: Deal) -> None:
    def major(cents: int) -> str:
        return str(to_major(cents)) if cents else ""

    form.kind.data, form.status.data = deal.kind.value, deal.status.value
    form.payment_terms.data = deal.payment_terms.value
    form.contact_id.data = str(deal.contact_id) if deal.contact_id else ""
    form.amount.data = major(deal.amount_cents)
    form.deposit.data = major(deal.deposit_cents)
    form.gifted_value.data = major(deal.gifted_value_cents)
    form.start_month.data = deal.start_month.strftime("%Y-%m") if deal.start_month else ""


def _form_page(form: DealForm, brand: Brand, deal: Deal | None) -> str | Response:
    session, user, today = db_session(), creator(), creator_today()
    form.set_contacts(brand.contacts)
    form.set_categories(market().category_choices(), deal.exclusivity_category if deal else "")
    conflicts: list[Conflict] = []
    if deal is None:
        conflicts = exclusivity_conflicts(
            session, user.id, brand.product_category, today, exclude_brand_id=brand.id
        )
    recalculate = request.method == "POST" and "recalculate" in request.form
    if form.validate_on_submit() and not recalculate:
        confirmed = isinstance(form, NewDealForm) and form.save_anyway.data
        if conflicts and not confirmed:
            form.save_anyway.errors = ["Tick this to save the deal despite the exclusivity."]
        else:
            saved_deal = _save(form, brand, deal)
            if saved_deal is not None:
                return redirect(url_for("deals.detail", deal_id=saved_deal.id))
    return render_template(
        "deals/form.html",
        form=form,
        brand=brand,
        deal=deal,
        conflicts=conflicts,
        prices=_prices(form),
        category_label=market().category_label,
    )


def _save(form: DealForm, brand: Brand, deal: Deal | None) -> Deal | None:
    """Save the form; the deal saved (or made by the first submit), None when refused."""
    session, user = db_session(), creator()
    token = form.token.data if isinstance(form, NewDealForm) else None
    data = form.deal_data(brand.id, deal.pitch_id if deal else None)
    with saving(form, unshown=(AlreadyCreated,)) as saved:
        result = services.save_deal(session, user, deal, data, creator_today(), token=token)
    if isinstance(duplicate := saved.refusal, AlreadyCreated):
        flash(duplicate.message, "info")
        return duplicate.record  # type: ignore[return-value]
    if not saved:
        return None
    flash("Deal saved.", "success")
    _roll_retainer(result)
    return result


def _roll_retainer(deal: Deal) -> None:
    """A saved retainer gets its due months now (deliverables and invoice), not at the next
    cron run; a month that can't be rolled is said (the cron job tries it again)."""
    rolled = retainers.roll_saved_deal(db_session(), creator(), deal, creator_today())
    for failed in rolled.failed:
        month = retainers.month_name(failed.month)
        flash(f"{month} of the retainer could not be set up: {failed.reason}", "error")


@bp.get("/<int:deal_id>")
def detail(deal_id: int) -> str:
    session, user = db_session(), creator()
    deal = get_owned_or_404(session, Deal, deal_id, user.id)
    policy = add_on_policy(session, user.id, market())
    prices = None
    if deal.amount_cents:
        prices = pricing.add_on_prices(deal.amount_cents, deal, policy.percents)
    return render_template(
        "deals/detail.html",
        deal=deal,
        windows=windows(deal),
        prices=prices,
        today=creator_today(),
        category_label=market().category_label,
        can_add_deliverable="deals.new_deliverable" in current_app.view_functions,
        invoices=invoices.deal_invoices(session, user.id, deal.id),
    )


@bp.post("/<int:deal_id>/delete")
def delete(deal_id: int) -> Response:
    session = db_session()
    deal = get_owned_or_404(session, Deal, deal_id, creator().id)
    brand_id = deal.brand_id
    with saving() as saved:
        services.delete_deal(session, deal)
    if not saved:
        return redirect(url_for("deals.detail", deal_id=deal_id))
    flash("Deal deleted, with its deliverables.", "info")
    return redirect(url_for("brands.detail", brand_id=brand_id))


@bp.route("/from-pitch/<int:pitch_id>", methods=["GET", "POST"])
def from_pitch(pitch_id: int) -> str | Response:
    session, user = db_session(), creator()
    pitch = get_owned_or_404(session, Pitch, pitch_id, user.id)
    existing = services.deal_for_pitch(session, user.id, pitch.id)
    if existing is not None:
        return redirect(url_for("deals.detail", deal_id=existing.id))
    not_won = redirect(url_for("pitches.detail", pitch_id=pitch.id))
    if request.method == "GET" and pitch.status is not PitchStatus.WON:
        flash("Only a won pitch becomes a deal: mark it won first.", "info")
        return not_won
    form = DealFromPitchForm()
    retainer = pitch.kind is PitchKind.RETAINER
    if request.method == "GET" and pitch.quoted_cents is not None:
        form.amount.data = str(to_major(pitch.quoted_cents))
    elif form.validate_on_submit():
        videos = form.videos_per_month.data if retainer else None
        with saving(form) as saved:
            deal = services.deal_from_pitch(
                session, user, pitch, form.amount.cents, creator_today(), videos_per_month=videos
            )
        if saved:
            flash("Deal created from the won pitch.", "success")
            _roll_retainer(deal)
            return redirect(url_for("deals.detail", deal_id=deal.id))
        if saved.error is not None and saved.error.field == "pitch_id":
            return not_won  # not won (any more): the refusal is flashed
    return render_template("deals/from_pitch.html", form=form, pitch=pitch, retainer=retainer)
