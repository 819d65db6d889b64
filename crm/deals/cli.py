"""`crm deals ...`: the creator's deals for scripts and cron.

A bad argument is one `Error:` line and exit code 2 (the rates commands' group).
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import joinedload

from crm import dates
from crm.calculators.cli import RatesGroup
from crm.database import db_session
from crm.deals.models import Deal
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
        "deposit": major(deal.deposit_cents),
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
