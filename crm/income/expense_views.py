"""Expense pages and the year summary, on the income area's blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session
from crm.forms import refused_filters
from crm.income import expenses, listing
from crm.income.forms import ExpenseForm, MonthForm, NewExpenseForm
from crm.income.models import Expense, ExpenseCategory
from crm.income.trends import chart, shown_streams, stream_totals, trend_months, year_to_date
from crm.income.views import bp, prefill_currency, rate_page_values
from crm.income.year import YEAR_MAX, YEAR_MIN, year_csv, year_summary
from crm.inputs import query_int_or_refuse
from crm.market.current import market
from crm.money import format_rate, to_major
from crm.ownership import get_owned_or_404
from crm.saving import saving


@bp.get("/expenses/")
def expense_list() -> str | tuple[str, int]:
    form = MonthForm(formdata=request.args)
    if not form.validate():
        return refused_filters(form, title="Expenses", what="expenses")
    text = (form.month.data or "").strip()
    month = listing.parse_month(text) if text else None
    page = expenses.expense_page(
        db_session(),
        creator().id,
        month,
        request.args.get("cursor") or None,
        current_app.config["PAGE_SIZE"],
    )
    args = {"month": text} if month else {}
    return render_template("income/expenses.html", form=form, page=page, args=args)


def _expense_data(form: ExpenseForm) -> expenses.ExpenseData:
    return expenses.ExpenseData(
        spent_on=form.spent_on.data,
        amount_cents=form.amount.cents or 0,
        currency=form.currency.data,
        rate_millionths=form.rate.millionths,
        category=ExpenseCategory(form.category.data),
        note=form.note.data or "",
    )


@bp.route("/expenses/new", methods=["GET", "POST"])
def new_expense() -> str | Response:
    form = NewExpenseForm()
    if request.method == "GET":
        form.token.data = new_token()
        form.spent_on.data = creator_today()
        prefill_currency(form, creator().currency)
    return _save_expense(form, None)


@bp.route("/expenses/<int:expense_id>/edit", methods=["GET", "POST"])
def edit_expense(expense_id: int) -> str | Response:
    expense = get_owned_or_404(db_session(), Expense, expense_id, creator().id)
    form = ExpenseForm(obj=expense)
    if request.method == "GET":
        form.amount.data = str(to_major(expense.amount_cents))
        same = expense.currency == expense.reporting_currency
        form.rate.data = "" if same else format_rate(expense.rate_millionths)
        form.category.data = expense.category.value
    return _save_expense(form, expense)


def _save_expense(form: ExpenseForm, expense: Expense | None) -> str | Response:
    if form.validate_on_submit():
        token = form.token.data if isinstance(form, NewExpenseForm) else None
        with saving(form, unshown=(AlreadyCreated,)) as saved:
            expenses.save_expense(
                db_session(), creator(), expense, _expense_data(form), creator_today(), token
            )
        if isinstance(duplicate := saved.refusal, AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("income.edit_expense", expense_id=duplicate.record.id))
        if saved:
            flash("Expense saved.", "success")
            return redirect(url_for("income.expense_list"))
    return render_template(
        "income/expense_form.html",
        form=form,
        expense=expense,
        **rate_page_values(form, creator().currency, {}),
    )


@bp.post("/expenses/<int:expense_id>/delete")
def delete_expense(expense_id: int) -> Response:
    session = db_session()
    expense = get_owned_or_404(session, Expense, expense_id, creator().id)
    with saving():
        expenses.delete_expense(session, expense)
    flash("Expense deleted.", "info")
    return redirect(url_for("income.expense_list"))


def _year() -> int:
    return query_int_or_refuse(
        "year", creator_today().year, low=YEAR_MIN, high=YEAR_MAX, what="year"
    )


@bp.get("/year")
def year() -> str:
    number = _year()
    summary = year_summary(db_session(), creator(), number)
    return render_template(
        "income/year.html",
        summary=summary,
        categories=ExpenseCategory,
        years=(YEAR_MIN, YEAR_MAX),
    )


@bp.get("/year.csv")
def year_export() -> Response:
    number = _year()
    body = year_csv(year_summary(db_session(), creator(), number), market())
    return Response(
        "\ufeff" + body,  # a BOM so that Excel reads the file as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="income-{number}.csv"'},
    )


@bp.get("/trends")
def trends() -> str:
    user, today = creator(), creator_today()
    months = trend_months(db_session(), user, today, market())
    return render_template(
        "income/trends.html",
        months=months,
        chart=chart(months, market(), user.currency),
        streams=shown_streams(months, market()),
        stream_totals=stream_totals(months),
        year_to_date=year_to_date(months, today),
        currency=user.currency,
        today=today,
    )
