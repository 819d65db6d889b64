"""The invoice rows of a filled account: an invoice as far along as its deal, its lines, the
creator's number sequence and settings. Plain dicts for bench/tables.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bench.tables import Ids
from crm.deals.invoice_models import NUMBER_FORMAT_DEFAULT, InvoiceStatus
from crm.deals.invoices import due_for

SELLER = "Maya Lopez Studio\n12 Harbour Street, Leeds\nTax ID: GB123456789"
PAYMENT = "Bank transfer to Maya Lopez, IBAN GB00 BANK 0000 0000 0000 00"
EXTRA_LINES = ["Paid usage rights", "Raw footage"]


def invoice_row(
    ids: Ids, deal: dict[str, Any], issue: date, status: InvoiceStatus, paid: date
) -> dict[str, Any]:
    """An invoice on `deal` issued on `issue`, due by the deal's terms; `paid` (clamped to
    the issue and due days) only when it is paid. Sent ones carry the details as sent."""
    due = due_for(deal["payment_terms"], issue)
    issued = status is not InvoiceStatus.DRAFT
    return {
        "id": ids.take("invoices"),
        "owner_id": deal["owner_id"],
        "deal_id": deal["id"],
        "number": "",  # numbered in issue order once every invoice is made
        "issue_on": issue,
        "due_on": due,
        "status": status,
        "paid_on": max(issue, min(paid, due)) if status is InvoiceStatus.PAID else None,
        "currency": deal["currency"],
        "is_deposit": False,
        "billing_details": deal["title"].split(" for ", 1)[-1],
        "notes": "",
        "seller_details": SELLER if issued else None,
        "payment_instructions": PAYMENT if issued else None,
        "income_entry_id": None,
        "creation_token": None,
        "created_at": deal["created_at"],
        "updated_at": deal["created_at"],
    }


def invoice_lines(
    ids: Ids, invoice_id: int, deal: dict[str, Any], parts: int
) -> list[dict[str, Any]]:
    """`parts` (1-3) lines: the work, then usage rights and raw files, adding up to the deal."""
    extras = [deal["amount_cents"] // 5 for _ in range(parts - 1)]
    names = [deal["title"], *EXTRA_LINES]
    amounts = [deal["amount_cents"] - sum(extras), *extras]
    return [
        {
            "id": ids.take("invoice_lines"),
            "invoice_id": invoice_id,
            "description": names[n][:200],
            "quantity": 1,
            "unit_cents": amounts[n],
            "position": n,
        }
        for n in range(parts)
    ]


def number_invoices(invoices: list[dict[str, Any]]) -> int:
    """Numbers from the creator's sequence in issue order (the default format); returns the
    next number the sequence gives."""
    ordered = sorted(invoices, key=lambda invoice: (invoice["issue_on"], invoice["id"]))
    for seq, invoice in enumerate(ordered, 1):
        invoice["number"] = NUMBER_FORMAT_DEFAULT.format(year=invoice["issue_on"].year, seq=seq)
    return len(ordered) + 1


def invoice_settings(owner_id: int, next_seq: int, now: datetime) -> dict[str, Any]:
    """The creator's invoice settings row, its sequence past the numbers the fill gave."""
    name, address, tax = SELLER.split("\n")
    return {
        "owner_id": owner_id,
        "business_name": name,
        "address": address,
        "tax_id": tax.removeprefix("Tax ID: "),
        "payment_instructions": PAYMENT,
        "number_format": NUMBER_FORMAT_DEFAULT,
        "next_seq": next_seq,
        "updated_at": now,
    }


def paid_after(issue: date, rng: Any, today: date) -> date:
    """When a paid invoice was paid: within 40 days of issue, never after today."""
    return min(today, issue + timedelta(days=rng.randrange(0, 40)))
