"""`crm invoices ...`: invoices for scripts and cron (the overdue ones to chase).

A bad argument is one `Error:` line and exit code 2, as for `crm income`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
from flask.cli import with_appcontext

from crm import dates
from crm.calculators.cli import RatesGroup
from crm.database import db_session
from crm.deals import invoices
from crm.deals.invoice_models import Invoice
from crm.income.cli import find_user, json_option, user_option
from crm.money import format_money
from crm.rates.payloads import major

invoices_group = RatesGroup("invoices", help="Invoices made from deals.")


def invoice_payload(invoice: Invoice, today: date) -> dict[str, Any]:
    """One invoice for `crm invoices overdue --json`."""
    return {
        "id": invoice.id,
        "number": invoice.number,
        "brand": invoice.deal.brand.name,
        "deal": invoice.deal.title,
        "issued": invoice.issue_on.isoformat(),
        "due": invoice.due_on.isoformat(),
        "days_overdue": (today - invoice.due_on).days,
        "total": major(invoice.total_cents),
        "total_cents": invoice.total_cents,
        "currency": invoice.currency,
        "status": invoice.status.value,
    }


@invoices_group.command("overdue")
@user_option
@json_option
@with_appcontext
def invoices_overdue(email: str, as_json: bool) -> None:
    """The creator's sent invoices past their due date, the longest overdue first."""
    user = find_user(email)
    today = dates.today_in(user.timezone)
    found = invoices.overdue(db_session(), user.id, today)
    if as_json:
        payload = {
            "today": today.isoformat(),
            "invoices": [invoice_payload(i, today) for i in found],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    for invoice in found:
        total = format_money(invoice.total_cents, invoice.currency)
        days = (today - invoice.due_on).days
        click.echo(
            f"{invoice.number}  {total:>12}  {invoice.deal.brand.name:<24} "
            f"due {invoice.due_on} ({days} day{'s' if days != 1 else ''} overdue)"
        )
    if not found:
        click.echo("No invoice is overdue.")
