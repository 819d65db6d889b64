"""The dashboard's due and overdue cards: each says what it counts, and nothing is on both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm import database
from crm.deals import invoices
from tests.factories_deals import make_deal, make_deliverable, make_invoice
from tests.factories_income import make_income
from tests.test_invoices_pages import page_text

WEDNESDAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def on_wednesday(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 4, 12, tzinfo=UTC))


def _card(text: str, label: str) -> str:
    """A card's words: from its label to the next card's."""
    start = text.index(label)
    return text[start : start + 90]


def test_the_deliverable_cards_say_how_many_and_split_due_from_overdue(
    logged_in, session, user
) -> None:
    deal = make_deal(session, user, today=WEDNESDAY)
    for due_on in (WEDNESDAY, WEDNESDAY + timedelta(days=4), WEDNESDAY - timedelta(days=1)):
        make_deliverable(session, user, deal, due_on=due_on, today=WEDNESDAY)
    for days in (2, 9):
        make_deliverable(session, user, deal, due_on=WEDNESDAY - timedelta(days=days),
                         today=WEDNESDAY)  # fmt: skip
    text = page_text(logged_in.get("/dashboard"))
    assert "Deliverables due 2 2 deliverables due today to Sunday" in text
    assert "Overdue deliverables 3 3 deliverables overdue: post or reschedule" in text


def test_the_invoice_cards_count_an_overdue_invoice_on_the_overdue_card_only(
    logged_in, session, user
) -> None:
    deal = make_deal(session, user, amount_cents=60_000, today=WEDNESDAY)
    for issued, due in ((30, 10), (40, 20), (1, -20)):
        invoice = make_invoice(session, user, deal, issue_on=WEDNESDAY - timedelta(days=issued),
                               due_on=WEDNESDAY - timedelta(days=due), today=WEDNESDAY)  # fmt: skip
        invoices.mark_sent(session, invoice)
    session.commit()
    text = page_text(logged_in.get("/dashboard"))
    assert "Invoices due 1 1 invoice sent, due later: $600" in text
    assert "Overdue invoices 2 2 invoices overdue, $1,200: chase them" in text


def test_only_overdue_invoices_leave_the_due_card_at_none(logged_in, session, user) -> None:
    deal = make_deal(session, user, amount_cents=60_000, today=WEDNESDAY)
    invoice = make_invoice(session, user, deal, issue_on=date(2026, 2, 1),
                           due_on=date(2026, 2, 15), today=WEDNESDAY)  # fmt: skip
    invoices.mark_sent(session, invoice)
    session.commit()
    text = page_text(logged_in.get("/dashboard"))
    assert "Invoices due 0 none sent and not due yet" in _card(text, "Invoices due")


def test_the_money_owed_cards_keep_overdue_payments_out_of_outstanding(
    logged_in, session, user
) -> None:
    make_income(
        session,
        user,
        earned_on=date(2026, 2, 1),
        amount_cents=20_000,
        due_on=date(2026, 2, 20),
        today=WEDNESDAY,
    )  # fmt: skip  (overdue)
    make_income(
        session,
        user,
        earned_on=date(2026, 3, 1),
        amount_cents=5_000,
        due_on=date(2026, 3, 30),
        today=WEDNESDAY,
    )  # fmt: skip  (not due yet)
    text = page_text(logged_in.get("/dashboard"))
    assert "Outstanding $50 expected or invoiced, not due yet" in text
    assert "Overdue $200 1 payment overdue: chase them" in text
