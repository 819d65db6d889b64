"""Demo income: a year across the streams (months below, within and above the tier),
expenses, a goal, and money still owed (some of it late), through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, BrandStatus
from crm.database import utcnow
from crm.income import expenses, live, services
from crm.income.models import ExpenseCategory, IncomeEntry, IncomeStatus, LiveFormat
from crm.market.current import market
from crm.market.facts import Market
from crm.ownership import owned

# Dollars a month, oldest first (11 months ago .. this month so far): UGC, affiliate,
# brand sponsorships, LIVE gifts. Against tier 3K-5K (475-1,800 in total) the first
# months land below, most within, two above.
MONTHS = [
    (150, 20, 0, 0),
    (200, 35, 0, 5),
    (300, 40, 80, 10),
    (450, 60, 100, 20),
    (400, 75, 150, 25),
    (650, 90, 0, 30),
    (800, 120, 250, 40),
    (1_200, 150, 400, 60),
    (900, 180, 300, 70),
    (1_300, 220, 450, 90),
    (1_000, 260, 350, 85),
    (450, 80, 0, 20),
]
STREAMS = ("ugc", "affiliate", "brand", "live")
DAYS = {"ugc": 4, "affiliate": 28, "brand": 12, "live": 20}
NOTES = {
    "ugc": "Two UGC videos, raw files included",
    "affiliate": "Amazon storefront payout",
    "brand": "Sponsored post, one video",
    "live": "LIVE gifts, cashed out",
}
GOAL_CENTS = 120_000
# The demo creator's own diamond value (half a cent); the last months' LIVE gifts come
# from logged LIVEs at it, a format each.
DIAMOND_VALUE_MICROS = 5_000
LIVE_MONTHS = {0: LiveFormat.QA, 1: LiveFormat.TUTORIAL, 2: LiveFormat.BEHIND_THE_SCENES}
# A deal in euros: what one euro was worth in dollars that day.
EURO_RATE = 1_087_000
MONTHLY_EXPENSES = [
    (ExpenseCategory.SOFTWARE, 1_299, "Video editor subscription"),
]
ONE_OFF_EXPENSES = {
    9: (ExpenseCategory.EQUIPMENT, 8_900, "Ring light and phone tripod"),
    7: (ExpenseCategory.PROPS, 3_500, "Props for a kitchen shoot"),
    5: (ExpenseCategory.FEES, 1_500, "UGC marketplace fee"),
    3: (ExpenseCategory.PROPS, 4_200, "Backdrop paper"),
}


def _month_start(today: date, months_back: int) -> date:
    index = today.year * 12 + today.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _status(earned: date, today: date, months_back: int) -> tuple[IncomeStatus, date | None]:
    """Older months are paid; last month's brand money is late; this month is still to come."""
    if months_back >= 2:
        return IncomeStatus.PAID, min(earned + timedelta(days=14), today)
    if months_back == 1:
        return IncomeStatus.INVOICED, None
    return IncomeStatus.EXPECTED, None


@dataclass(frozen=True)
class _Planned:
    """One stream's demo income in one month."""

    stream: str
    dollars: int
    earned: date
    months_back: int
    client: str  # a client brand's name, or empty


def populate(session: Session, user: User) -> bool:
    """Add a year of demo income and expenses unless the user has income already."""
    if session.scalar(owned(IncomeEntry, user.id, func.count())):
        return False
    today = utcnow().date()
    clients = list(
        session.scalars(
            owned(Brand, user.id, Brand.name)
            .where(Brand.status == BrandStatus.CLIENT)
            .order_by(Brand.id)
            .limit(3)
        )
    )
    m = market()
    user.diamond_value_micros = DIAMOND_VALUE_MICROS
    for position, amounts in enumerate(MONTHS):
        months_back = len(MONTHS) - 1 - position
        start = _month_start(today, months_back)
        for stream, dollars in zip(STREAMS, amounts, strict=True):
            if dollars:
                earned = min(start + timedelta(days=DAYS[stream]), today)
                client = clients[position % len(clients)] if clients and stream == "ugc" else ""
                _income(session, user, _Planned(stream, dollars, earned, months_back, client),
                        today, m)  # fmt: skip
        _expenses(session, user, start, months_back, today)
    user.income_goal_cents = GOAL_CENTS
    session.flush()
    return True


def _income(session: Session, user: User, plan: _Planned, today: date, m: Market) -> None:
    """The planned income: a logged LIVE in the LIVE months, else an entry of its own."""
    if plan.stream == "live" and plan.months_back in LIVE_MONTHS:
        diamonds = plan.dollars * 100 * 1_000_000 // (DIAMOND_VALUE_MICROS * 100)
        minutes = 45 + 15 * plan.months_back
        data = live.SessionData(plan.earned, LIVE_MONTHS[plan.months_back], minutes, diamonds)
        live.save_session(session, user, None, data, today, m)
        return
    status, paid_on = _status(plan.earned, today, plan.months_back)
    # The euro deal: its dollars back at the day's rate (about the plan's).
    euros = plan.stream == "brand" and plan.months_back == 5
    cents = plan.dollars * 100
    data = services.EntryData(
        earned_on=plan.earned,
        amount_cents=cents * 1_000_000 // EURO_RATE if euros else cents,
        currency="EUR" if euros else user.currency,
        rate_millionths=EURO_RATE if euros else None,
        stream=plan.stream,
        status=status,
        program="Amazon Associates" if plan.stream == "affiliate" else "",
        brand=plan.client,
        note=NOTES[plan.stream],
        due_on=plan.earned + timedelta(days=14) if plan.stream in ("ugc", "brand") else None,
        paid_on=paid_on,
    )
    services.save_entry(session, user, None, data, today, m)


def _expenses(session: Session, user: User, start: date, months_back: int, today: date) -> None:
    planned = list(MONTHLY_EXPENSES)
    if months_back in ONE_OFF_EXPENSES:
        planned.append(ONE_OFF_EXPENSES[months_back])
    for number, (category, cents, note) in enumerate(planned):
        expenses.save_expense(
            session,
            user,
            None,
            expenses.ExpenseData(
                spent_on=min(start + timedelta(days=2 + 7 * number), today),
                amount_cents=cents,
                currency=user.currency,
                category=category,
                note=note,
            ),
            today,
        )
