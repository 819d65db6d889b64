"""An invoice sent and an invoice paid are lines on the brand's timeline, each once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.deals import invoices
from crm.deals.invoice_models import Invoice
from crm.market.seed import installed_market
from crm.timeline.models import ActivityKind, BrandActivity
from tests.factories_brands import make_brand
from tests.factories_deals import TODAY, make_deal, make_invoice
from tests.test_invoices_pages import _post, _today, page_text


def _lines(session: Session, brand_id: int, kind: ActivityKind) -> list[str]:
    return list(
        session.scalars(
            select(BrandActivity.text)
            .where(BrandActivity.brand_id == brand_id, BrandActivity.kind == kind)
            .order_by(BrandActivity.id)
        )
    )


def _paid(session: Session, user: User, invoice: Invoice, paid_on=TODAY) -> bool:
    found = invoices.locked(session, user.id, invoice.id)
    assert found is not None
    done = invoices.mark_paid(session, user, found, paid_on, TODAY, installed_market())
    session.commit()
    return done


def test_sent_then_paid_writes_one_line_each_with_number_and_amount(session, user) -> None:
    deal = make_deal(session, user, title="Spring videos", amount_cents=123_450)
    invoice = make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=3))
    assert invoices.mark_sent(session, invoice)
    assert not invoices.mark_sent(session, invoice)  # a second click: no second line
    session.commit()
    assert _paid(session, user, invoice, paid_on=TODAY - timedelta(days=1))
    assert not _paid(session, user, invoice)  # replayed: nothing new

    due = invoice.due_on
    assert _lines(session, deal.brand_id, ActivityKind.INVOICE_SENT) == [
        f"Invoice {invoice.number} for $1,234.50 (Spring videos) sent, "
        f"due {due:%b} {due.day}, {due.year}."
    ]
    assert _lines(session, deal.brand_id, ActivityKind.INVOICE_PAID) == [
        f"Invoice {invoice.number} for $1,234.50 (Spring videos) paid on Mar 1, 2026."
    ]


def test_a_draft_paid_straight_away_is_paid_on_the_timeline_not_sent(session, user) -> None:
    invoice = make_invoice(session, user)
    assert _paid(session, user, invoice)
    brand_id = invoice.deal.brand_id
    assert _lines(session, brand_id, ActivityKind.INVOICE_SENT) == []
    assert len(_lines(session, brand_id, ActivityKind.INVOICE_PAID)) == 1
    assert invoice.seller_details is not None  # its details were frozen all the same


def test_a_paid_date_refused_writes_no_line(session, user) -> None:
    invoice = make_invoice(session, user)
    with pytest.raises(invoices.InvoiceError):
        invoices.mark_paid(
            session, user, invoice, TODAY + timedelta(days=1), TODAY, installed_market()
        )
    assert _lines(session, invoice.deal.brand_id, ActivityKind.INVOICE_PAID) == []


@pytest.mark.parametrize("kind", ["invoice_sent", "invoice_paid"])
def test_the_database_takes_the_invoice_kinds(session, user, kind: str) -> None:
    brand = make_brand(session, user)
    row = {"owner_id": user.id, "brand_id": brand.id, "kind": kind, "text": "x"}
    session.execute(insert(BrandActivity.__table__).values(**row))
    session.flush()


def test_the_brand_page_shows_sent_and_paid(logged_in, session, user) -> None:
    deal = make_deal(session, user, amount_cents=50_000)
    invoice = make_invoice(session, user, deal, today=_today())
    _post(logged_in, invoice, "sent")
    _post(logged_in, invoice, "paid", paid_on=_today().isoformat())
    _post(logged_in, invoice, "paid", paid_on=_today().isoformat())  # replayed
    text = page_text(logged_in.get(f"/brands/{deal.brand_id}"))
    assert text.count(f"Invoice {invoice.number} for $500") == 2
    assert f"Invoice {invoice.number} for $500 ({deal.title}) sent" in text
    assert f"Invoice {invoice.number} for $500 ({deal.title}) paid on" in text
