"""The creator's own targets per stream, on the income area's blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.database import db_session
from crm.income.forms import targets_form
from crm.income.targets import field_name, save_targets, saved_targets
from crm.income.views import bp
from crm.market.current import market
from crm.money import to_major
from crm.saving import saving


@bp.route("/targets", methods=["GET", "POST"])
def targets() -> str | Response:
    session, user = db_session(), creator()
    form = targets_form()
    saved_before = saved_targets(session, user.id)
    if request.method == "GET":
        for key, (cents, currency) in saved_before.items():
            field = getattr(form, field_name(key), None)
            # A stream the seed no longer lists has no field; one set in another currency
            # is listed to set again, not shown as if it were in this one.
            if field is not None and currency == user.currency:
                field.data = str(to_major(cents))
    elif form.validate_on_submit():
        with saving(form) as saved:
            save_targets(session, user.id, user.currency, form.amounts(), market())
        if saved:
            flash("Targets saved.", "success")
            return redirect(url_for("income.targets"))
    return render_template(
        "income/targets.html",
        form=form,
        fields=[getattr(form, field_name(s.key)) for s in market().streams],
        currency=user.currency,
        elsewhere=[
            (market().stream_label(key), cents, currency)
            for key, (cents, currency) in saved_before.items()
            if currency != user.currency
        ],
    )
