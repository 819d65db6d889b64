"""What an invoice's status puts on its page, its print and its PDF: VOID, Draft, Paid."""

from __future__ import annotations

import re
from html import unescape

import pytest

from crm.database import utcnow
from crm.deals import invoice_views, invoices
from crm.market.seed import installed_market
from tests.factories_deals import make_invoice


def _pdf_html(client, monkeypatch: pytest.MonkeyPatch, invoice_id: int) -> str:
    """The HTML the PDF route hands to WeasyPrint (caught, so no WeasyPrint is needed)."""
    seen: list[str] = []
    monkeypatch.setattr(
        invoice_views, "render_pdf", lambda html, base_url: seen.append(html) or b"%PDF-1.4"
    )
    assert client.get(f"/deals/invoices/{invoice_id}.pdf").status_code == 200
    return page_text_of(seen[0])


def page_text_of(html: str) -> str:
    """The words of `html`, tags out and spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_void_invoice_is_stamped_void_on_its_page_and_its_pdf(
    logged_in, session, user, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = make_invoice(session, user)
    invoices.void_invoice(session, invoice)
    session.commit()
    page = logged_in.get(f"/deals/invoices/{invoice.id}").get_data(as_text=True)
    assert 'class="invoice-stamp invoice-stamp-void"' in page
    assert "VOID Void: do not pay" in page_text_of(page)
    assert "VOID Void: do not pay" in _pdf_html(logged_in, monkeypatch, invoice.id)


def test_a_draft_prints_draft_and_a_paid_one_its_paid_date_unstamped(
    logged_in, session, user, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = utcnow().date()
    draft = make_invoice(session, user, today=today)
    assert "Draft Not sent yet" in _pdf_html(logged_in, monkeypatch, draft.id)
    invoices.mark_paid(session, user, draft, today, today, installed_market())
    session.commit()
    printed = _pdf_html(logged_in, monkeypatch, draft.id)
    assert "Paid" in printed and "VOID" not in printed and "Not sent yet" not in printed
    assert "do not pay" not in page_text_of(
        logged_in.get(f"/deals/invoices/{draft.id}").get_data(as_text=True)
    )


def _next_step(client, invoice_id: int) -> str:
    """The invoice page's "Next step" box, as words ("" when the page has none)."""
    html = client.get(f"/deals/invoices/{invoice_id}").get_data(as_text=True)
    found = re.search(r"<h2>Next step</h2>(.*?)</section>", html, re.S)
    return page_text_of(found.group(1)) if found else ""


def test_the_next_step_follows_the_status(logged_in, session, user) -> None:
    today = utcnow().date()
    invoice = make_invoice(session, user, today=today)
    assert "then mark it sent" in _next_step(logged_in, invoice.id)
    invoices.mark_sent(session, invoice)
    session.commit()
    sent = _next_step(logged_in, invoice.id)
    assert "When the brand pays, mark it paid." in sent and "mark it sent" not in sent
    invoices.mark_paid(session, user, invoice, today, today, installed_market())
    session.commit()
    assert _next_step(logged_in, invoice.id) == ""
    void = make_invoice(session, user, today=today)
    invoices.void_invoice(session, void)
    session.commit()
    assert _next_step(logged_in, void.id) == ""


def test_the_void_page_of_a_void_invoice_says_so_instead_of_asking(
    logged_in, session, user
) -> None:
    invoice = make_invoice(session, user)
    invoices.void_invoice(session, invoice)
    session.commit()
    response = logged_in.get(f"/deals/invoices/{invoice.id}/void")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/deals/invoices/{invoice.id}")
    text = page_text_of(logged_in.get(response.headers["Location"]).get_data(as_text=True))
    assert "It's void already." in text and "Keep it" not in text
