"""The creator's own targets per stream, on the income area's blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.database import db_session
from crm.income.forms import targets_form
from crm.income.targets import field_name, save_targets, targets_for
from crm.income.views import bp
from crm.market.current import market
from crm.money import to_major
from crm.saving import saving


@bp.route("/targets", methods=["GET", "POST"])
def targets() -> str | Response:
    session, user = db_session(), creator()
    form = targets_form()
    if request.method == "GET":
        for key, cents in targets_for(session, user.id).items():
            field = getattr(form, field_name(key), None)
            if field is not None:  # a stream the seed no longer lists has no field
                field.data = str(to_major(cents))
    elif form.validate_on_submit():
        with saving(form) as saved:
            save_targets(session, user.id, form.amounts(), market())
        if saved:
            flash("Targets saved.", "success")
            return redirect(url_for("income.targets"))
    return render_template(
        "income/targets.html",
        form=form,
        fields=[getattr(form, field_name(s.key)) for s in market().streams],
        currency=user.currency,
    )
