"""'Open in mail app': a mailto: link carrying the subject and body (RFC 6068)."""

from __future__ import annotations

from urllib.parse import quote


def mailto_link(to: str, subject: str, body: str) -> str:
    """mailto:to?subject=...&body=..., every part percent-encoded as UTF-8.

    Nothing is left unencoded in the subject and body (safe=""), so '&', '?', '#',
    '=' and '+' in the text can't end a field early or turn into spaces, and line
    breaks travel as %0D%0A, the form RFC 6068 asks for.
    """
    address = quote(to.strip(), safe="@") if to else ""
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(text, safe='')}"
