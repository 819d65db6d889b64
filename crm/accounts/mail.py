"""Account emails (sign-up links, reset links, "someone tried"), sent after the response.

They go out once the response has been written (call_on_close), so a visitor can't
time the answer to learn whether an address has an account: the page is the same
and it is sent before any mail server is contacted.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import after_this_request, current_app, url_for
from werkzeug.wrappers import Response

from crm.emails.smtp import Outgoing, SendError, SmtpConfigError, build_message, parse_smtp_url
from crm.emails.smtp import send as smtp_send

log = logging.getLogger(__name__)

SENDER_NAME = "Creator CRM"


def mail_configured() -> bool:
    """True when this server can send email (CRM_SMTP_URL is set)."""
    return bool(current_app.config["SMTP_URL"])


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email: under CRM_BASE_URL when set, else the request's own host."""
    base = current_app.config["BASE_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def send_after_response(to_address: str, subject: str, body: str) -> None:
    """Queue one account email to go out once the current response is sent."""
    config = current_app.config
    try:
        settings = parse_smtp_url(config["SMTP_URL"], timeout=config["SMTP_TIMEOUT"])
    except SmtpConfigError as error:
        # The visitor's page must not depend on it; whoever runs the server reads the log.
        log.error("Account email to %s not sent: %s", to_address, error)
        return
    sender = settings.sender or f"no-reply@{_host(config['BASE_URL'])}"
    email = Outgoing(SENDER_NAME, sender, "", to_address, subject, body)

    @after_this_request
    def _queue(response: Response) -> Response:
        response.call_on_close(lambda: deliver(settings, email))
        return response


def deliver(settings: Any, email: Outgoing) -> None:
    """Send now; a failure is logged (the visitor already has their page)."""
    try:
        smtp_send(settings, build_message(settings, email))
    except (SendError, SmtpConfigError) as error:
        log.error("Account email to %s not sent: %s", email.to_address, error)


def _host(base_url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(base_url).hostname or "localhost"


def sign_up_body(link: str) -> str:
    """The email with the link that finishes sign-up."""
    return (
        "Someone (hopefully you) started creating a Creator CRM account with this address.\n\n"
        f"Finish it here (the link works for 24 hours):\n{link}\n\n"
        "If it wasn't you, ignore this email: no account is created without the link.\n"
    )


def already_registered_body(login_link: str, reset_link: str) -> str:
    """The "someone tried to sign up with your address" email."""
    return (
        "Someone tried to create a Creator CRM account with this address, "
        "but you already have one.\n\n"
        f"If it was you, log in here:\n{login_link}\n\n"
        f"Forgot your password? Ask for a reset link here:\n{reset_link}\n\n"
        "If it wasn't you, you can ignore this email: nothing changed on your account.\n"
    )


def reset_body(link: str) -> str:
    """The email with a password-reset link."""
    return (
        "Someone (hopefully you) asked to reset the password of your Creator CRM account.\n\n"
        f"Choose a new password here (the link works once, for one hour):\n{link}\n\n"
        "Using it logs you out everywhere. If it wasn't you, ignore this email: "
        "your password stays as it is.\n"
    )
