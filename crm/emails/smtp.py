"""Sending an email through the SMTP server named by CRM_SMTP_URL.

    smtp://127.0.0.1:8025                         plain, no login (a local relay)
    smtp://user:pass@smtp.example.com:587?starttls=1
    smtps://user:pass@smtp.example.com            TLS from the start (port 465)
    ...?from=pitches@crm.example.com              see "Who the email is from"

User name and password are percent-encoded in the URL ('@' as %40).

Who the email is from: by default the creator's own account email, so the brand
sees and answers the creator. That is right when the server is the creator's own
(their Gmail or Fastmail SMTP on a laptop install). A hosted app sending for many
creators through one server can't honestly put someone's gmail.com address in
From: SPF, DKIM and DMARC checks fail and the pitch lands in spam or bounces.
For that case, `from=` names an address the server may send as: the email goes
out From "Creator Name <that address>" with Reply-To the creator, so answers
still reach the creator.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from crm.database import utcnow
from crm.inputs import is_one_line

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SmtpConfigError(ValueError):
    """CRM_SMTP_URL can't be used; the message says what to fix."""


class SendError(Exception):
    """The server didn't take the email; the message says what it answered."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_ssl: bool = False
    starttls: bool = False
    username: str = ""
    password: str = ""
    sender: str = ""  # a server-owned From address; empty means the creator's own
    timeout: float = 10

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def _flag(query: dict[str, list[str]], key: str) -> bool:
    value = query.get(key, [""])[-1].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SmtpConfigError(f"CRM_SMTP_URL: {key} must be 1 or 0, not {value!r}.")


def parse_smtp_url(url: str, timeout: float = 10) -> SmtpSettings:
    """Read CRM_SMTP_URL; raises SmtpConfigError naming the part at fault."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpConfigError("CRM_SMTP_URL must start with smtp:// or smtps://.")
    if not parts.hostname:
        raise SmtpConfigError("CRM_SMTP_URL needs a host, e.g. smtp://smtp.example.com:587.")
    try:
        port = parts.port
    except ValueError:
        raise SmtpConfigError("CRM_SMTP_URL has a port that isn't a number.") from None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls", "from"})
    if unknown:
        raise SmtpConfigError(f"CRM_SMTP_URL: unknown setting {unknown[0]!r} (use starttls, from).")
    use_ssl = parts.scheme == "smtps"
    starttls = _flag(query, "starttls")
    if use_ssl and starttls:
        raise SmtpConfigError("CRM_SMTP_URL: smtps:// is TLS already; drop starttls.")
    default_port = 465 if use_ssl else (587 if starttls else 25)
    return SmtpSettings(
        host=parts.hostname,
        port=port or default_port,
        use_ssl=use_ssl,
        starttls=starttls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        sender=query.get("from", [""])[-1].strip(),
        timeout=timeout,
    )


@dataclass(frozen=True)
class Outgoing:
    """One email to send: who from, who to, what it says."""

    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    body: str
    # Optional: an HTML version of the body, and files as (filename, mime type, bytes).
    html: str = ""
    attachments: tuple[tuple[str, str, bytes], ...] = ()


def build_message(settings: SmtpSettings, email: Outgoing) -> EmailMessage:
    """The message: From the creator (or the server's sender with Reply-To the creator)."""
    message = EmailMessage()
    from_name, to_name = _one_line(email.from_name), _one_line(email.to_name)
    creator = formataddr((from_name, _address(email.from_address)))
    if settings.sender:
        message["From"] = formataddr((from_name, settings.sender))
        message["Reply-To"] = creator
    else:
        message["From"] = creator
    message["To"] = formataddr((to_name, _address(email.to_address)))
    message["Subject"] = _one_line(email.subject)
    message["Date"] = format_datetime(utcnow())
    domain = (settings.sender or email.from_address).rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(email.body)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    for filename, mime_type, data in email.attachments:
        maintype, _, subtype = mime_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _one_line(text: str) -> str:
    """A stored name or subject folded onto one line: a line break would start a new header."""
    return " ".join("".join(" " if not is_one_line(char) else char for char in text).split())


def _address(address: str) -> str:
    """An address as stored; one with a line break in it is refused, not sent somewhere else."""
    if not is_one_line(address):
        raise SendError(f"The address {address.strip()!r} has a line break; correct it first.")
    return address


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _explain(error: Exception, settings: SmtpSettings) -> str:
    """A sentence for the creator: what the server said, and what to check."""
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(
        error.__context__, TimeoutError
    ):
        error = error.__context__  # smtplib words a timeout while waiting as a disconnect
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server refused the login ({error.smtp_code} {_text(error.smtp_error)}). "
            "Check the user name and password in CRM_SMTP_URL."
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        address, (code, reply) = next(iter(error.recipients.items()))
        return f"The mail server refused the address {address}: {code} {_text(reply)}."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused to send from {error.sender}: "
            f"{error.smtp_code} {_text(error.smtp_error)}."
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server refused the email: {error.smtp_code} {_text(error.smtp_error)}."
    if isinstance(error, smtplib.SMTPException):
        return f"The mail server didn't take the email: {error}."
    if isinstance(error, TimeoutError):
        unit = "second" if settings.timeout == 1 else "seconds"
        return (
            f"The mail server at {settings.where} didn't answer within {settings.timeout:g} {unit}."
        )
    if isinstance(error, ConnectionRefusedError):
        return f"Couldn't connect to the mail server at {settings.where}: connection refused."
    if isinstance(error, ssl.SSLError):
        return f"The secure connection to {settings.where} failed: {error.reason or error}."
    return f"Couldn't reach the mail server at {settings.where}: {error}."


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand the message to the server; raises SendError with the server's answer."""
    client_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    try:
        with client_class(settings.host, settings.port, timeout=settings.timeout) as client:
            if settings.starttls:
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password)
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise SendError(_explain(error, settings)) from error
