"""Reading invoices: the list by keyset (newest issued first), and an invoice as printed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, joinedload, selectinload

from crm.deals import invoices
from crm.deals.invoice_models import Invoice
from crm.deals.models import Deal
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page

LIST_ORDER = Order(
    "issued", (Key(Invoice.issue_on, descending=True), Key(Invoice.id, descending=True))
)


def list_page(session: Session, owner_id: int, cursor: str | None, size: int) -> Page[Invoice]:
    """One page of the creator's invoices with their lines and brand (four queries)."""
    return keyset_page(
        session,
        owned(Invoice, owner_id),
        LIST_ORDER,
        cursor,
        size,
        options=[
            selectinload(Invoice.lines),
            joinedload(Invoice.deal).joinedload(Deal.brand),
        ],
    )


@dataclass(frozen=True)
class Printed:
    """What the printed invoice says of the creator: as sent, or (a draft) as set now."""

    seller: str
    payment_instructions: str


def printed(session: Session, owner_id: int, invoice: Invoice) -> Printed:
    """The creator's side of `invoice` as it prints."""
    if invoice.seller_details is not None:
        return Printed(invoice.seller_details, invoice.payment_instructions or "")
    settings = invoices.get_settings(session, owner_id)
    return Printed(
        invoices.seller_details(settings), settings.payment_instructions if settings else ""
    )
