"""LIVE session pages, on the income area's blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session
from crm.income import live
from crm.income.forms import DiamondValueForm, LiveForm, NewLiveForm
from crm.income.models import LiveFormat, LiveSession
from crm.income.views import bp
from crm.market.current import market
from crm.money import format_rate
from crm.ownership import get_owned_or_404
from crm.saving import saving
from crm.stats.followers import current_followers


def _page(value_form: DiamondValueForm) -> str:
    session, user = db_session(), creator()
    page = live.session_page(
        session, user.id, request.args.get("cursor") or None, current_app.config["PAGE_SIZE"]
    )
    threshold = live.live_threshold(market())
    return render_template(
        "income/live.html",
        page=page,
        formats=live.format_earnings(session, user.id),
        value_form=value_form,
        value=user.diamond_value_micros,
        followers=current_followers(session, user),
        threshold=threshold,
        currency=user.currency,
    )


@bp.get("/live/")
def live_list() -> str:
    form = DiamondValueForm()
    value = creator().diamond_value_micros
    form.value.data = format_rate(value) if value else ""
    return _page(form)


@bp.post("/live/value")
def live_value() -> str | Response:
    form = DiamondValueForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            fed = live.set_diamond_value(
                db_session(), creator(), form.value.millionths, creator_today(), market()
            )
        if saved:
            plural = "s" if fed != 1 else ""
            added = f" {fed} earlier LIVE{plural} now in your income." if fed else ""
            flash(f"Your diamond value is saved; new and edited LIVEs use it.{added}", "success")
            return redirect(url_for("income.live_list"))
    return _page(form)


@bp.route("/live/new", methods=["GET", "POST"])
def new_live() -> str | Response:
    form = NewLiveForm()
    if request.method == "GET":
        form.token.data = new_token()
        form.held_on.data = creator_today()
    return _save(form, None)


@bp.route("/live/<int:live_id>/edit", methods=["GET", "POST"])
def edit_live(live_id: int) -> str | Response:
    found = get_owned_or_404(db_session(), LiveSession, live_id, creator().id)
    form = LiveForm(obj=found)
    if request.method == "GET":
        form.format.data = found.format.value
    return _save(form, found)


def _save(form: LiveForm, found: LiveSession | None) -> str | Response:
    if form.validate_on_submit():
        data = live.SessionData(
            held_on=form.held_on.data,
            format=LiveFormat(form.format.data),
            duration_minutes=form.duration_minutes.data,
            diamonds=form.diamonds.data,
        )
        token = form.token.data if isinstance(form, NewLiveForm) else None
        with saving(form, unshown=(AlreadyCreated,)) as saved:
            kept = live.save_session(
                db_session(), creator(), found, data, creator_today(), market(), token=token
            )
        if isinstance(duplicate := saved.refusal, AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("income.edit_live", live_id=duplicate.record.id))
        if saved:
            flash(
                "LIVE saved; its gifts are in your income for the month."
                if kept.entry is not None
                else "LIVE saved. Set what a diamond is worth to you to count its gifts as income.",
                "success",
            )
            return redirect(url_for("income.live_list"))
    return render_template("income/live_form.html", form=form, live=found)


@bp.post("/live/<int:live_id>/delete")
def delete_live(live_id: int) -> Response:
    session = db_session()
    found = get_owned_or_404(session, LiveSession, live_id, creator().id)
    with saving():
        live.delete_session(session, found)
    flash("LIVE deleted, with its income entry.", "info")
    return redirect(url_for("income.live_list"))
