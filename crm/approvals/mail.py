"""Approval emails: the link to the brand's contact, and "the brand answered" to the creator.

Sent once the response is written, through crm.accounts.mail.send_after_response (which
logs a wrong mail setting instead of failing the brand's page), and only with mail on.
"""

from __future__ import annotations

from crm.accounts.mail import mail_configured, send_after_response
from crm.accounts.models import User
from crm.approvals.models import AnswerKind
from crm.deals.models import Deal, Deliverable


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
    send_after_response(
        contact.email,
        f"For your approval: {deal.title}",
        body,
        to_name=contact.name,
        from_name=name,
        from_address=owner.email,
    )
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
    send_after_response(owner.email, f"{deal.brand.name} {what} {deliverable.title}", body)
