"""The inquiry form of a media kit: /kit/<slug>/inquire, no login.

Why its own page: the kit page is publicly cached (Cache-Control public, an ETag of the
rendered HTML), the same bytes for every visitor, so it can't hold a CSRF token (a token
bound to one visitor's session, kept in a shared cache, would be served to everyone and
fail for all but one). The kit links here with a button; this page is never cached
(no-store, as every app page) and carries the visitor's own token. A kit that is off and
a slug nobody has give the same 404 on GET and POST. A POST is counted per address (the
shared throttle) before anything else; a filled honeypot gets the same "sent" page and
nothing is stored. Only a post that passed the honeypot and the form's checks counts
against the kit, so thrown-away bot posts don't lock real brands out. The brand's
confirmation mail is counted per email address a day (CRM_INQUIRY_MAX_PER_EMAIL): the
form takes any address.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from crm import database
from crm.accounts import login as auth
from crm.accounts.mail import mail_configured
from crm.accounts.models import User
from crm.database import db_session
from crm.inquiries import mail, services
from crm.inquiries.forms import InquiryForm
from crm.kit.models import MediaKit
from crm.kit.page import kit_page, published_kit
from crm.market.current import market
from crm.saving import saving

bp = Blueprint("inquire", __name__, url_prefix="/kit")

TOO_MANY = "Too many inquiries in a short time. Wait a few minutes and send it again."


def _published(slug: str) -> tuple[MediaKit, User]:
    found = published_kit(db_session(), slug)
    if found is None:
        abort(404)
    return found


def _form_page(kit: MediaKit, owner: User, form: InquiryForm) -> str:
    form.budget.description = f"Optional, in {owner.currency}."
    return render_template(
        "inquiries/form.html", kit=kit, creator=mail.creator_name(owner), form=form
    )


@bp.get("/<slug>/inquire")
def form(slug: str) -> str:
    """The inquiry form: who you are, what you want, a message."""
    kit, owner = _published(slug)
    return _form_page(kit, owner, InquiryForm())


@bp.post("/<slug>/inquire")
def send(slug: str) -> str | Response:
    """File the inquiry as an inbound pitch and tell both sides."""
    _published(slug)  # an unknown slug is a 404 before anything is counted
    if not auth.throttle().inquiry_attempt(auth.client_address()):
        abort(429, TOO_MANY)
    kit, owner = _published(slug)  # the throttle ended the read: load them again
    form = InquiryForm()
    if form.is_bot():
        return redirect(url_for("inquire.sent", slug=slug), 303)
    if not form.validate_on_submit():
        return _form_page(kit, owner, form)
    kit_id = kit.id  # read before the throttle ends the request's read
    if not auth.throttle().inquiry_to_kit(kit_id):
        abort(429, TOO_MANY)
    kit, owner = _published(slug)  # the throttle ended the read: load them again
    with saving(form) as saved:
        inquiry = services.receive(db_session(), owner, form.data_for(), database.utcnow())
    if not saved:
        return _form_page(kit, owner, form)
    brand_email = inquiry.email  # read before the count ends the read
    confirm = mail_configured() and auth.daily_throttle().inquiry_confirmation(brand_email)
    if confirm:  # past the per-address limit the inquiry is filed, unconfirmed
        page = kit_page(db_session(), kit, owner, market())
        mail.confirm_to_brand(owner, brand_email, page.rates if page.shows("rates") else ())
    mail.tell_creator(owner, inquiry)
    return redirect(url_for("inquire.sent", slug=slug), 303)


@bp.get("/<slug>/inquire/sent")
def sent(slug: str) -> str:
    """The brand's confirmation, with the kit's rate card."""
    kit, owner = _published(slug)
    page = kit_page(db_session(), kit, owner, market())
    return render_template("inquiries/sent.html", kit=page, creator=mail.creator_name(owner))
