"""The creator's own email templates: list, edit with a live check and preview, reset."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.database import db_session, end_read
from crm.emails import custom, wording
from crm.emails.blueprint import bp
from crm.emails.forms import TemplateForm
from crm.emails.generator import render_source
from crm.emails.kinds import EmailKind, TemplateSource, default_template
from crm.emails.liquid_filters import OUTPUT_MAX
from crm.emails.sandbox import LOOP_LIMIT, TemplateProblem
from crm.market.current import market
from crm.saving import saving


def _kind(value: str) -> EmailKind:
    try:
        return EmailKind(value)
    except ValueError:
        abort(404)


@bp.get("/templates")
def templates() -> str:
    session, owner_id = db_session(), creator().id
    return render_template(
        "emails/pages/templates.html",
        kinds=list(EmailKind),
        own=custom.customised_kinds(session, owner_id),
        old=custom.old_syntax_kinds(session, owner_id),
    )


def _preview(source: TemplateSource, kind: EmailKind) -> tuple[str, str] | None:
    facts = custom.sample_facts(db_session(), creator(), kind)
    end_read(db_session())
    try:
        return render_source(source, facts, kind, market())
    except TemplateProblem:
        return None


def _show_problem(form: TemplateForm, problem: TemplateProblem) -> None:
    field = form.subject if problem.part == "subject" else form.body
    field.errors = [*field.errors, str(problem)]


@bp.route("/templates/<kind>", methods=["GET", "POST"])
def edit_template(kind: str) -> str | Response:
    """Edit one template; 'Preview' renders it, 'Save' checks it first and keeps it."""
    email_kind = _kind(kind)
    session, user = db_session(), creator()
    saved = custom.saved_template(session, user.id, email_kind)
    form = TemplateForm()
    if request.method == "GET":
        current = saved or default_template(email_kind)
        form.subject.data, form.body.data = current.subject, current.body
    shown = TemplateSource(form.subject.data or "", form.body.data or "")
    if request.method == "POST" and form.validate_on_submit():
        facts = custom.sample_facts(session, user, email_kind)
        end_read(session)
        # Preview changes nothing, so its (empty) commit is harmless; a problem shows by its part.
        with saving(refusals=(TemplateProblem,), show=False) as outcome:
            if request.form.get("action") == "save":
                custom.save_template(session, user.id, email_kind, shown, facts, market())
            else:
                custom.check_template(shown, email_kind, facts, market())
        if isinstance(problem := outcome.refusal, TemplateProblem):
            _show_problem(form, problem)
        elif outcome and request.form.get("action") == "save":
            flash(f"Your {email_kind.label.lower()} template is saved.", "success")
            return redirect(url_for("emails.edit_template", kind=email_kind.value))
    return render_template(
        "emails/pages/template_form.html",
        form=form,
        kind=email_kind,
        saved=saved is not None,
        old_syntax=saved is not None and saved.old_syntax,
        preview=None if form.errors else _preview(shown, email_kind),
        variables=wording.VARIABLES,
        limits={"loops": f"{LOOP_LIMIT:,}", "output": f"{OUTPUT_MAX:,}"},
        sample_brand=custom.SAMPLE_BRAND,
    )


@bp.post("/templates/<kind>/reset")
def reset_template(kind: str) -> Response:
    email_kind = _kind(kind)
    session = db_session()
    with saving():
        custom.reset_template(session, creator().id, email_kind)
    flash(f"The {email_kind.label.lower()} template is back to the built-in one.", "info")
    return redirect(url_for("emails.edit_template", kind=email_kind.value))
