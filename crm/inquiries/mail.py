"""Inquiry emails: a short confirmation to the brand, "a new inquiry" to the creator.

Sent once the response is written (crm.accounts.mail.send_after_response), only with mail on.
"""

from __future__ import annotations

from crm.accounts.mail import absolute_url, mail_configured, send_after_response
from crm.accounts.models import User
from crm.inquiries.models import Inquiry
from crm.inquiries.services import summary_lines
from crm.kit.rate_card import RateLine


def creator_name(owner: User) -> str:
    return owner.display_name.strip() or owner.handle_display or "the creator"


def confirm_to_brand(owner: User, inquiry: Inquiry, rates: tuple[RateLine, ...]) -> None:
    """Tell the brand its inquiry arrived, with the rate card's "from" prices."""
    if not mail_configured():
        return
    name = creator_name(owner)
    lines = [f"Hi {inquiry.name},", "", f"{name} has your inquiry and will answer by email.", ""]
    if rates:
        lines += ["Rates start from:", *(f"- {r.label}: from {r.text}" for r in rates), ""]
    lines += ["What you asked for:", *summary_lines(inquiry), "", "Thanks!"]
    send_after_response(inquiry.email, f"Your inquiry to {name}", "\n".join(lines) + "\n")


def tell_creator(owner: User, inquiry: Inquiry) -> None:
    """Email the creator that a brand asked through the kit."""
    if not mail_configured():
        return
    link = absolute_url("pitches.detail", pitch_id=inquiry.pitch_id)
    body = "\n".join(
        [
            f"{inquiry.company}: {inquiry.name} ({inquiry.email}) asked through your media kit.",
            "",
            *summary_lines(inquiry),
            "",
            inquiry.message,
            "",
            f"The pitch in your pipeline: {link}",
        ]
    )
    send_after_response(owner.email, f"New inquiry from {inquiry.company}", body.strip() + "\n")
