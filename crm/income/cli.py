"""`crm income ...` and `crm report ...`: income for scripts and cron, the pages' figures.

A bad argument, or an entry the service refuses, is one `Error:` line and exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import selectinload

from crm import dates
from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.calculators.cli import RatesGroup
from crm.database import db_session
from crm.errors import FieldError
from crm.income import listing, payloads, services, sums
from crm.income.models import IncomeEntry, IncomeStatus
from crm.income.report import MonthReport, gaps, month_report
from crm.income.year import YEAR_MAX, YEAR_MIN, year_csv, year_summary
from crm.market.current import market
from crm.money import MoneyError, format_money, parse_amount, parse_rate

income_group = RatesGroup("income", help="Income entries.")
report_group = RatesGroup("report", help="Income reports (the month against your tier).")

# Which option a service's field belongs to.
OPTION_FOR = {
    "earned_on": "--date",
    "amount": "--amount",
    "currency": "--currency",
    "rate": "--rate",
    "stream": "--stream",
    "program": "--program",
    "brand": "--brand",
    "note": "--note",
    "status": "--status",
    "due_on": "--due",
    "paid_on": "--paid-on",
    # crm stats add
    "taken_on": "--date",
    "video_views": "--views",
    "period_days": "--period",
}


def find_user(email: str) -> User:
    """The account for --user, or a one-line error."""
    user = accounts.find_user_by_email(db_session(), email)
    if user is None:
        raise click.BadParameter(f"no account has the email {email!r}.", param_hint="'--user'")
    return user


def _amount(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_amount(value)
    except MoneyError as error:
        raise click.BadParameter(str(error)) from None


def _rate(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_rate(value)
    except MoneyError as error:
        raise click.BadParameter(str(error)) from None


def _month(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        return listing.parse_month(value)
    except listing.MonthError as error:
        raise click.BadParameter(str(error)) from None


@contextmanager
def refused_as_usage() -> Iterator[None]:
    """A refused change (a FieldError) becomes a one-line error naming its option."""
    try:
        yield
    except FieldError as error:
        db_session().rollback()
        option = OPTION_FOR.get(error.field or "", f"--{(error.field or '').replace('_', '-')}")
        raise click.BadParameter(error.message, param_hint=f"'{option}'") from None


user_option = click.option("--user", "email", required=True, help="The creator's email.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
day = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


@income_group.command("add")
@user_option
@click.option("--date", "earned_on", type=day, required=True, help="YYYY-MM-DD")
@click.option("--amount", required=True, callback=_amount, help="e.g. 450 or 1,250.50")
@click.option("--stream", required=True, help="affiliate, ugc, brand, live, other, ...")
@click.option("--currency", help="Default: your profile's currency.")
@click.option("--rate", callback=_rate, help="Your currency per unit of --currency, e.g. 1.08.")
@click.option("--status", type=click.Choice([s.value for s in IncomeStatus]), default="expected")
@click.option("--program", default="", help="Affiliate program.")
@click.option("--brand", default="", help="One of your brands, by name.")
@click.option("--note", default="")
@click.option("--due", "due_on", type=day, help="YYYY-MM-DD")
@click.option("--paid-on", "paid_on", type=day, help="YYYY-MM-DD (default: the entry's date)")
@json_option
@with_appcontext
def income_add(email: str, as_json: bool, **options: Any) -> None:
    """Record an income entry."""
    user = find_user(email)
    data = services.EntryData(
        earned_on=_day(options["earned_on"]),  # type: ignore[arg-type]
        amount_cents=options["amount"],
        currency=(options["currency"] or user.currency).upper(),
        rate_millionths=options["rate"],
        stream=options["stream"],
        status=IncomeStatus(options["status"]),
        program=options["program"],
        brand=options["brand"],
        note=options["note"],
        due_on=_day(options["due_on"]),
        paid_on=_day(options["paid_on"]),
    )
    session = db_session()
    with refused_as_usage():
        entry = services.save_entry(
            session, user, None, data, dates.today_in(user.timezone), market()
        )
    session.commit()
    if as_json:
        click.echo(json.dumps(payloads.entry_payload(entry), indent=2))
    else:
        amount = format_money(entry.reporting_cents, entry.reporting_currency)
        click.echo(
            f"Recorded {amount} of {market().stream_label(entry.stream)} on {entry.earned_on}."
        )


@income_group.command("list")
@user_option
@click.option("--month", callback=_month, help="YYYY-MM (default: every month)")
@json_option
@with_appcontext
def income_list(email: str, month: tuple[int, int] | None, as_json: bool) -> None:
    """The creator's entries, oldest first."""
    user = find_user(email)
    session, today = db_session(), dates.today_in(user.timezone)
    filters = listing.IncomeFilters(month=month)
    entries = session.scalars(
        listing.filtered(user.id, filters, today)
        .order_by(IncomeEntry.earned_on, IncomeEntry.id)
        .options(selectinload(IncomeEntry.brand))
    ).all()
    totals = listing.totals(session, user.id, filters, user.currency, today)
    if as_json:
        payload = {
            "month": filters.month_text or None,
            "currency": user.currency,
            "entries": [payloads.entry_payload(entry) for entry in entries],
            "total": payloads.major(totals.earned_cents),
            "paid": payloads.major(totals.paid_cents),
            "outstanding": payloads.major(totals.outstanding_cents),
            "overdue": payloads.major(totals.overdue_cents),
        }
        click.echo(json.dumps(payload, indent=2))
        return
    for entry in entries:
        amount = format_money(entry.reporting_cents, entry.reporting_currency)
        label = market().stream_label(entry.stream)
        click.echo(f"{entry.earned_on}  {amount:>12}  {label:<20} {entry.status.value}")
    click.echo(f"Total: {format_money(totals.earned_cents, user.currency)}")


def report_lines(report: MonthReport) -> list[str]:
    """The month report as text."""
    result, cur = report.benchmark, report.currency
    out = [f"{report.key}: {report.followers:,} followers at the month's end"]
    if result.tier is None:
        out.append(result.message or "")
        own = report.targets
        if own and own.total:
            out.append("Against your own targets:")
            out.extend(f"  {line.sentence(cur)}" for line in [*own.streams, own.total])
    else:
        out[0] += f", tier {result.tier.key}"
        for line in [*result.streams, *([result.total] if result.total else [])]:
            to_low, to_high = gaps(line)
            gap = (
                f"{format_money(to_low, cur)} to the low end"
                if line.verdict == "below"
                else f"{format_money(abs(to_high), cur)} "
                + ("over the high end" if to_high < 0 else "to the high end")
            )
            out.append(f"  {line.sentence(cur)} ({gap})")
    totals = report.totals
    out.append(f"Earned {format_money(totals.earned_cents, cur)}: paid "
               f"{format_money(totals.paid_cents, cur)}, outstanding "
               f"{format_money(totals.outstanding_cents, cur)}, overdue "
               f"{format_money(totals.overdue_cents, cur)}")  # fmt: skip
    out.append(f"Expenses {format_money(report.expenses_cents, cur)}, net "
               f"{format_money(report.net_cents, cur)}")  # fmt: skip
    if report.goal_cents:
        out.append(f"Goal {format_money(report.goal_cents, cur)}: {report.goal_percent}% reached")
    if result.posting_note:
        out.append(result.posting_note)
    out.extend(report.notes)
    return out


@report_group.command("month")
@user_option
@click.option("--month", required=True, callback=_month, help="YYYY-MM")
@json_option
@with_appcontext
def report_month(email: str, month: tuple[int, int], as_json: bool) -> None:
    """One month against the tier benchmark, as the month report page shows it."""
    user = find_user(email)
    report = month_report(db_session(), user, *month, dates.today_in(user.timezone), market())
    if as_json:
        click.echo(json.dumps(payloads.report_payload(report), indent=2))
    else:
        click.echo("\n".join(report_lines(report)))


@income_group.command("rebuild-sums")
@with_appcontext
def rebuild_sums_command() -> None:
    """Recount the kept month sums (the year, trends and totals read them) from the entries."""
    session = db_session()
    wrong = sums.rebuild_sums(session)
    session.commit()
    if wrong:
        click.echo(f"Income month sums recounted: {wrong} of them had drifted and are right again.")
    else:
        click.echo("Income month sums recounted: they were all right.")


@report_group.command("year")
@user_option
@click.option("--year", "number", type=click.IntRange(YEAR_MIN, YEAR_MAX), required=True)
@click.option("--csv", "as_csv", is_flag=True, help="Print the year summary as CSV.")
@json_option
@with_appcontext
def report_year(email: str, number: int, as_csv: bool, as_json: bool) -> None:
    """The year by stream and by month, with expenses and net."""
    user = find_user(email)
    summary = year_summary(db_session(), user, number)
    if as_csv:
        click.echo(year_csv(summary, market()), nl=False)
    elif as_json:
        click.echo(json.dumps(payloads.year_payload(summary), indent=2))
    else:
        cur = summary.currency
        for row in summary.months:
            click.echo(
                f"{number:04d}-{row.month:02d}  income {format_money(row.earned_cents, cur):>12}"
                f"  expenses {format_money(row.expenses_cents, cur):>10}"
                f"  net {format_money(row.net_cents, cur):>12}"
            )
        click.echo(
            f"{number}: income {format_money(summary.earned_cents, cur)}, expenses "
            f"{format_money(summary.expenses_cents, cur)}, "
            f"net {format_money(summary.net_cents, cur)}"
        )
