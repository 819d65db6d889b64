"""Approval emails: the link to the brand's contact, and "the brand answered" to the creator.

Sent once the response is written (as the account emails are), and only with mail on.
"""

from __future__ import annotations

import logging

from flask import after_this_request, current_app
from werkzeug.wrappers import Response

from crm.accounts.mail import SENDER_NAME, deliver, mail_configured
from crm.accounts.models import User
from crm.approvals.models import AnswerKind
from crm.deals.models import Deal, Deliverable
from crm.emails.smtp import Outgoing, SmtpConfigError, parse_smtp_url

log = logging.getLogger(__name__)


def _send_after_response(email: Outgoing) -> None:
    config = current_app.config
    try:
        settings = parse_smtp_url(config["SMTP_URL"], timeout=config["SMTP_TIMEOUT"])
    except SmtpConfigError as error:
        log.error("Approval email to %s not sent: %s", email.to_address, error)
        return

    @after_this_request
    def _queue(response: Response) -> Response:
        response.call_on_close(lambda: deliver(settings, email))
        return response


def send_link(owner: User, deal: Deal, url: str, days: int) -> bool:
    """Email the link to the deal's contact; False when mail is off or there is no address."""
    contact = deal.contact
    if not mail_configured() or contact is None or not contact.email:
        return False
    name = owner.display_name or owner.handle_display or owner.email
    body = (
        f"Hi {contact.name or 'there'},\n\n"
        f"The drafts for {deal.title} are ready for your review. Approve them, or ask for a "
        f"revision, here (no login needed; the link works for {days} days):\n{url}\n\n"
        f"Thanks,\n{name}\n"
    )
    email = Outgoing(
        name, owner.email, contact.name, contact.email, f"For your approval: {deal.title}", body
    )
    _send_after_response(email)
    return True


def tell_creator(owner: User, deliverable: Deliverable, kind: AnswerKind, comment: str) -> None:
    """Email the creator that the brand answered (with mail on)."""
    if not mail_configured():
        return
    deal = deliverable.deal
    what = "approved" if kind is AnswerKind.APPROVED else "asked for a revision of"
    body = f"{deal.brand.name} {what} {deliverable.title} ({deal.title}) through your link.\n"
    if comment:
        body += f"\nTheir comment:\n{comment}\n"
    subject = f"{deal.brand.name} {what} {deliverable.title}"
    sender = parse_smtp_url(current_app.config["SMTP_URL"]).sender or owner.email
    _send_after_response(Outgoing(SENDER_NAME, sender, "", owner.email, subject, body))
