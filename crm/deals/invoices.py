"""Invoice operations: settings, editing, sent, paid (its income, once), void; a new invoice's
draft from its deal: crm.deals.invoice_drafts.

Sent and paid are lines on the brand's timeline, each written once.

Functions flush and never commit; `today` is the creator's day, passed in. Numbers and
their format: crm.deals.invoice_numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session, selectinload

from crm import creation_tokens, inputs
from crm.accounts.models import User
from crm.dates import show_date
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceSettings, InvoiceStatus
from crm.deals.invoice_numbers import (
    InvoiceError,
    check_format,
    lock_settings,
    set_next,
    take_number,
)
from crm.deals.models import Deal, DealKind, PaymentTerms
from crm.income import services as income
from crm.income.models import AMOUNT_MAX_CENTS, IncomeStatus
from crm.market.facts import Market
from crm.money import format_money
from crm.ownership import owned
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity

DESCRIPTION_MAX = 200
NAME_MAX = 200
TAX_ID_MAX = 80
DETAILS_MAX = 1000
QUANTITY_MAX = 10_000
# The blank rows an invoice form offers (no JavaScript to add more).
LINE_ROWS = 10
BILL_TO_MISSING = "Enter who pays it: the brand's billing name, and its address if they asked."
GIFTED_NOT_INVOICED = "Gifted deals are not invoiced: the product is the pay, with no cash to bill."
NET_DAYS = {PaymentTerms.NET_15: 15, PaymentTerms.NET_30: 30, PaymentTerms.NET_60: 60}


@dataclass(frozen=True)
class SettingsData:
    business_name: str = ""
    address: str = ""
    tax_id: str = ""
    payment_instructions: str = ""
    number_format: str = "INV-{year}-{seq:04d}"
    # The next invoice's {seq} as typed ("42" or "INV-2026-0042"); blank: as it goes.
    next_number: str = ""


@dataclass(frozen=True)
class LineData:
    description: str
    quantity: int
    unit_cents: int
    # The form row it was typed in (its errors go there); None: its place in the list.
    row: int | None = None


@dataclass(frozen=True)
class InvoiceData:
    issue_on: date
    due_on: date
    lines: list[LineData] = field(default_factory=list)
    billing_details: str = ""
    notes: str = ""


def _check_length(text: str, most: int, name: str) -> str:
    if len(text) > most:
        raise InvoiceError(inputs.too_long_message(most), field=name)
    return text.strip()


def save_settings(
    session: Session, owner: User, data: SettingsData, today: date | None = None
) -> InvoiceSettings:
    """Save the creator's business details, number format and (typed) next number.

    A next number left as it was, in the same format, is not checked again: the sequence
    passes over any number already used. `today` (the creator's) gives the series' year.
    """
    row = lock_settings(session, owner.id)
    was = (row.number_format, str(row.next_seq))
    row.business_name = _check_length(data.business_name, NAME_MAX, "business_name")
    row.address = _check_length(data.address, DETAILS_MAX, "address")
    row.tax_id = _check_length(data.tax_id, TAX_ID_MAX, "tax_id")
    row.payment_instructions = _check_length(
        data.payment_instructions, DETAILS_MAX, "payment_instructions"
    )
    row.number_format = check_format(data.number_format)
    typed = data.next_number.strip()
    if typed and (row.number_format, typed) != was:
        if today is None:
            raise ValueError("a next number is checked in the creator's year: pass today")
        set_next(session, row, typed, today.year)
    session.flush()
    return row


def get_settings(session: Session, owner_id: int) -> InvoiceSettings | None:
    """The creator's settings, None before they saved any or made an invoice."""
    return session.scalars(owned(InvoiceSettings, owner_id)).one_or_none()


def seller_details(settings: InvoiceSettings | None) -> str:
    """The creator's block on an invoice: name, address, tax id, one per line."""
    if settings is None:
        return ""
    tax = f"Tax ID: {settings.tax_id}" if settings.tax_id else ""
    return "\n".join(p for p in (settings.business_name, settings.address, tax) if p)


def due_for(terms: PaymentTerms, issue_on: date) -> date:
    """The due date the deal's payment terms give an invoice issued on `issue_on`."""
    return issue_on + timedelta(days=NET_DAYS.get(terms, 0))


def has_deposit_invoice(session: Session, deal: Deal) -> bool:
    """Whether the deal has its deposit invoice already (a void one doesn't count)."""
    found = session.execute(
        owned(Invoice, deal.owner_id, Invoice.id)
        .where(Invoice.deal_id == deal.id, Invoice.is_deposit, Invoice.status != "void")
        .limit(1)
    ).first()
    return found is not None


def billing_details(deal: Deal) -> str:
    """The brand's block on an invoice: its name, the contact's name and email."""
    contact = deal.contact
    parts = [deal.brand.name]
    if contact is not None:
        parts += [p for p in (contact.name, contact.email) if p]
    return "\n".join(parts)


def check_invoice(data: InvoiceData, today: date) -> InvoiceData:
    """The invoice as it will be stored, or an InvoiceError beside its field."""
    for name in ("issue_on", "due_on"):
        problem = inputs.date_problem(getattr(data, name), today)
        if problem:
            raise InvoiceError(problem, field=name)
    if data.due_on < data.issue_on:
        raise InvoiceError("The due date can't be before the issue date.", field="due_on")
    if not data.lines:
        raise InvoiceError(
            "Add at least one line: what the brand pays for.", field="line0_description"
        )
    for place, line in enumerate(data.lines):
        i = place if line.row is None else line.row
        if not line.description.strip():
            raise InvoiceError("Say what this line is for.", field=f"line{i}_description")
        _check_length(line.description, DESCRIPTION_MAX, f"line{i}_description")
        if not 1 <= line.quantity <= QUANTITY_MAX:
            raise InvoiceError(f"Enter 1 to {QUANTITY_MAX:,}.", field=f"line{i}_quantity")
        if not 0 <= line.unit_cents <= AMOUNT_MAX_CENTS:
            raise InvoiceError("Enter 0 to 10 million.", field=f"line{i}_unit")
    total = sum(line.quantity * line.unit_cents for line in data.lines)
    first = f"line{data.lines[0].row or 0}_unit"
    if total <= 0:
        raise InvoiceError("The invoice comes to 0: enter the lines' prices.", field=first)
    if total > AMOUNT_MAX_CENTS:
        raise InvoiceError("That's over 10 million in all: check for an extra digit.", field=first)
    if not data.billing_details.strip():
        raise InvoiceError(BILL_TO_MISSING, field="billing_details")
    _check_length(data.billing_details, DETAILS_MAX, "billing_details")
    _check_length(data.notes, DETAILS_MAX, "notes")
    return data


def create_invoice(
    session: Session,
    owner: User,
    deal: Deal,
    data: InvoiceData,
    today: date,
    token: str | None = None,
) -> Invoice:
    """A draft invoice on `deal` with the next number of the creator's sequence.

    A second submit of the same form (its one-time `token`) raises AlreadyCreated.
    """
    if deal.owner_id != owner.id:  # the views find the deal by owner; any caller is held too
        raise InvoiceError("That deal was not found.")
    already = income.already_saved("invoice")
    creation_tokens.refuse_repeat(session, Invoice, owner.id, token, already)
    if deal.kind is DealKind.GIFTED:
        raise InvoiceError(GIFTED_NOT_INVOICED)
    data = check_invoice(data, today)
    deposit = deal.payment_terms is PaymentTerms.HALF_UPFRONT and not has_deposit_invoice(
        session, deal
    )
    invoice = Invoice(
        owner_id=owner.id,
        deal_id=deal.id,
        currency=deal.currency,
        is_deposit=deposit,
        creation_token=token or None,
        number=take_number(session, owner.id, data.issue_on.year),
    )
    _apply(invoice, data)
    creation_tokens.insert_once(session, invoice, already)
    return invoice


def _apply(invoice: Invoice, data: InvoiceData) -> None:
    invoice.issue_on, invoice.due_on = data.issue_on, data.due_on
    invoice.billing_details = data.billing_details.strip()
    invoice.notes = data.notes.strip()
    invoice.lines = [
        InvoiceLine(
            description=line.description.strip(),
            quantity=line.quantity,
            unit_cents=line.unit_cents,
            position=i,
        )
        for i, line in enumerate(data.lines)
    ]


def update_invoice(session: Session, invoice: Invoice, data: InvoiceData, today: date) -> Invoice:
    """Change a draft's dates, details and lines. Its number stays: taken from the
    sequence, it stays on this invoice (a changed one would leave a gap)."""
    if invoice.status is not InvoiceStatus.DRAFT:
        raise InvoiceError("Only a draft can be changed: void it and make a new one.")
    _apply(invoice, check_invoice(data, today))
    session.flush()
    return invoice


def mark_sent(session: Session, invoice: Invoice, *, to: str = "") -> bool:
    """Draft -> sent, freezing the creator's details as sent; False when it wasn't a draft.

    The brand's timeline gets an "invoice sent" line (naming `to`, the address it was
    emailed to, if any), once: only the draft's move writes it.
    """
    if invoice.status is not InvoiceStatus.DRAFT:
        return False
    _freeze(session, invoice)
    invoice.status = InvoiceStatus.SENT
    session.flush()
    how = f"emailed to {to}" if to else "sent"
    _log(session, invoice, ActivityKind.INVOICE_SENT, f"{how}, due {show_date(invoice.due_on)}")
    return True


def mark_emailed(session: Session, invoice: Invoice, to: str) -> bool:
    """The invoice is going out by email to `to`: a draft is marked sent (True); a sent or
    paid one goes again as it is (False); a void one is refused."""
    if invoice.status is InvoiceStatus.VOID:
        raise InvoiceError("This invoice is void: make a new one to bill the deal.")
    return mark_sent(session, invoice, to=to)


def _freeze(session: Session, invoice: Invoice) -> None:
    """The creator's business details and payment instructions as they go out on it."""
    settings = get_settings(session, invoice.owner_id)
    invoice.seller_details = seller_details(settings)
    invoice.payment_instructions = settings.payment_instructions if settings else ""


def _log(session: Session, invoice: Invoice, kind: ActivityKind, what: str) -> None:
    deal = invoice.deal
    amount = format_money(invoice.total_cents, invoice.currency)
    log_activity(
        session,
        deal.brand,
        kind,
        f"Invoice {invoice.number} for {amount} ({deal.title}) {what}.",
        pitch_id=deal.pitch_id,
    )


def locked(session: Session, owner_id: int, invoice_id: int) -> Invoice | None:
    """The creator's invoice, its row locked to the end of the transaction (PostgreSQL):
    two clicks on "paid" take turns, and the second sees the first's income."""
    return session.scalars(
        owned(Invoice, owner_id)
        .where(Invoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def mark_paid(
    session: Session,
    owner: User,
    invoice: Invoice,
    paid_on: date,
    today: date,
    market: Market,
    rate_millionths: int | None = None,
) -> bool:
    """Record the invoice paid and its income, once: False (nothing new) if it was paid.

    The income entry: the deal's brand, stream "ugc" for a UGC deal else "brand", paid on
    `paid_on`. `invoice` must come from `locked`, so a replay waits and sees it paid.
    """
    if invoice.status is InvoiceStatus.PAID:
        return False
    if invoice.status is InvoiceStatus.VOID:
        raise InvoiceError("This invoice is void: make a new one to bill the deal.")
    if paid_on > today:
        raise InvoiceError("The paid date can't be in the future.", field="paid_on")
    if paid_on < invoice.issue_on:
        raise InvoiceError("The paid date can't be before the invoice's date.", field="paid_on")
    deal = invoice.deal
    data = income.EntryData(
        earned_on=invoice.issue_on,
        amount_cents=invoice.total_cents,
        currency=invoice.currency,
        rate_millionths=rate_millionths,
        stream="ugc" if deal.kind is DealKind.UGC else "brand",
        status=IncomeStatus.PAID,
        brand=deal.brand.name,
        note=f"Invoice {invoice.number}",
        due_on=invoice.due_on,
        paid_on=paid_on,
    )
    entry = income.save_entry(session, owner, None, data, today, market)
    if invoice.status is InvoiceStatus.DRAFT:
        _freeze(session, invoice)  # paid without being marked sent: no "sent" line
    invoice.status, invoice.paid_on, invoice.income_entry_id = InvoiceStatus.PAID, paid_on, entry.id
    session.flush()
    _log(session, invoice, ActivityKind.INVOICE_PAID, f"paid on {show_date(paid_on)}")
    return True


def void_invoice(session: Session, invoice: Invoice) -> bool:
    """Void the invoice, deleting the income its payment recorded; False if void already."""
    if invoice.status is InvoiceStatus.VOID:
        return False
    entry = invoice.income_entry
    invoice.status, invoice.paid_on, invoice.income_entry_id = InvoiceStatus.VOID, None, None
    session.flush()
    if entry is not None:
        income.delete_entry(session, entry)
    return True


def overdue(session: Session, owner_id: int, today: date) -> list[Invoice]:
    """The creator's sent invoices past their due date, the longest overdue first."""
    return list(
        session.scalars(
            owned(Invoice, owner_id)
            .where(Invoice.status == InvoiceStatus.SENT, Invoice.due_on < today)
            .order_by(Invoice.due_on, Invoice.id)
            .options(selectinload(Invoice.lines), selectinload(Invoice.deal).joinedload(Deal.brand))
        )
    )


def invoice_for_view(session: Session, owner_id: int, invoice_id: int) -> Invoice | None:
    """The creator's invoice with its lines, deal and brand loaded."""
    return session.scalars(
        owned(Invoice, owner_id)
        .where(Invoice.id == invoice_id)
        .options(selectinload(Invoice.lines), selectinload(Invoice.deal).joinedload(Deal.brand))
    ).one_or_none()


# A deal's page lists its newest invoices; a deal has a handful (a retainer one a month).
DEAL_INVOICES_SHOWN = 24


def deal_invoices(session: Session, owner_id: int, deal_id: int) -> list[Invoice]:
    """The deal's newest invoices with their lines (two queries), newest first."""
    return list(
        session.scalars(
            owned(Invoice, owner_id)
            .where(Invoice.deal_id == deal_id)
            .order_by(Invoice.issue_on.desc(), Invoice.id.desc())
            .limit(DEAL_INVOICES_SHOWN)
            .options(selectinload(Invoice.lines))
        )
    )
