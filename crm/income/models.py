"""An income entry: money earned on a day, in a stream, converted at the rate of its date."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import money
from crm.brands.models import Brand
from crm.creation_tokens import CreatedOnce
from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.inputs import BIG_COUNT
from crm.ownership import Owned


class IncomeStatus(enum.StrEnum):
    EXPECTED = "expected"
    INVOICED = "invoiced"
    PAID = "paid"

    @property
    def label(self) -> str:
        return self.value.title()


# An exchange rate is stored as a whole number of millionths (1.08 -> 1_080_000), so a
# rate never passes through a float: reports multiply integers.
RATE_SCALE = money.RATE_SCALE


# Past ten million (major units) an amount is a typo; it fits the 8-byte columns easily.
AMOUNT_MAX_CENTS = 10_000_000 * 100


# The unpaid partial index's condition as SQL text: a query it serves must say it with the
# value written in (see crm.income.listing.unpaid), as the pitches' follow-ups index does.
UNPAID_SQL = "status != 'paid'"


class IncomeEntry(CreatedOnce, Base):
    """Money earned on `earned_on` (the creator's calendar day), whatever its status.

    `amount_cents` is in the entry's own `currency`; `reporting_cents` is the same money
    in the profile's currency at the time (`reporting_currency`), converted once at the
    rate the creator gave for that date, so a report never uses today's rate.
    """

    __tablename__ = "income_entries"
    __table_args__ = (
        # The list's keyset order (newest first) and every month's sums: a range of it.
        Index("ix_income_entries_owner_earned", "owner_id", "earned_on", "id"),
        # The last rate used per currency (a new form's prefill): one seek per currency.
        Index("ix_income_entries_owner_currency", "owner_id", "currency", "earned_on", "id"),
        # What is still owed, and how late: the dashboard's sums read only unpaid entries.
        Index(
            "ix_income_entries_unpaid",
            "owner_id",
            "reporting_currency",
            "due_on",
            "reporting_cents",
            sqlite_where=text(UNPAID_SQL),
            postgresql_where=text(UNPAID_SQL),
        ),
        # One entry per new-entry form: a second submit of the same form finds the first.
        # A unique index rather than a constraint: SQLite adds it without rebuilding the
        # table (a rebuild would drop it, and live_sessions.entry_id with it).
        Index("ix_income_entries_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint("amount_cents >= 0 AND reporting_cents >= 0", name="amounts_not_negative"),
        CheckConstraint("rate_millionths > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    earned_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BIG_COUNT)
    currency: Mapped[str] = mapped_column(String(3))
    rate_millionths: Mapped[int] = mapped_column(BIG_COUNT, default=RATE_SCALE)
    reporting_cents: Mapped[int] = mapped_column(BIG_COUNT)
    reporting_currency: Mapped[str] = mapped_column(String(3))
    # A stream key of the seed (seed/market.toml [[streams]]): the seed may add streams,
    # so the service checks it rather than a CHECK constraint.
    stream: Mapped[str] = mapped_column(String(32))
    program: Mapped[str] = mapped_column(String(80), default="")
    brand_id: Mapped[int | None] = mapped_column(
        ForeignKey("brands.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[IncomeStatus] = mapped_column(
        str_enum(IncomeStatus, "income_status"), default=IncomeStatus.EXPECTED
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # The import that wrote it (None: typed in); NO ACTION, see crm.imports.models.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)

    brand: Mapped[Brand | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        """Unpaid and past its due date (in the creator's today)."""
        return (
            self.status is not IncomeStatus.PAID and self.due_on is not None and self.due_on < today
        )


class IncomeMonthSum(Base):
    """One creator's income of one month ('2026-11') and stream, in one reporting currency:
    how many entries, what they earned and what of that is paid.

    Written only by database triggers on `income_entries` (migration
    0037_income_month_sums), in the same transaction as the entry write, so every path
    (the ORM, imports' bulk inserts, backups restored, deletes cascading) keeps it right;
    `crm income rebuild-sums` recounts it. A row counted down to 0 entries stays (readers
    skip it).
    """

    __tablename__ = "income_month_sums"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    reporting_currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    earned_cents: Mapped[int] = mapped_column(BIG_COUNT, default=0)
    paid_cents: Mapped[int] = mapped_column(BIG_COUNT, default=0)


class ExpenseCategory(enum.StrEnum):
    EQUIPMENT = "equipment"
    SOFTWARE = "software"
    PROPS = "props"
    TRAVEL = "travel"
    FEES = "fees"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"props": "Props and products"}.get(self.value, self.value.title())


class Expense(CreatedOnce, Base):
    """Money spent for the work on `spent_on`, converted as income is (once, at its rate)."""

    __tablename__ = "expenses"
    __table_args__ = (
        Index("ix_expenses_owner_spent", "owner_id", "spent_on", "id"),
        Index("ix_expenses_owner_currency", "owner_id", "currency", "spent_on", "id"),
        # One expense per new-expense form (unique index: see income_entries).
        Index("ix_expenses_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint("amount_cents >= 0 AND reporting_cents >= 0", name="amounts_not_negative"),
        CheckConstraint("rate_millionths > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spent_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BIG_COUNT)
    currency: Mapped[str] = mapped_column(String(3))
    rate_millionths: Mapped[int] = mapped_column(BIG_COUNT, default=RATE_SCALE)
    reporting_cents: Mapped[int] = mapped_column(BIG_COUNT)
    reporting_currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[ExpenseCategory] = mapped_column(
        str_enum(ExpenseCategory, "expense_category"), default=ExpenseCategory.OTHER
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The import that wrote it (None: typed in); NO ACTION, see crm.imports.models.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)


class LiveFormat(enum.StrEnum):
    QA = "qa"
    TUTORIAL = "tutorial"
    BEHIND_THE_SCENES = "behind_the_scenes"
    COLLAB = "collab"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"qa": "Q&A", "behind_the_scenes": "Behind the scenes"}.get(
            self.value, self.value.title()
        )


class LiveSession(CreatedOnce, Base):
    """A LIVE: when, what kind, how long, the diamonds it got; it feeds one LIVE-gifts entry."""

    __tablename__ = "live_sessions"
    __table_args__ = (
        Index("ix_live_sessions_owner_held", "owner_id", "held_on", "id"),
        # One LIVE (and so one LIVE-gifts entry) per new-LIVE form (see income_entries).
        Index("ix_live_sessions_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint("duration_minutes > 0 AND diamonds >= 0", name="counts_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)
    format: Mapped[LiveFormat] = mapped_column(
        str_enum(LiveFormat, "live_format"), default=LiveFormat.OTHER
    )
    duration_minutes: Mapped[int]
    diamonds: Mapped[int] = mapped_column(BIG_COUNT)
    # The LIVE-gifts income entry this session feeds (None until the creator sets a rate).
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("income_entries.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[IncomeEntry | None] = relationship()


class IncomeTarget(Owned, Base):
    """The creator's own monthly target for one stream, in the reporting currency.

    From 10,000 followers there is no built-in benchmark: the month report compares each
    stream with these instead. No row means no target for that stream.
    """

    __tablename__ = "income_targets"
    __table_args__ = (
        UniqueConstraint("owner_id", "stream"),
        CheckConstraint(
            f"amount_cents > 0 AND amount_cents <= {AMOUNT_MAX_CENTS}", name="amount_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stream key of the seed, as IncomeEntry.stream (checked by the service).
    stream: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BIG_COUNT)
    # The reporting currency it was set in: after a change of profile currency it is not
    # compared (500 dollars is not 500 euros) until the creator sets it again.
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
