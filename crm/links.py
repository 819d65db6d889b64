"""TikTok handles and web links as a creator types or pastes them: pure functions, no session.

Services call these (not only forms), so the CLI, an import or a future API read a pasted
profile link or a link without https:// the same way the pages do.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

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


def plain_link(url: str) -> str:
    """A pasted or exported link without its query (tracking) and fragment, host lowercased."""
    raw = complete_link(url)
    try:
        parts = urlsplit(raw)
    except ValueError:
        return raw
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))


# TikTok's own hosts: a video link pasted from the app, the phone site or a browser.
_TIKTOK_HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
_VIDEO_ID = re.compile(r"/video/(\d+)(?:/|$)")


def video_key(url: str) -> str:
    """What a video link is matched by: the same video pasted two ways gives the same key.

    https, the host lowercased, query, fragment and trailing slashes dropped; a TikTok link
    with a numeric /video/<id> is keyed by that id alone (the handle in it can change).
    The key is itself a link, and keying it again gives it back.
    """
    raw = complete_link(url).strip()
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return raw
    path = parts.path.rstrip("/")
    if host in _TIKTOK_HOSTS:
        found = _VIDEO_ID.search(path + "/")
        if found:
            return f"https://www.tiktok.com/video/{found.group(1)}"
        host = "www.tiktok.com"
    return f"https://{host}{path}" if host else raw
