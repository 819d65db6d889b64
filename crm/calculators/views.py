"""The rates calculators page and the creator's add-on policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.add_on_policy import services
from crm.calculators.defaults import CalculatorDefaults, calculator_defaults
from crm.calculators.forms import CalculatorForm, add_on_policy_form, policy_field_name
from crm.database import db_session
from crm.income.report import month_income
from crm.market.current import market
from crm.market.facts import Market
from crm.rates import affiliate, benchmark, quotes, tiers
from crm.rates.addons import AddOnPolicy, apply_add_ons
from crm.rates.errors import RatesError
from crm.saving import saving

bp = Blueprint("rates", __name__, url_prefix="/rates")

T = TypeVar("T")

# The inputs each calculator reads: a bad value in one stops only that calculator.
SECTIONS: dict[str, tuple[str, ...]] = {
    "tier": ("followers", "posts_per_week"),
    "sponsored": ("followers", "niche", "engagement", "sponsored_add_ons"),
    "ugc": ("experience", "videos", "retainer", "portfolio_videos", "engagement", "ugc_add_ons"),
    "affiliate": ("followers", "average_views", "affiliate_videos", "ctr", "conversion",
                  "commission"),
}  # fmt: skip


@dataclass(frozen=True)
class Results:
    standing: tiers.TierStanding | None
    month: benchmark.MonthBenchmark | None
    sponsored: quotes.Quote | None
    # Why there is no sponsored figure when the audience is too small for one.
    sponsored_note: str | None
    ugc: quotes.Quote | None
    affiliate: affiliate.AffiliateEstimate | None
    posting_note: str | None


@bp.before_request
@login_required
def _require_login() -> None:
    """Every rates page is the creator's own."""


def _section(form: CalculatorForm, name: str, compute: Callable[[], T]) -> T | None:
    """Run one calculator unless its inputs are bad; a refusal lands beside its field."""
    if any(form[field].errors for field in SECTIONS[name]):
        return None
    try:
        return compute()
    except RatesError as error:
        field = form._fields.get(error.field or "") or form.followers
        field.errors = [*field.errors, error.message]
        return None


def _month(
    form: CalculatorForm, income: dict[str, int], m: Market
) -> benchmark.MonthBenchmark | None:
    """The creator's real month so far (their income entries) against the tier shown."""
    known = {s.key for s in m.streams}
    amounts = {key: cents for key, cents in income.items() if key in known}
    if not amounts:
        return None  # no income recorded this month: the ranges, not a comparison with zero
    return benchmark.compare_month(form.followers.data, amounts, form.posts_per_week.data, market=m)


def _affiliate(form: CalculatorForm, m: Market) -> affiliate.AffiliateEstimate | None:
    if form.average_views.data is None or form.affiliate_videos.data is None:
        return None
    return affiliate.affiliate_estimate(
        form.average_views.data,
        form.affiliate_videos.data,
        ctr=form.ctr.data,
        conversion=form.conversion.data,
        commission_cents=form.commission.data,
        market=m,
    )


def _sponsored(d: CalculatorForm, policy: AddOnPolicy, m: Market) -> quotes.Quote | str:
    """The quote, or the plain note that the audience is too small for one (not an error)."""
    try:
        quote = quotes.sponsored_quote(d.followers.data, d.niche.data, d.engagement.data, market=m)
    except quotes.NeedsFollowersError as error:
        return error.message
    return apply_add_ons(quote, d.sponsored_add_ons.data or [], policy, market=m)


def _results(d: CalculatorForm, policy: AddOnPolicy, m: Market, income: dict[str, int]) -> Results:
    sponsored = _section(d, "sponsored", lambda: _sponsored(d, policy, m))
    return Results(
        standing=_section(d, "tier", lambda: tiers.standing(d.followers.data, market=m)),
        month=_section(d, "tier", lambda: _month(d, income, m)),
        sponsored=sponsored if isinstance(sponsored, quotes.Quote) else None,
        sponsored_note=sponsored if isinstance(sponsored, str) else None,
        ugc=_section(
            d,
            "ugc",
            lambda: apply_add_ons(
                quotes.ugc_quote(
                    d.experience.data,
                    d.videos.data,
                    retainer=bool(d.retainer.data),
                    portfolio_videos=d.portfolio_videos.data,
                    engagement=d.engagement.data,
                    market=m,
                ),
                d.ugc_add_ons.data or [],
                policy,
                market=m,
            ),
        ),
        affiliate=_section(d, "affiliate", lambda: _affiliate(d, m)),
        posting_note=None
        if d.posts_per_week.errors
        else benchmark.posting_note(d.posts_per_week.data, m),
    )


@bp.get("/")
def calculators() -> str:
    session, user, m = db_session(), creator(), market()
    defaults = calculator_defaults(session, user, m)
    submitted = bool(request.args)
    form = CalculatorForm(formdata=request.args if submitted else None, data=defaults.form_data())
    if submitted:
        form.validate()
    policy = services.add_on_policy(session, user.id, m)
    fees = services.fee_percents(session, user.id, m)
    policy_form = add_on_policy_form(formdata=None, data=_policy_data(policy, fees))
    return _render(form, policy_form, policy, fees, defaults, m)


def _policy_data(policy: AddOnPolicy, fees: dict[str, int]) -> dict[str, Any]:
    percents = {**policy.percents, **{key: percent or None for key, percent in fees.items()}}
    return {policy_field_name(key): percent for key, percent in percents.items()}


def _render(
    form: Any,
    policy_form: Any,
    policy: AddOnPolicy,
    fees: dict[str, int],
    defaults: CalculatorDefaults,
    m: Market,
) -> str:
    user, today = creator(), creator_today()
    income = month_income(db_session(), user, today.year, today.month, today)
    results = _results(form, policy, m, income)
    return render_template(
        "rates/calculators.html",
        form=form,
        policy_form=policy_form,
        policy=policy,
        fees=fees,
        defaults=defaults,
        results=results,
        broken={name for name, fields in SECTIONS.items() if any(form[f].errors for f in fields)},
        market=m,
        programs=affiliate.programs_for(form.followers.data or 0, market=m)
        if not form.followers.errors
        else [],
        formula=affiliate.FORMULA,
        this_month=f"{today.year:04d}-{today.month:02d}",
        currency=user.currency,
    )


@bp.post("/add-ons")
def save_add_ons() -> str | Response:
    session, user, m = db_session(), creator(), market()
    policy_form = add_on_policy_form()
    if policy_form.validate_on_submit():
        percents = {a.key: policy_form[policy_field_name(a.key)].data for a in m.add_ons}
        # A fee left empty is 0: not set.
        percents |= {f.key: policy_form[policy_field_name(f.key)].data or 0 for f in m.fees}
        with saving(show=False) as saved:
            services.save_add_on_policy(session, user.id, percents, m)
        if saved.error is not None:
            field = policy_form._fields.get(policy_field_name(saved.error.field or ""))
            if field is not None:
                field.errors = [*field.errors, saved.error.message]
        else:
            flash("Add-on policy saved: quotes with add-ons use your percentages.", "success")
            return redirect(url_for("rates.calculators") + "#add-ons")
    defaults = calculator_defaults(session, user, m)
    form = CalculatorForm(formdata=None, data=defaults.form_data())
    policy = services.add_on_policy(session, user.id, m)
    fees = services.fee_percents(session, user.id, m)
    return _render(form, policy_form, policy, fees, defaults, m)


@bp.post("/add-ons/reset")
def reset_add_ons() -> Response:
    session = db_session()
    with saving():
        services.reset_add_on_policy(session, creator().id)
    flash("Add-on policy back to the starting values.", "info")
    return redirect(url_for("rates.calculators") + "#add-ons")
