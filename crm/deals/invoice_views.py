"""Invoice pages: settings, a new invoice from a deal, the list, the printable invoice (and its
PDF), editing a draft, sending it by email, and the sent / paid / void actions."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session, end_read
from crm.deals import invoice_drafts, invoice_listing, invoices
from crm.deals.blueprint import bp
from crm.deals.invoice_email import invoice_email
from crm.deals.invoice_forms import (
    ActionForm,
    InvoiceForm,
    InvoiceSettingsForm,
    NewInvoiceForm,
    PaidForm,
    SendInvoiceForm,
)
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.invoice_numbers import InvoiceError, format_number, format_problem, next_number
from crm.deals.invoice_pdf import PDF_MISSING, pdf_available, render_pdf
from crm.deals.models import Deal, DealKind
from crm.emails import smtp
from crm.emails.server import smtp_settings
from crm.market.current import market
from crm.ownership import get_owned_or_404
from crm.saving import saving


@bp.route("/invoices/settings", methods=["GET", "POST"])
def invoice_settings() -> str | Response:
    session, user = db_session(), creator()
    found = invoices.get_settings(session, user.id)
    form = InvoiceSettingsForm(obj=found) if found else InvoiceSettingsForm()
    if request.method == "GET":
        form.next_number.data = str(found.next_seq if found else 1)
        if found is None:
            form.number_format.data = invoices.SettingsData().number_format
    if form.validate_on_submit():
        data = invoices.SettingsData(
            **{name: form[name].data or "" for name in invoices.SettingsData.__dataclass_fields__}
        )
        with saving(form) as saved:
            invoices.save_settings(session, user, data, creator_today())
        if saved:
            flash("Invoice settings saved.", "success")
            return redirect(url_for("deals.invoice_settings"))
    year = creator_today().year
    preview = next_number(session, user.id, year)
    typed = form.number_format.data or ""
    # The typed format previewed only once it reads: another field's error leaves it unchecked.
    if request.method == "POST" and found is not None and format_problem(typed) is None:
        preview = format_number(typed, year, found.next_seq)
    return render_template("deals/invoice_settings.html", form=form, preview=preview)


@bp.route("/<int:deal_id>/invoices/new", methods=["GET", "POST"])
def new_invoice(deal_id: int) -> str | Response:
    session, user, today = db_session(), creator(), creator_today()
    deal = get_owned_or_404(session, Deal, deal_id, user.id)
    if deal.kind is DealKind.GIFTED:  # a typed URL or an old link: no button leads here
        flash(invoices.GIFTED_NOT_INVOICED, "info")
        return redirect(url_for("deals.detail", deal_id=deal.id))
    form = NewInvoiceForm()
    data, deposit = invoice_drafts.draft_for(session, deal, today, market())
    if request.method == "GET":
        form.token.data = new_token()
        form.issue_on.data, form.due_on.data = data.issue_on, data.due_on
        form.billing_details.data = data.billing_details
        form.fill_lines(data.lines)
    if form.validate_on_submit():
        with saving(form, unshown=(AlreadyCreated,)) as saved:
            invoice = invoices.create_invoice(
                session, user, deal, _data(form), today, token=form.token.data
            )
        if isinstance(duplicate := saved.refusal, AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("deals.invoice", invoice_id=duplicate.record.id))
        if saved:
            flash(f"Invoice {invoice.number} saved as a draft.", "success")
            return redirect(url_for("deals.invoice", invoice_id=invoice.id))
    return render_template(
        "deals/invoice_form.html",
        form=form,
        deal=deal,
        invoice=None,
        deposit=deposit,
        number=next_number(session, user.id, today.year),
        add_ons=None if deposit else invoice_drafts.deal_add_ons(session, deal, market()),
    )


def _data(form: InvoiceForm) -> invoices.InvoiceData:
    return invoices.InvoiceData(
        issue_on=form.issue_on.data,
        due_on=form.due_on.data,
        lines=form.lines(),
        billing_details=form.billing_details.data or "",
        notes=form.notes.data or "",
    )


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
def edit_invoice(invoice_id: int) -> str | Response:
    session, user = db_session(), creator()
    invoice = get_owned_or_404(session, Invoice, invoice_id, user.id)
    back = url_for("deals.invoice", invoice_id=invoice.id)
    if request.method == "GET" and invoice.status is not InvoiceStatus.DRAFT:
        flash("Only a draft can be changed: void this one and make a new one.", "info")
        return redirect(back)
    form = InvoiceForm(obj=invoice)
    if request.method == "GET":
        form.fill_lines(
            [invoices.LineData(x.description, x.quantity, x.unit_cents) for x in invoice.lines]
        )
    if form.validate_on_submit():
        # A form opened while a draft and posted once sent: the service refuses (flashed).
        with saving(form) as saved:
            invoices.update_invoice(session, invoice, _data(form), creator_today())
        if saved:
            flash("Invoice saved.", "success")
            return redirect(back)
        if invoice.status is not InvoiceStatus.DRAFT:
            return redirect(back)
    add_ons = (
        None if invoice.is_deposit else invoice_drafts.deal_add_ons(session, invoice.deal, market())
    )
    return render_template(
        "deals/invoice_form.html",
        form=form,
        deal=invoice.deal,
        invoice=invoice,
        deposit=False,
        add_ons=add_ons,
    )


@bp.get("/invoices/")
def invoice_list() -> str:
    session, user = db_session(), creator()
    page = invoice_listing.list_page(
        session, user.id, request.args.get("cursor") or None, current_app.config["PAGE_SIZE"]
    )
    return render_template("deals/invoices.html", page=page, today=creator_today())


def _invoice_page(
    invoice: Invoice,
    paid_form: PaidForm | None = None,
    send_form: SendInvoiceForm | None = None,
    send_error: str | None = None,
) -> str:
    session, user = db_session(), creator()
    if paid_form is None:
        paid_form = PaidForm(formdata=None)
        paid_form.paid_on.data = max(invoice.issue_on, min(invoice.due_on, creator_today()))
    smtp_ready = smtp_settings() is not None
    if send_form is None:
        send_form = SendInvoiceForm(formdata=None)
        if smtp_ready and invoice.deal.contact is not None:
            send_form.to.data = invoice.deal.contact.email
    return render_template(
        "deals/invoice.html",
        invoice=invoice,
        view=invoice_listing.printed(session, user.id, invoice),
        paid_form=paid_form,
        void_form=ActionForm(formdata=None),
        send_form=send_form,
        send_error=send_error,
        smtp_ready=smtp_ready,
        today=creator_today(),
        foreign=invoice.currency != user.currency,
        pdf_missing=PDF_MISSING if not pdf_available() else None,
    )


@bp.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int) -> str:
    return _invoice_page(_owned(invoice_id))


def _owned(invoice_id: int) -> Invoice:
    found = invoices.invoice_for_view(db_session(), creator().id, invoice_id)
    if found is None:
        get_owned_or_404(db_session(), Invoice, invoice_id, creator().id)  # aborts: 404
    assert found is not None
    return found


@bp.get("/invoices/<int:invoice_id>.pdf")
def invoice_pdf(invoice_id: int) -> Response:
    invoice = _owned(invoice_id)
    view = invoice_listing.printed(db_session(), creator().id, invoice)
    html = render_template("deals/invoice_print.html", invoice=invoice, view=view)
    number = invoice.number
    end_read(db_session())  # no transaction held through the rendering
    pdf = render_pdf(html, request.url_root)
    if pdf is None:
        flash(PDF_MISSING, "info")
        return redirect(url_for("deals.invoice", invoice_id=invoice_id))
    # send_file quotes the name, with a UTF-8 copy: any invoice number makes a valid header.
    return send_file(
        BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=f"{number}.pdf"
    )


@bp.post("/invoices/<int:invoice_id>/send")
def send_invoice(invoice_id: int) -> str | Response:
    """Email the invoice through the SMTP server, then mark a draft sent; a refusal marks
    nothing."""
    session, user_id = db_session(), creator().id
    found = _owned(invoice_id)  # another creator's invoice: 404 before anything else
    settings = smtp_settings()
    if settings is None:
        flash(
            "Sending isn't set up on this server: download or print the invoice, email it "
            "from your mail app, then mark it sent.",
            "info",
        )
        return redirect(url_for("deals.invoice", invoice_id=invoice_id))
    form = SendInvoiceForm()
    if not form.validate_on_submit():
        return _invoice_page(found, send_form=form)
    to = form.to.data.strip()
    # The email and its PDF are made from a plain read, with no lock held meanwhile: the
    # invoice is locked only to check it still reads the same, mark it, and send.
    email = _outgoing(found, to)
    end_read(session)
    pdf = render_pdf(email.html, request.url_root)
    found = invoices.locked(session, user_id, invoice_id) or _owned(invoice_id)
    with saving(refusals=(smtp.SendError,), show=False) as saved:
        if _outgoing(found, to) != email:
            raise InvoiceError(CHANGED_WHILE_SENDING)
        # A draft is marked sent first (its details frozen as they go out); the commit
        # comes only after the server took the email.
        invoices.mark_emailed(session, found, to)
        smtp.send(settings, smtp.build_message(settings, _with_pdf(email, found.number, pdf)))
    if isinstance(saved.refusal, smtp.SendError):
        return _invoice_page(
            _owned(invoice_id), send_form=form, send_error=f"Not sent: {saved.error.message}"
        )
    if saved.error is not None:  # void or changed: its page has no form to show it beside
        flash(f"Not sent: {saved.error.message}", "error")
        return redirect(url_for("deals.invoice", invoice_id=invoice_id))
    flash(f"Invoice {found.number} sent to {to}.", "success")
    return redirect(url_for("deals.invoice", invoice_id=invoice_id))


CHANGED_WHILE_SENDING = (
    "This invoice changed while its email was being prepared. Check it, then send it again."
)


def _outgoing(invoice: Invoice, to: str) -> smtp.Outgoing:
    """The email: from the creator, its text and the printable invoice as HTML."""
    session, user = db_session(), creator()
    settings = invoices.get_settings(session, user.id)
    sender = user.display_name or user.handle_display
    business = (settings.business_name if settings else "") or sender or user.email
    contact = invoice.deal.contact
    to_name = contact.name if contact is not None and contact.email == to else ""
    view = invoice_listing.printed(session, user.id, invoice)
    text = invoice_email(invoice, view, business, to_name)
    html = render_template("deals/invoice_print.html", invoice=invoice, view=view)
    return smtp.Outgoing(sender, user.email, to_name, to, text.subject, text.body, html=html)


def _with_pdf(email: smtp.Outgoing, number: str, pdf: bytes | None) -> smtp.Outgoing:
    """The email with the invoice's PDF attached, when there is one."""
    if pdf is None:
        return email
    return replace(email, attachments=((f"{number}.pdf", "application/pdf", pdf),))


@bp.post("/invoices/<int:invoice_id>/sent")
def mark_invoice_sent(invoice_id: int) -> Response:
    session = db_session()
    found = invoices.locked(session, creator().id, invoice_id) or _owned(invoice_id)
    form = ActionForm()
    if form.validate_on_submit():
        with saving() as saved:
            changed = invoices.mark_sent(session, found)
        if saved:
            flash("Marked sent." if changed else "That invoice was sent already.", "info")
    return redirect(url_for("deals.invoice", invoice_id=invoice_id))


@bp.post("/invoices/<int:invoice_id>/paid")
def mark_invoice_paid(invoice_id: int) -> str | Response:
    session, user = db_session(), creator()
    found = invoices.locked(session, user.id, invoice_id) or _owned(invoice_id)
    form = PaidForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            changed = invoices.mark_paid(
                session,
                user,
                found,
                form.paid_on.data,
                creator_today(),
                market(),
                form.rate.millionths,
            )
        if saved:
            flash(
                "Marked paid: its income is recorded." if changed else "It was paid already.",
                "success" if changed else "info",
            )
            return redirect(url_for("deals.invoice", invoice_id=invoice_id))
    return _invoice_page(_owned(invoice_id), form)


@bp.route("/invoices/<int:invoice_id>/void", methods=["GET", "POST"])
def void_invoice(invoice_id: int) -> str | Response:
    session = db_session()
    form = ActionForm()
    back = redirect(url_for("deals.invoice", invoice_id=invoice_id))
    if request.method == "GET":
        found = _owned(invoice_id)
        if found.status is InvoiceStatus.VOID:  # an old link or the back button
            flash(VOID_ALREADY, "info")
            return back
        return render_template("deals/invoice_void.html", invoice=found, form=form)
    found = invoices.locked(session, creator().id, invoice_id) or _owned(invoice_id)
    if found.status is InvoiceStatus.PAID and request.form.get("confirm") != "yes":
        # A paid invoice's income goes with it: the confirm page asks first.
        return render_template("deals/invoice_void.html", invoice=found, form=form)
    if form.validate_on_submit():
        with saving() as saved:
            changed = invoices.void_invoice(session, found)
        if saved:
            flash(f"Invoice {found.number} is void." if changed else VOID_ALREADY, "info")
    return back


VOID_ALREADY = "It's void already."
