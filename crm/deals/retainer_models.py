"""A retainer's rolled months: one row per deal and month, so a month is rolled once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.ownership import Owned


class RetainerMonth(Owned, Base):
    """The month `month` (its 1st) of retainer `deal_id` has its deliverables and invoice.

    The row is written first, in the same transaction as what the month creates: the
    unique (deal, month) makes a second run, however it overlaps the first, create nothing.
    `invoice_id` is NULL for a retainer with no fee to bill.
    """

    __tablename__ = "retainer_months"
    __table_args__ = (UniqueConstraint("deal_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
