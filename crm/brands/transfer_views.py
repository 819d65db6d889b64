"""CSV import and export of brands with their contacts."""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from crm.accounts.login import creator
from crm.brands import services
from crm.brands.blueprint import bp
from crm.brands.csvfile import COLUMNS, export_csv, template_csv
from crm.brands.forms import FilterForm, ImportForm
from crm.brands.import_writing import ImportResult, apply_import
from crm.brands.importing import ImportRejected, read_rows
from crm.brands.merging import plan_import
from crm.brands.views import filters_from
from crm.database import db_session, read_session, utcnow
from crm.downloads import csv_download, read_while_sent
from crm.saving import before_slow_work, saving


@bp.route("/import", methods=["GET", "POST"])
def import_csv() -> str | BaseResponse:
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        session, owner_id = db_session(), creator().id
        # End the login check's write transaction: parsing, checking and matching 5,000
        # rows take seconds and must not hold the write lock; only the writing does.
        before_slow_work(session)
        with saving(refusals=(ImportRejected,), show=False) as saved:
            rows = read_rows(form.file.data.read())
            with read_session() as reader:
                plan = plan_import(reader, owner_id, rows)
            result = apply_import(session, plan, utcnow())
        if saved:
            flash(_summary(result), "success")
            return redirect(url_for("brands.index"))
        if isinstance(saved.refusal, ImportRejected):
            problems = saved.refusal.problems
    return render_template("brands/import.html", form=form, problems=problems, columns=COLUMNS)


def _summary(result: ImportResult) -> str:
    parts = [
        f"{result.created} new brand{'s' if result.created != 1 else ''}",
        f"{result.updated} updated",
        f"{result.unchanged} unchanged",
        f"{result.contacts_added} new contact{'s' if result.contacts_added != 1 else ''}",
    ]
    return "Import done: " + ", ".join(parts) + "."


@bp.get("/import-template.csv")
def import_template() -> Response:
    return csv_download(template_csv(), "brands-import-template.csv")


@bp.get("/export.csv")
def export() -> Response:
    session, owner_id = db_session(), creator().id
    form = FilterForm(services.tag_names(session, owner_id), formdata=request.args)
    filters = filters_from(form)
    body = read_while_sent(lambda reader: export_csv(reader, owner_id, filters))
    return csv_download(body, f"brands-{utcnow().date().isoformat()}.csv")
