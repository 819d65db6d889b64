"""This server's mail settings, for pages that send the creator's email (pitches, invoices)."""

from __future__ import annotations

from flask import current_app

from crm.emails import smtp


def smtp_settings() -> smtp.SmtpSettings | None:
    """The SMTP settings, or None when sending is off or its setting is wrong.

    A wrong setting goes to the log, for whoever runs the server: the creator
    can't change it from a page, so the page only says sending is off.
    """
    url = current_app.config.get("SMTP_URL") or ""
    if not url:
        return None
    try:
        return smtp.parse_smtp_url(url, float(current_app.config["SMTP_TIMEOUT"]))
    except smtp.SmtpConfigError as error:
        current_app.logger.warning("Sending from the app is off: %s", error)
        return None
