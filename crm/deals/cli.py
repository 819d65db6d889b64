"""`crm deals ...`: the creator's deals for scripts and cron.

A bad argument is one `Error:` line and exit code 2 (the rates commands' group).
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from crm import dates
from crm.calculators.cli import RatesGroup
from crm.database import db_session, end_read
from crm.deals import retainers
from crm.deals.models import Deal, DealKind
from crm.deals.retainers import RolledMonth
from crm.deals.rights_rows import RightsRow, rows_of
from crm.income.cli import find_user, json_option, user_option
from crm.money import format_money
from crm.ownership import owned
from crm.rates.payloads import major

deals_group = RatesGroup("deals", help="Deals: work won from brands, its money and rights.")


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def rights_payload(row: RightsRow) -> dict[str, Any]:
    """One rights window as JSON: its dates (ISO, null when not started or perpetual)."""
    window = row.window
    return {
        "kind": window.kind.value,
        "days": window.days,
        "perpetual": window.perpetual,
        "start": _day(window.start),
        "end": _day(window.end),
        "status": row.status.value,
        "ending_soon": row.ending_soon,
        "detail": row.detail,
    }


def deal_payload(deal: Deal, rights: list[RightsRow]) -> dict[str, Any]:
    """One deal as JSON: cash and in-kind value apart, amounts in major units and in cents."""
    return {
        "id": deal.id,
        "title": deal.title,
        "brand": deal.brand.name,
        "kind": deal.kind.value,
        "status": deal.status.value,
        "currency": deal.currency,
        "amount": major(deal.amount_cents),
        "amount_cents": deal.amount_cents,
        "gifted_value": major(deal.gifted_value_cents),
        "gifted_value_cents": deal.gifted_value_cents,
        "deposit": major(deal.deposit_cents),
        "deposit_cents": deal.deposit_cents,
        "payment_terms": deal.payment_terms.value,
        "revision_limit": deal.revision_limit,
        "rights": [rights_payload(row) for row in rights],
    }


def _rights_text(row: RightsRow) -> str:
    window = row.window
    if window.perpetual:
        return f"{window.kind.label}: perpetual"
    if window.end is None:
        return f"{window.kind.label}: starts when posted"
    soon = ", ending soon" if row.ending_soon else ""
    return f"{window.kind.label}: {window.start} to {window.end} ({row.status.label}{soon})"


def _line(deal: Deal) -> str:
    if deal.gifted_value_cents and not deal.amount_cents:
        value = f"{format_money(deal.gifted_value_cents, deal.currency)} in kind"
    else:
        value = format_money(deal.amount_cents, deal.currency)
        if deal.kind is DealKind.RETAINER:  # the fee is monthly: "$500" alone reads as the total
            value = f"{value} a month"
    return (
        f"#{deal.id:<5} {deal.status.value:<10} {deal.kind.label:<24} {value:>14}  "
        f"{deal.brand.name}: {deal.title}"
    )


@deals_group.command("list")
@user_option
@json_option
@with_appcontext
def deals_list(email: str, as_json: bool) -> None:
    """The creator's deals, oldest first, with their rights windows."""
    user = find_user(email)
    today = dates.today_in(user.timezone)
    deals = (
        db_session()
        .scalars(owned(Deal, user.id).options(joinedload(Deal.brand)).order_by(Deal.id))
        .all()
    )
    listed = [(deal, rows_of(deal, deal.brand.name, today)) for deal in deals]
    if as_json:
        payload = {"today": today.isoformat(), "deals": [deal_payload(d, r) for d, r in listed]}
        click.echo(json.dumps(payload, indent=2))
        return
    if not listed:
        click.echo("No deals yet.")
    for deal, rights in listed:
        click.echo(_line(deal))
        for row in rights:
            click.echo(f"       {_rights_text(row)}")


def rolled_payload(month: RolledMonth) -> dict[str, Any]:
    """One rolled month for `crm deals roll-retainers --json`."""
    return {
        "owner_id": month.owner_id,
        "deal_id": month.deal_id,
        "deal": month.deal_title,
        "month": f"{month.month:%Y-%m}",
        "deliverables": month.deliverables,
        "invoice": month.invoice_number,
    }


def failed_payload(month: retainers.FailedMonth) -> dict[str, Any]:
    """A month that could not be rolled, and why."""
    return {
        "owner_id": month.owner_id,
        "deal_id": month.deal_id,
        "deal": month.deal_title,
        "month": f"{month.month:%Y-%m}",
        "reason": month.reason,
    }


def _rolled_text(month: RolledMonth) -> str:
    videos = f"{month.deliverables} deliverable{'s' if month.deliverables != 1 else ''}"
    invoice = f"invoice {month.invoice_number}" if month.invoice_number else "no fee to invoice"
    return f"{month.deal_title}: {retainers.month_name(month.month)}, {videos}, {invoice}"


def _summary(result: retainers.RollResult) -> str:
    rolled = len(result.rolled)
    if not rolled and not result.failed:
        return "Nothing new to roll: every retainer month is done already."
    text = f"Rolled {rolled} month{'s' if rolled != 1 else ''}"
    if result.failed:
        text += f"; {len(result.failed)} could not be rolled"
    return text + "."


def roll_at_start() -> list[str]:
    """Roll every creator's due retainer months once as `crm run` or `crm demo` starts (in
    the app context): a laptop install without cron still gets this month's work. The lines
    to print: none when nothing was due, one for each month that could not be rolled.

    A database not upgraded yet (or unreachable) is said, not raised: the server still starts.
    """
    session = db_session()
    try:
        result = retainers.roll_retainers(session)
    except SQLAlchemyError as error:
        session.rollback()
        return [f"Retainers not rolled ({type(error).__name__}); run `crm deals roll-retainers`."]
    # Every rolled month is committed; the reads after the last one end here, so the server
    # this runs before holds no transaction (on SQLite, a lock the first login would wait on).
    end_read(session)
    if not result.rolled and not result.failed:
        return []
    lines = [f"Retainers: {_summary(result)}"]
    lines += [
        f"{failed.deal_title}: {retainers.month_name(failed.month)} not rolled: {failed.reason}"
        for failed in result.failed
    ]
    return lines


@deals_group.command("roll-retainers")
@json_option
@with_appcontext
def roll_retainers(as_json: bool) -> None:
    """Create each retainer month's deliverables and draft invoice, once (safe to run daily).

    Exit code 1 when a month could not be rolled (it says why; the next run tries again).
    """
    result = retainers.roll_retainers(db_session())
    if as_json:
        payload = {
            "rolled": [rolled_payload(m) for m in result.rolled],
            "failed": [failed_payload(f) for f in result.failed],
            "retainers": result.retainers,
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        for month in result.rolled:
            click.echo(_rolled_text(month))
        for failed in result.failed:
            click.echo(
                f"{failed.deal_title}: {retainers.month_name(failed.month)} not rolled: "
                f"{failed.reason}",
                err=True,
            )
        click.echo(_summary(result))
    if result.failed:
        raise SystemExit(1)
