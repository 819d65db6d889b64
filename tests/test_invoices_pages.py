"""Invoice pages: settings, a new draft from a deal, editing, the actions, print and PDF."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.database import utcnow
from crm.deals import invoices
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.models import DealKind, PaymentTerms
from crm.income.models import IncomeEntry
from tests.factories_deals import make_deal, make_deliverable, make_invoice


def page_text(response) -> str:
    """The page's words, tags out and spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _csrf(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _html(client, url))
    if found is None:
        found = re.search(r'name="csrf_token" value="([^"]+)"', _html(client, url))
    assert found, url
    return found.group(1)


def _html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _count(session: Session, model: type, user: User) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.owner_id == user.id))


def _today() -> object:
    return utcnow().date()


def test_settings_save_and_preview_the_next_number(logged_in, session, user) -> None:
    url = "/deals/invoices/settings"
    form = {
        "csrf_token": _csrf(logged_in, url),
        "business_name": "Maya Makes",
        "address": "1 Main St\nBerlin",
        "tax_id": "DE123",
        "payment_instructions": "IBAN DE00 1234",
        "number_format": "MM-{seq:03d}",
    }
    response = logged_in.post(url, data=form, follow_redirects=True)
    assert "Invoice settings saved." in page_text(response)
    assert "Your next invoice: MM-001" in page_text(response)
    assert invoices.get_settings(session, user.id).business_name == "Maya Makes"


def test_a_bad_number_format_is_refused_beside_the_field(logged_in, session, user) -> None:
    url = "/deals/invoices/settings"
    form = {"csrf_token": _csrf(logged_in, url), "number_format": "INV-{month}"}
    html = logged_in.post(url, data=form).get_data(as_text=True)
    assert 'id="number_format-error"' in html and "Only {year} and {seq}" in html
    assert invoices.get_settings(session, user.id) is None


def _new_form(client: FlaskClient, deal_id: int) -> dict[str, str]:
    return _form_fields(_html(client, f"/deals/{deal_id}/invoices/new"))


def _form_fields(html: str) -> dict[str, str]:
    """An invoice form's inputs and text areas as the page fills them."""
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.update(re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', html)[::-1])
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        fields[name] = text.strip()
    return fields


def test_a_new_invoice_starts_from_the_deals_deliverables(logged_in, session, user) -> None:
    deal = make_deal(session, user, amount_cents=80_000, payment_terms=PaymentTerms.NET_30)
    make_deliverable(session, user, deal, title="Hook video")
    make_deliverable(session, user, deal, title="Review video")
    form = _new_form(logged_in, deal.id)
    assert (form["line0_description"], form["line0_unit"]) == ("Hook video", "400")
    assert form["line1_description"] == "Review video"
    assert form["due_on"] == (_today() + timedelta(days=30)).isoformat()
    response = logged_in.post(f"/deals/{deal.id}/invoices/new", data=form)
    assert response.status_code == 302
    again = logged_in.post(f"/deals/{deal.id}/invoices/new", data=form, follow_redirects=True)
    assert "already saved" in page_text(again)
    invoice = session.scalars(select(Invoice).where(Invoice.owner_id == user.id)).one()
    assert invoice.total_cents == 80_000 and invoice.status is InvoiceStatus.DRAFT


def test_a_started_line_without_its_price_is_refused_beside_it(logged_in, session, user) -> None:
    deal = make_deal(session, user)
    form = _new_form(logged_in, deal.id)
    form.update(line3_description="Raw footage", line3_unit="")
    html = logged_in.post(f"/deals/{deal.id}/invoices/new", data=form).get_data(as_text=True)
    assert 'id="line3_unit-error"' in html and "Enter the price per unit." in html
    assert _count(session, Invoice, user) == 0


def test_the_edit_page_shows_the_number_and_a_posted_one_changes_nothing(
    logged_in, session, user
) -> None:
    first, second = make_invoice(session, user), make_invoice(session, user)
    url = f"/deals/invoices/{second.id}/edit"
    html = _html(logged_in, url)
    assert 'name="number"' not in html and "INV-2026-0002" in html
    fields = _form_fields(html)
    # A number sent anyway (an old form, a script) is not read; the rest is saved.
    fields.update(number=first.number, line0_unit="123", csrf_token=_csrf(logged_in, url))
    assert logged_in.post(url, data=fields).status_code == 302
    session.expire_all()
    edited = session.get(Invoice, second.id)
    assert edited.number == "INV-2026-0002" and edited.lines[0].unit_cents == 12_300


def _post(client: FlaskClient, invoice: Invoice, action: str, **data: str):
    token = _csrf(client, f"/deals/invoices/{invoice.id}")
    return client.post(
        f"/deals/invoices/{invoice.id}/{action}",
        data={"csrf_token": token, **data},
        follow_redirects=True,
    )


def test_paid_twice_or_replayed_records_the_income_once(logged_in, session, user) -> None:
    invoice = make_invoice(session, user, today=_today())
    paid = {"paid_on": _today().isoformat()}
    assert "its income is recorded" in page_text(_post(logged_in, invoice, "paid", **paid))
    assert "paid already" in page_text(_post(logged_in, invoice, "paid", **paid))
    assert _count(session, IncomeEntry, user) == 1


def test_a_paid_date_in_the_future_is_refused_beside_it(logged_in, session, user) -> None:
    invoice = make_invoice(session, user, today=_today())
    tomorrow = {"paid_on": (_today() + timedelta(days=1)).isoformat()}
    html = _post(logged_in, invoice, "paid", **tomorrow).get_data(as_text=True)
    assert 'id="paid_on-error"' in html
    assert _count(session, IncomeEntry, user) == 0


def test_voiding_a_paid_invoice_asks_first_then_removes_its_income(
    logged_in, session, user
) -> None:
    invoice = make_invoice(session, user, today=_today())
    _post(logged_in, invoice, "paid", paid_on=_today().isoformat())
    asked = _post(logged_in, invoice, "void")
    assert "Voiding it also removes" in page_text(asked)
    assert _count(session, IncomeEntry, user) == 1
    done = _post(logged_in, invoice, "void", confirm="yes")
    assert "is void" in page_text(done)
    assert _count(session, IncomeEntry, user) == 0
    session.expire_all()
    assert session.get(Invoice, invoice.id).status is InvoiceStatus.VOID


def test_mark_sent_then_the_list_shows_it_overdue_once_past_due(logged_in, session, user) -> None:
    deal = make_deal(session, user, payment_terms=PaymentTerms.NET_15)
    invoice = make_invoice(
        session, user, deal, today=_today(), issue_on=_today() - timedelta(days=3)
    )
    assert "Marked sent." in page_text(_post(logged_in, invoice, "sent"))
    overdue = 'class="badge bad">Overdue'
    assert overdue not in logged_in.get("/deals/invoices/").get_data(as_text=True)
    invoice.due_on = invoice.issue_on + timedelta(days=1)
    session.commit()
    assert overdue in logged_in.get("/deals/invoices/").get_data(as_text=True)


def test_the_print_page_has_the_lines_totals_and_both_parties(logged_in, session, user) -> None:
    invoices.save_settings(session, user, invoices.SettingsData(business_name="Maya Makes"))
    session.commit()
    deal = make_deal(session, user, amount_cents=50_050)
    make_deliverable(session, user, deal, title="Hook video")
    invoice = make_invoice(session, user, deal)
    text = page_text(logged_in.get(f"/deals/invoices/{invoice.id}"))
    assert "Hook video" in text and "Maya Makes" in text and deal.brand.name in text
    assert "Total (USD) $500.50" in text


def test_without_weasyprint_the_pdf_button_says_what_to_install(
    logged_in, session, user, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    invoice = make_invoice(session, user)
    text = page_text(logged_in.get(f"/deals/invoices/{invoice.id}"))
    assert "pip install 'creator-crm[pdf]'" in text
    response = logged_in.get(f"/deals/invoices/{invoice.id}.pdf", follow_redirects=True)
    assert "PDF needs the optional PDF support" in page_text(response)


def test_with_weasyprint_the_pdf_is_the_invoice_on_one_page(app, logged_in, session, user) -> None:
    weasyprint = pytest.importorskip(
        "weasyprint", reason="the optional PDF support is not installed"
    )
    from flask import render_template

    from crm.deals.invoice_listing import printed

    deal = make_deal(session, user)
    make_deliverable(session, user, deal, title="Hook video")
    invoice = make_invoice(session, user, deal)
    response = logged_in.get(f"/deals/invoices/{invoice.id}.pdf")
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    with app.test_request_context():
        html = render_template(
            "deals/invoice_print.html", invoice=invoice, view=printed(session, user.id, invoice)
        )
    assert "Hook video" in html and "$900" in html
    assert len(weasyprint.HTML(string=html).render().pages) == 1


@pytest.mark.parametrize("number", ['Счёт-"7"', "INV; 2026\\1"])
def test_the_pdf_downloads_under_its_invoice_number_whatever_it_holds(
    logged_in, session, user, monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    from werkzeug.http import parse_options_header

    from crm.deals import invoice_views

    monkeypatch.setattr(invoice_views, "render_pdf", lambda html, base_url: b"%PDF-1.4")
    invoice = make_invoice(session, user)
    invoice.number = number
    session.commit()
    response = logged_in.get(f"/deals/invoices/{invoice.id}.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-1.4"
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # a header carries no raw non-ASCII text
    assert parse_options_header(header) == ("attachment", {"filename": f"{number}.pdf"})


def test_an_invoice_in_another_currency_asks_its_rate_beside_the_field(
    logged_in, session, user
) -> None:
    invoice = make_invoice(session, user, make_deal(session, user, currency="EUR"), today=_today())
    html = _post(logged_in, invoice, "paid", paid_on=_today().isoformat()).get_data(as_text=True)
    assert 'id="rate-error"' in html and "Enter the rate" in html
    assert _count(session, IncomeEntry, user) == 0
    _post(logged_in, invoice, "paid", paid_on=_today().isoformat(), rate="1.10")
    entry = session.scalars(select(IncomeEntry).where(IncomeEntry.owner_id == user.id)).one()
    assert (entry.amount_cents, entry.currency, entry.reporting_cents) == (90_000, "EUR", 99_000)


def test_a_sent_invoice_cannot_be_edited(logged_in, session, user) -> None:
    invoice = make_invoice(session, user)
    url = f"/deals/invoices/{invoice.id}/edit"
    html = _html(logged_in, url)
    fields = _form_fields(html)
    invoices.mark_sent(session, invoice)
    session.commit()
    fields.update(line0_unit="1", csrf_token=_csrf(logged_in, f"/deals/invoices/{invoice.id}"))
    response = logged_in.post(url, data=fields, follow_redirects=True)
    assert "Only a draft can be changed" in page_text(response)
    session.expire_all()
    assert session.get(Invoice, invoice.id).total_cents == 90_000


def test_a_bad_format_beside_another_fields_error_is_not_previewed(
    logged_in, session, user
) -> None:
    invoices.save_settings(session, user, invoices.SettingsData(business_name="Maya Makes"))
    session.commit()
    url = "/deals/invoices/settings"
    form = {"csrf_token": _csrf(logged_in, url), "business_name": "x" * 5_000,
            "number_format": "INV-{n}"}  # fmt: skip
    response = logged_in.post(url, data=form)
    assert response.status_code == 200  # the name's error shown, not a 500 from the preview
    assert invoices.get_settings(session, user.id).business_name == "Maya Makes"


@pytest.mark.parametrize("bill_to", ["", "   \n "])
def test_an_invoice_without_bill_to_is_refused_beside_it(logged_in, session, user, bill_to) -> None:
    deal = make_deal(session, user)
    form = {**_new_form(logged_in, deal.id), "billing_details": bill_to}
    html = logged_in.post(f"/deals/{deal.id}/invoices/new", data=form).get_data(as_text=True)
    assert 'id="billing_details-error"' in html and "the brand's billing name" in unescape(html)
    assert _count(session, Invoice, user) == 0


def test_a_draft_saved_without_bill_to_keeps_its_own(logged_in, session, user) -> None:
    invoice = make_invoice(session, user)
    url = f"/deals/invoices/{invoice.id}/edit"
    html = _html(logged_in, url)
    fields = _form_fields(html)
    fields.update(billing_details="", csrf_token=_csrf(logged_in, url))
    html = logged_in.post(url, data=fields).get_data(as_text=True)
    assert 'id="billing_details-error"' in html
    session.expire_all()
    assert session.get(Invoice, invoice.id).billing_details == invoice.deal.brand.name


def test_the_service_refuses_an_invoice_without_bill_to(session, user) -> None:
    deal = make_deal(session, user)
    data = invoices.InvoiceData(_today(), _today(), [invoices.LineData("Video", 1, 100)], " ")
    with pytest.raises(invoices.InvoiceError) as refused:
        invoices.create_invoice(session, user, deal, data, _today())
    assert refused.value.field == "billing_details"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_gifted_deals_new_invoice_link_goes_back_to_the_deal(
    logged_in, session, user, method
) -> None:
    deal = make_deal(session, user, kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=5_000)
    url = f"/deals/{deal.id}/invoices/new"
    data = {"csrf_token": _csrf(logged_in, f"/deals/{deal.id}")} if method == "post" else None
    response = getattr(logged_in, method)(url, data=data)
    assert (response.status_code, response.location) == (302, f"/deals/{deal.id}")
    page = page_text(logged_in.get(response.location))
    assert "Gifted deals are not invoiced" in page
    assert _count(session, Invoice, user) == 0
