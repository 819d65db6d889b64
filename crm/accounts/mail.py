"""Account emails (sign-up links, reset links, "someone tried"), sent after the response.

They go out once the response has been written (call_on_close), so a visitor can't
time the answer to learn whether an address has an account: the page is the same
and it is sent before any mail server is contacted.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import after_this_request, current_app, has_request_context, request, url_for
from werkzeug.wrappers import Response

from crm.emails.smtp import Outgoing, SendError, SmtpConfigError, build_message, parse_smtp_url
from crm.emails.smtp import send as smtp_send

log = logging.getLogger(__name__)

SENDER_NAME = "Creator CRM"
# Where a local install is reached when nothing else says (`crm run` and `crm demo`).
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def mail_configured() -> bool:
    """True when this server can send email (CRM_SMTP_URL is set)."""
    return bool(current_app.config["SMTP_URL"])


def base_url() -> str:
    """Where emailed links point: CRM_BASE_URL, else this machine.

    A Host header is the visitor's to choose: trusted, it would let anyone have a reset
    link for someone else's account mailed pointing at their own server. Without
    CRM_BASE_URL only a loopback host (a laptop install opened on this machine) is used.
    """
    configured = current_app.config["BASE_URL"]
    if configured:
        return configured
    if has_request_context() and _is_loopback(request.host):
        return request.host_url
    return LOCAL_BASE_URL


def _is_loopback(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email, under base_url()."""
    with current_app.test_request_context(base_url=base_url()):
        return url_for(endpoint, _external=True, **values)


def send_after_response(
    to_address: str,
    subject: str,
    body: str,
    *,
    to_name: str = "",
    from_name: str = SENDER_NAME,
    from_address: str = "",
) -> None:
    """Queue one email to go out once the current response is sent.

    From this server (CRM_SMTP_URL's sender, else no-reply@) unless `from_address` names
    someone, a creator, whose address is then the From or, with a server sender, Reply-To.
    """
    config = current_app.config
    try:
        settings = parse_smtp_url(config["SMTP_URL"], timeout=config["SMTP_TIMEOUT"])
    except SmtpConfigError as error:
        # The visitor's page must not depend on it; whoever runs the server reads the log.
        log.error("Email to %s not sent: %s", to_address, error)
        return
    sender = from_address or settings.sender or f"no-reply@{_host(config['BASE_URL'])}"
    email = Outgoing(from_name, sender, to_name, to_address, subject, body)

    @after_this_request
    def _queue(response: Response) -> Response:
        response.call_on_close(lambda: deliver(settings, email))
        return response


def deliver(settings: Any, email: Outgoing) -> None:
    """Send now; a failure is logged (the visitor already has their page)."""
    try:
        smtp_send(settings, build_message(settings, email))
    except (SendError, SmtpConfigError) as error:
        log.error("Email to %s not sent: %s", email.to_address, error)


def _host(url: str) -> str:
    return urlsplit(url).hostname or "localhost"


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
