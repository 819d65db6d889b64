"""Income pages: the list with its totals, entering and editing, the CSV export."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session
from crm.downloads import csv_download, read_while_sent
from crm.forms import refused_filters
from crm.income import listing, live, services
from crm.income.forms import EntryForm, ExpenseForm, FilterForm, GoalForm, MonthForm, NewEntryForm
from crm.income.models import IncomeEntry, IncomeStatus, LiveSession
from crm.income.report import gaps, month_report
from crm.inputs import RefusedQuery, query_int
from crm.market.current import market
from crm.money import CURRENCIES, format_rate, to_major
from crm.ownership import get_owned_or_404
from crm.saving import saving

bp = Blueprint("income", __name__, url_prefix="/income")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every income page is the creator's own."""


def filters_from(
    form: FilterForm, today: date, *, strict: bool = False
) -> tuple[listing.IncomeFilters, str | None]:
    """The filters the query string holds, and the name of the brand asked for (if any);
    no month means this month, 'all' every month.

    A brand that is given but not one of the creator's is refused (a 400 page saying so):
    an empty list would read as "nothing earned from it". A month, stream or status that
    doesn't read is left out, its error on the form for the page to show; `strict` refuses
    it with a 400 instead (a download has no form to show it beside).
    """
    form.validate()
    if strict and form.errors:
        name, errors = next(iter(form.errors.items()))
        raise RefusedQuery(f"{getattr(form, name).label.text}: {errors[0]}")

    def value(name: str) -> str:
        field = getattr(form, name)
        return "" if field.errors else (field.data or "").strip()

    month_text = value("month")
    if month_text == "all":
        month = None
    elif month_text:
        month = listing.parse_month(month_text)
    else:
        month = (today.year, today.month)
    brand_id, name = _brand_asked()
    filters = listing.IncomeFilters(
        month=month, stream=value("stream"), status=value("status"), brand_id=brand_id
    )
    return filters, name


def _brand_asked() -> tuple[int | None, str | None]:
    if not request.args.get("brand", "").strip():
        return None, None
    brand_id = query_int("brand")
    name = listing.brand_name(db_session(), creator().id, brand_id)
    if name is None:
        raise RefusedQuery("That brand is not one of yours: pick one from the Brand list.")
    return brand_id, name


@bp.get("/")
def index() -> str | tuple[str, int]:
    session, user, today = db_session(), creator(), creator_today()
    form = FilterForm(formdata=request.args)
    filters, name = filters_from(form, today)
    if not form.month.data and not form.month.errors:
        form.month.data = filters.month_text
    picked = (filters.brand_id, name) if filters.brand_id is not None and name else None
    form.set_brands(listing.brands_earned_from(session, user.id), picked)
    if form.errors:
        return refused_filters(form, title="Income", what="income")
    page = listing.list_page(
        session,
        user.id,
        filters,
        today,
        request.args.get("cursor") or None,
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "income/index.html",
        form=form,
        filters=filters,
        page=page,
        totals=listing.totals(session, user.id, filters, user.currency, today),
        brand_name=name,
        today=today,
        currency=user.currency,
    )


@bp.get("/export.csv")
def export() -> Response:
    user, today = creator(), creator_today()
    form = FilterForm(formdata=request.args)
    # A file of another month than the one asked for would mislead.
    filters, _ = filters_from(form, today, strict=True)
    owner_id, m = user.id, market()
    body = read_while_sent(lambda reader: listing.export_csv(reader, owner_id, filters, today, m))
    return csv_download(body, f"income-{filters.month_text or 'all'}.csv")


def entry_data(form: EntryForm) -> services.EntryData:
    """The form's values for the service (which checks them all again)."""
    return services.EntryData(
        earned_on=form.earned_on.data,
        amount_cents=form.amount.cents or 0,
        currency=form.currency.data,
        rate_millionths=form.rate.millionths,
        stream=form.stream.data,
        status=IncomeStatus(form.status.data),
        program=form.program.data or "",
        brand=form.brand.data or "",
        note=form.note.data or "",
        due_on=form.due_on.data,
        paid_on=form.paid_on.data,
    )


def _last_rates(reporting: str) -> dict[str, int]:
    """The creator's last rate per currency, read once a request (prefill and list share it)."""
    if "last_rates" not in g:
        g.last_rates = services.last_rates(db_session(), creator().id, reporting)
    return g.last_rates


def prefill_currency(form: EntryForm | ExpenseForm, reporting: str) -> None:
    """A new form in the currency the link asks for (?currency=EUR), at the creator's last
    rate for it; the reporting currency, or one the app does not know, starts plain."""
    asked = request.args.get("currency", "").strip().upper()
    form.currency.data = asked if asked in CURRENCIES else reporting
    if form.currency.data != reporting:
        rates = _last_rates(reporting)
        if form.currency.data in rates:
            form.rate.data = format_rate(rates[form.currency.data])


def rate_page_values(
    form: EntryForm | ExpenseForm, reporting: str, carry: dict[str, str]
) -> dict[str, Any]:
    """The last rates the form page lists, each with a link that starts the form at it;
    a rate refused as missing is filled with the last one, for the creator to confirm."""
    rates = _last_rates(reporting)
    if form.rate.errors and not form.rate.data and form.currency.data in rates:
        form.rate.data = format_rate(rates[form.currency.data])
    return {
        "currency": reporting,
        "rates": {code: format_rate(rate) for code, rate in rates.items()},
        "rate_carry": carry,
    }


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    form = NewEntryForm()
    if request.method == "GET":
        user = creator()
        form.token.data = new_token()
        form.earned_on.data = creator_today()
        prefill_currency(form, user.currency)
        brand = listing.brand_name(db_session(), user.id, query_int("brand_id"))
        form.brand.data = brand or ""
        stream = request.args.get("stream", "")
        if stream in {s.key for s in market().streams}:
            form.stream.data = stream
    return _save(form, None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int) -> str | Response:
    entry = get_owned_or_404(db_session(), IncomeEntry, entry_id, creator().id)
    fed_by = live.feeding(db_session(), entry)
    if fed_by is not None:
        return _edit_the_live(fed_by)
    form = EntryForm(obj=entry)
    if request.method == "GET":
        form.amount.data = str(to_major(entry.amount_cents))
        form.rate.data = (
            "" if entry.currency == entry.reporting_currency else format_rate(entry.rate_millionths)
        )
        form.brand.data = entry.brand.name if entry.brand else ""
        form.status.data = entry.status.value
    return _save(form, entry)


def _save(form: EntryForm, entry: IncomeEntry | None) -> str | Response:
    session, user = db_session(), creator()
    if form.validate_on_submit():
        token = form.token.data if isinstance(form, NewEntryForm) else None
        with saving(form, unshown=(AlreadyCreated,)) as saved:
            services.save_entry(
                session, user, entry, entry_data(form), creator_today(), market(), token=token
            )
        if isinstance(duplicate := saved.refusal, AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("income.edit", entry_id=duplicate.record.id))
        if saved:
            flash("Income saved.", "success")
            return redirect(url_for("income.index", month=form.earned_on.data.strftime("%Y-%m")))
    # A new entry's "use this rate" links keep the stream and brand it was opened with.
    carry = {k: request.args[k] for k in ("stream", "brand_id") if request.args.get(k)}
    programs = [p.name for p in market().affiliate.programs]
    own = [p for p in services.programs_used(session, user.id) if p not in programs]
    return render_template(
        "income/entry_form.html",
        form=form,
        entry=entry,
        programs=programs + own,
        **rate_page_values(form, user.currency, carry),
    )


@bp.post("/<int:entry_id>/delete")
def delete(entry_id: int) -> Response:
    session = db_session()
    entry = get_owned_or_404(session, IncomeEntry, entry_id, creator().id)
    fed_by = live.feeding(session, entry)
    if fed_by is not None:
        return _edit_the_live(fed_by)
    month = entry.earned_on.strftime("%Y-%m")
    with saving():
        services.delete_entry(session, entry)
    flash("Income entry deleted.", "info")
    return redirect(url_for("income.index", month=month))


def _edit_the_live(fed_by: LiveSession) -> Response:
    # Its amount, date and note follow the LIVE: changed here, the next edit of the LIVE
    # would put them back.
    flash("This entry records a LIVE's gifts: change or delete the LIVE instead.", "info")
    return redirect(url_for("income.edit_live", live_id=fed_by.id))


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@bp.get("/month")
def month() -> str | tuple[str, int]:
    form = MonthForm(formdata=request.args)
    if not form.validate():
        return refused_filters(form, title="Month report", what="the month")
    text = (form.month.data or "").strip()
    today = creator_today()
    year, number = listing.parse_month(text) if text else (today.year, today.month)
    form.month.data = f"{year:04d}-{number:02d}"
    goal_form = GoalForm()
    goal_cents = creator().income_goal_cents
    if goal_cents:
        goal_form.goal.data = str(to_major(goal_cents))
    return _month_page(form, goal_form, year, number)


def _month_page(form: MonthForm, goal_form: GoalForm, year: int, number: int) -> str:
    report = month_report(db_session(), creator(), year, number, creator_today(), market())
    return render_template(
        "income/month.html",
        form=form,
        goal_form=goal_form,
        report=report,
        gaps=gaps,
        previous=_shift(year, number, -1),
        following=_shift(year, number, 1),
    )


@bp.post("/goal")
def goal() -> str | Response:
    form = GoalForm()
    back = request.form.get("month", "")
    today = creator_today()
    year, number = (
        listing.parse_month(back) if listing.is_month(back) else (today.year, today.month)
    )
    if form.validate_on_submit():
        with saving(form) as saved:
            services.set_goal(db_session(), creator(), form.goal.cents)
        if saved:
            flash("Goal saved." if form.goal.cents else "Goal cleared.", "success")
            return redirect(url_for("income.month", month=_shift(year, number, 0)))
    return _month_page(MonthForm(formdata=None), form, year, number)
