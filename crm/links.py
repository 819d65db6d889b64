"""TikTok handles and web links as a creator types or pastes them: pure functions, no session.

Services call these (not only forms), so the CLI, an import or a future API read a pasted
profile link or a link without https:// the same way the pages do.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HANDLE_MESSAGE = "A TikTok handle is 2-24 letters, digits, underscores or periods, like @glowco."
LINK_MESSAGE = "Enter a full link, starting with https://"

# TikTok usernames: letters, digits, underscores and periods.
_HANDLE = re.compile(r"^[a-z0-9_.]{2,24}$")
_TIKTOK_URL = re.compile(r"^(?:https?://)?(?:www\.|m\.)?tiktok\.com/@([^/?#]+)", re.I)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)


class NotAHandle(ValueError):
    """Text that is neither a TikTok handle nor a link to a TikTok profile."""


def clean_handle(text: str | None) -> str:
    """'@GlowCo', 'glowco' or 'https://www.tiktok.com/@glowco?lang=en' -> 'glowco'; '' stays ''."""
    raw = (text or "").strip()
    if not raw:
        return ""
    from_url = _TIKTOK_URL.match(raw)
    handle = (from_url.group(1) if from_url else raw).lstrip("@").lower()
    if not _HANDLE.match(handle):
        raise NotAHandle(HANDLE_MESSAGE)
    return handle


def complete_link(text: str | None) -> str:
    """'www.tiktok.com/@me/video/1' -> 'https://www.tiktok.com/@me/video/1'; a full link stays."""
    raw = (text or "").strip()
    if not raw or "://" in raw or raw.startswith("//"):
        return raw
    host = raw.split("/", 1)[0].split("?", 1)[0]
    # Only what reads as a host name gets https://: 'javascript:x' or 'hello' stay as typed.
    return f"https://{raw}" if _HOST.match(host) else raw


def link_problem(url: str) -> str | None:
    """Why `url` is not a web link a page can show, or None when it is one."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return LINK_MESSAGE
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in url:
        return LINK_MESSAGE
    return None
