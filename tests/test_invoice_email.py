"""Emailing an invoice by SMTP, against the same loopback SMTP server the email tests use."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from crm.deals import invoices
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.invoice_pdf import pdf_available
from crm.timeline.models import ActivityKind, BrandActivity
from tests import test_emails_smtp
from tests.conftest import Auth
from tests.factories_brands import make_brand, make_contact
from tests.factories_deals import make_deal, make_invoice
from tests.test_emails_smtp import HOST, Inbox
from tests.test_invoices_pages import _csrf, _today, page_text

# The email tests' fixture: a real SMTP server on a loopback port.
start_server = test_emails_smtp.start_server


@pytest.fixture
def emailing(make_app, session, user):
    """A logged-in client of an app sending through `smtp_url`, and a draft invoice."""
    user.display_name = "Maya Lopez"
    session.commit()
    invoices.save_settings(
        session,
        user,
        invoices.SettingsData(business_name="Maya Makes", payment_instructions="IBAN DE00 1234"),
    )
    brand = make_brand(session, user, name="Glow Co")
    contact = make_contact(session, user, brand, name="Dana Reyes", email="dana@glow.co")
    deal = make_deal(
        session, user, brand, contact_id=contact.id, title="Spring videos", amount_cents=123_450
    )
    invoice = make_invoice(session, user, deal, today=_today())

    def client_for(smtp_url: str):
        client = make_app(SMTP_URL=smtp_url).test_client()
        Auth(client).login(user.email)
        return client, invoice

    return client_for


def _send(client, invoice: Invoice, **data: Any):
    token = _csrf(client, f"/deals/invoices/{invoice.id}")
    return client.post(f"/deals/invoices/{invoice.id}/send", data={"csrf_token": token, **data})


def _sent_lines(session, invoice: Invoice) -> list[str]:
    return list(
        session.scalars(
            select(BrandActivity.text).where(
                BrandActivity.brand_id == invoice.deal.brand_id,
                BrandActivity.kind == ActivityKind.INVOICE_SENT,
            )
        )
    )


def test_the_invoice_goes_to_the_contact_and_is_marked_sent(
    start_server, emailing, session
) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    page = client.get(f"/deals/invoices/{invoice.id}").get_data(as_text=True)
    assert 'value="dana@glow.co"' in page  # the deal's contact, ready to send to

    response = _send(client, invoice, to="dana@glow.co")

    assert response.status_code == 302
    (message,) = inbox.messages
    assert message["Subject"] == f"Invoice {invoice.number} from Maya Makes"
    assert message["From"] == "Maya Lopez <creator@example.com>"
    assert message["To"] == "Dana Reyes <dana@glow.co>"
    text = message.get_body(("plain",)).get_content()
    due = invoice.due_on
    assert "Hi Dana Reyes," in text
    assert "Total: $1,234.50" in text
    assert f"Due: {due:%b} {due.day}, {due.year}" in text
    assert "IBAN DE00 1234" in text
    html = message.get_body(("html",)).get_content()
    assert invoice.number in html and "Spring videos" in html and "$1,234.50" in html
    session.expire_all()
    sent = session.get(Invoice, invoice.id)
    assert sent.status is InvoiceStatus.SENT
    assert sent.seller_details == "Maya Makes"
    assert _sent_lines(session, invoice) == [
        f"Invoice {invoice.number} for $1,234.50 (Spring videos) emailed to dana@glow.co, "
        f"due {due:%b} {due.day}, {due.year}."
    ]


def test_an_address_typed_in_gets_it_without_the_contacts_name(
    start_server, emailing, session
) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    _send(client, invoice, to="billing@glow.co")
    (message,) = inbox.messages
    assert message["To"] == "billing@glow.co"
    assert inbox.envelopes[0].rcpt_tos == ["billing@glow.co"]
    assert "Hi Glow Co," in message.get_body(("plain",)).get_content()


def test_sending_a_sent_invoice_again_keeps_one_timeline_line(
    start_server, emailing, session
) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    _send(client, invoice, to="dana@glow.co")
    _send(client, invoice, to="dana@glow.co")
    assert len(inbox.messages) == 2
    assert len(_sent_lines(session, invoice)) == 1


@pytest.mark.parametrize(
    "handler",
    [
        Inbox(refuse_rcpt="550 5.1.1 No such user here"),
        Inbox(refuse_data="550 5.7.1 Message rejected as spam"),
    ],
    ids=["rcpt", "data"],
)
def test_a_refusing_server_is_shown_and_nothing_is_marked_sent(
    start_server, emailing, session, handler
) -> None:
    client, invoice = emailing(f"smtp://{HOST}:{start_server(handler)}")
    response = _send(client, invoice, to="dana@glow.co")
    assert response.status_code == 200
    text = page_text(response)
    assert "Not sent: The mail server refused" in text and "550" in text
    assert "Nothing was marked sent." in text
    session.expire_all()
    kept = session.get(Invoice, invoice.id)
    assert kept.status is InvoiceStatus.DRAFT and kept.seller_details is None
    assert _sent_lines(session, invoice) == []


@pytest.mark.parametrize("to", ["", "not an address", "a@b.co\r\nBcc: x@evil.example"])
def test_a_bad_address_is_refused_beside_the_field(start_server, emailing, session, to) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    response = _send(client, invoice, to=to)
    assert response.status_code == 200
    assert 'id="to-error"' in response.get_data(as_text=True)
    assert inbox.messages == []
    session.expire_all()
    assert session.get(Invoice, invoice.id).status is InvoiceStatus.DRAFT


def test_a_void_invoice_is_not_sent(start_server, emailing, session) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    invoices.void_invoice(session, invoice)
    session.commit()
    token = _csrf(client, f"/deals/invoices/{invoice.id}")
    response = client.post(
        f"/deals/invoices/{invoice.id}/send",
        data={"csrf_token": token, "to": "dana@glow.co"},
        follow_redirects=True,
    )
    assert "Not sent: This invoice is void" in page_text(response)
    assert inbox.messages == []


def test_without_smtp_the_page_says_so_and_a_post_sends_nothing(logged_in, session, user) -> None:
    invoice = make_invoice(session, user, today=_today())
    page = page_text(logged_in.get(f"/deals/invoices/{invoice.id}"))
    assert "Sending from the app is off on this server" in page
    token = _csrf(logged_in, f"/deals/invoices/{invoice.id}")
    response = logged_in.post(
        f"/deals/invoices/{invoice.id}/send",
        data={"csrf_token": token, "to": "dana@glow.co"},
        follow_redirects=True,
    )
    assert "Sending isn't set up on this server" in page_text(response)
    session.expire_all()
    assert session.get(Invoice, invoice.id).status is InvoiceStatus.DRAFT


def test_another_creators_invoice_is_not_found(start_server, emailing, session, other_user):
    inbox = Inbox()
    client, _invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    theirs = make_invoice(session, other_user, today=_today())
    token = _csrf(client, f"/deals/invoices/{_invoice.id}")
    response = client.post(
        f"/deals/invoices/{theirs.id}/send", data={"csrf_token": token, "to": "x@y.co"}
    )
    assert response.status_code == 404
    assert inbox.messages == []


def test_with_pdf_support_the_pdf_is_attached(start_server, emailing, monkeypatch) -> None:
    from crm.deals import invoice_views

    made: list[str] = []

    def fake_pdf(html: str, base_url: str) -> bytes:
        made.append(html)
        return b"%PDF-1.7 the invoice"

    monkeypatch.setattr(invoice_views, "render_pdf", fake_pdf)
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    _send(client, invoice, to="dana@glow.co")
    (message,) = inbox.messages
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7 the invoice"
    assert invoice.number in made[0]  # made from the printable invoice


@pytest.mark.skipif(pdf_available(), reason="the optional PDF support is installed")
def test_without_pdf_support_nothing_is_attached(start_server, emailing) -> None:
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    _send(client, invoice, to="dana@glow.co")
    (message,) = inbox.messages
    assert list(message.iter_attachments()) == []
    assert message.get_body(("html",)) is not None  # the invoice is in the email itself


def test_the_email_and_its_pdf_are_made_before_the_invoice_is_locked(
    start_server, emailing, monkeypatch
) -> None:
    """Rendering and the PDF hold no lock: other writes don't wait on them."""
    from crm.deals import invoice_views

    calls: list[str] = []
    real_locked, real_render = invoices.locked, invoice_views.render_template

    def recording_locked(*args: Any, **kwargs: Any):
        calls.append("lock")
        return real_locked(*args, **kwargs)

    def recording_render(name: str, **context: Any) -> str:
        if name == "deals/invoice_print.html":
            calls.append("html")
        return real_render(name, **context)

    def fake_pdf(html: str, base_url: str) -> bytes:
        calls.append("pdf")
        return b"%PDF-1.7 the invoice"

    monkeypatch.setattr(invoices, "locked", recording_locked)
    monkeypatch.setattr(invoice_views, "render_template", recording_render)
    monkeypatch.setattr(invoice_views, "render_pdf", fake_pdf)
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    _send(client, invoice, to="dana@glow.co")
    assert len(inbox.messages) == 1
    # Under the lock the HTML is made again only to check the invoice still reads the same.
    assert calls == ["html", "pdf", "lock", "html"]


def test_an_invoice_changed_while_its_email_was_made_is_not_sent(
    start_server, emailing, session, monkeypatch
) -> None:
    from crm.deals import invoice_views

    def pdf_while_it_changes(html: str, base_url: str) -> bytes:
        # Another request edits the draft while this one renders its PDF.
        session.execute(
            update(Invoice).where(Invoice.id == invoice.id).values(billing_details="A new one")
        )
        session.commit()
        return b"%PDF-1.7 the old invoice"

    monkeypatch.setattr(invoice_views, "render_pdf", pdf_while_it_changes)
    inbox = Inbox()
    client, invoice = emailing(f"smtp://{HOST}:{start_server(inbox)}")
    response = _send(client, invoice, to="dana@glow.co")
    assert response.status_code == 302
    assert "changed while its email was being prepared" in page_text(client.get(response.location))
    assert inbox.messages == []
    session.expire_all()
    assert session.get(Invoice, invoice.id).status is InvoiceStatus.DRAFT
