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


def confirm_to_brand(owner: User, to_address: str, rates: tuple[RateLine, ...]) -> None:
    """Tell the brand its inquiry arrived, with the rate card's "from" prices.

    Fixed text and the creator's own card only: the form takes any address, so nothing
    the sender typed (a name, a message) may ride along to whoever owns it.
    """
    if not mail_configured():
        return
    name = creator_name(owner)
    lines = [
        "Hi,",
        "",
        f"{name} has your inquiry through their media kit and will answer by email.",
    ]
    if rates:
        lines += ["", "Rates start from:", *(f"- {r.label}: from {r.text}" for r in rates)]
    lines += ["", "If you didn't send an inquiry, ignore this email.", ""]
    send_after_response(to_address, f"Your inquiry to {name}", "\n".join(lines))


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
