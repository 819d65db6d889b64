"""Invoices: the creator's invoice settings (business details, number sequence), an invoice
billed on a deal, and its lines."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.creation_tokens import CreatedOnce
from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.deals.models import Deal
from crm.income.models import IncomeEntry
from crm.inputs import BIG_COUNT
from crm.ownership import Owned

NUMBER_MAX = 40
NUMBER_FORMAT_DEFAULT = "INV-{year}-{seq:04d}"


class InvoiceSettings(Owned, Base):
    """One row per creator: what every invoice says about them, and the next number to give.

    `next_seq` is the number sequence's counter: crm.deals.invoices takes a number with one
    `UPDATE ... SET next_seq = next_seq + 1 RETURNING` in the invoice's own transaction, so
    the row lock makes two requests wait for each other instead of taking the same number.
    """

    __tablename__ = "invoice_settings"
    __table_args__ = (
        UniqueConstraint("owner_id"),
        CheckConstraint("next_seq >= 1", name="next_seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(80), default="")
    payment_instructions: Mapped[str] = mapped_column(Text, default="")
    number_format: Mapped[str] = mapped_column(String(NUMBER_MAX), default=NUMBER_FORMAT_DEFAULT)
    next_seq: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PAID = "paid"
    VOID = "void"

    @property
    def label(self) -> str:
        return self.value.title()


# The overdue index's condition as SQL text (a query it serves says it with the value in).
SENT_SQL = "status = 'sent'"


class Invoice(CreatedOnce, Base):
    """An invoice for (part of) a deal: its number, dates, status and the income it became.

    While a draft, the page shows the creator's current business details; marking it sent
    copies them into `seller_details` and `payment_instructions`, so a sent invoice reads
    the same later whatever the settings become.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("owner_id", "number"),
        # One invoice per paid income entry: the income a paid invoice created.
        UniqueConstraint("income_entry_id"),
        # The list, newest first (id last: keyset).
        Index("ix_invoices_owner_issued", "owner_id", "issue_on", "id"),
        # Overdue: sent ones by due date, with what the dashboard sums (from the index alone).
        Index(
            "ix_invoices_owner_status_due",
            "owner_id",
            "status",
            "due_on",
            "currency",
            "lines_total_cents",
        ),
        Index("ix_invoices_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint("due_on >= issue_on", name="due_after_issue"),
        CheckConstraint("(status = 'paid') = (paid_on IS NOT NULL)", name="paid_on_when_paid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No cascade: an invoice is a record to keep (its number, the income it became), so a
    # deal or brand with invoices is not deleted (crm.deals.services.refuse_if_invoiced).
    # NO ACTION rather than RESTRICT: checked at the statement's end, so deleting a whole
    # account (its deals and its invoices both cascading from users) still goes through.
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    number: Mapped[str] = mapped_column(String(NUMBER_MAX))
    issue_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[InvoiceStatus] = mapped_column(
        str_enum(InvoiceStatus, "invoice_status"), default=InvoiceStatus.DRAFT
    )
    paid_on: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    # The 50% upfront deal's first invoice.
    is_deposit: Mapped[bool] = mapped_column(default=False)
    billing_details: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The creator's details as sent (None while a draft: the settings as they are now).
    seller_details: Mapped[str | None] = mapped_column(Text)
    payment_instructions: Mapped[str | None] = mapped_column(Text)
    income_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("income_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # The sum of the lines, written only by database triggers on invoice_lines (migration
    # 0038) in the same transaction as each line: for SQL that sums many invoices (the
    # dashboard, the calendar). Not loaded with an Invoice (deferred); in Python, a loaded
    # invoice's `total_cents` adds up its lines.
    lines_total_cents: Mapped[int] = mapped_column(
        BIG_COUNT, server_default=text("0"), deferred=True
    )

    deal: Mapped[Deal] = relationship()
    income_entry: Mapped[IncomeEntry | None] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(InvoiceLine.position, InvoiceLine.id)",
    )

    @property
    def total_cents(self) -> int:
        """The sum of the lines (no tax: a creator under the thresholds adds none)."""
        return sum(line.amount_cents for line in self.lines)

    def is_overdue(self, today: date) -> bool:
        """Sent, unpaid and past its due date in the creator's today."""
        return self.status is InvoiceStatus.SENT and self.due_on < today


class InvoiceLine(Base):
    """One line of an invoice: what, how many, at what unit price (minor units)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        Index("ix_invoice_lines_invoice_position", "invoice_id", "position", "id"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_cents >= 0 AND position >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_cents: Mapped[int] = mapped_column(BIG_COUNT)
    position: Mapped[int] = mapped_column(default=0)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_cents
