"""Contact pages: add, edit, remove, and pick a brand's primary contact."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.brands import services
from crm.brands.blueprint import bp
from crm.brands.forms import ContactForm
from crm.brands.models import Brand, Contact
from crm.database import db_session
from crm.ownership import get_owned_or_404
from crm.saving import saving


def _contact_data(form: ContactForm) -> services.ContactData:
    return services.ContactData(
        name=form.name.data or "",
        email=form.email.data or "",
        role=form.role.data or "",
        is_primary=bool(form.is_primary.data),
    )


@bp.route("/<int:brand_id>/contacts/new", methods=["GET", "POST"])
def new_contact(brand_id: int) -> str | Response:
    brand = get_owned_or_404(db_session(), Brand, brand_id, creator().id)
    return _save_contact(ContactForm(), brand, None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(contact_id: int) -> str | Response:
    contact = get_owned_or_404(db_session(), Contact, contact_id, creator().id)
    return _save_contact(ContactForm(obj=contact), contact.brand, contact)


def _save_contact(form: ContactForm, brand: Brand, contact: Contact | None) -> str | Response:
    if request.method == "GET" and contact is None and not brand.contacts:
        form.is_primary.data = True
    if form.validate_on_submit():
        with saving(form) as saved:
            stored = services.save_contact(db_session(), brand, contact, _contact_data(form))
        if saved:
            flash(f"{stored.name} saved.", "success")
            return redirect(url_for("brands.detail", brand_id=brand.id) + "#contacts")
    return render_template("brands/contact_form.html", form=form, brand=brand, contact=contact)


@bp.post("/contacts/<int:contact_id>/delete")
def delete_contact(contact_id: int) -> Response:
    session = db_session()
    contact = get_owned_or_404(session, Contact, contact_id, creator().id)
    brand_id, name = contact.brand_id, contact.name
    with saving():
        services.delete_contact(session, contact)
    flash(f"{name} removed.", "info")
    return redirect(url_for("brands.detail", brand_id=brand_id) + "#contacts")


@bp.post("/contacts/<int:contact_id>/primary")
def make_primary(contact_id: int) -> Response:
    session = db_session()
    contact = get_owned_or_404(session, Contact, contact_id, creator().id)
    with saving():
        services.make_primary(session, contact)
    flash(f"{contact.name} is now the primary contact.", "success")
    return redirect(url_for("brands.detail", brand_id=contact.brand_id) + "#contacts")
