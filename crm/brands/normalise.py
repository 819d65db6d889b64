"""How typed or imported brand details become stored values: pure functions, no session."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from crm import links
from crm.market.current import market

NAME_MAX = 200
WEBSITE_MAX = 300
NOTES_MAX = 5_000
TAG_MAX = 40
TAGS_PER_BRAND = 20
CONTACT_NAME_MAX = 120
ROLE_MAX = 120
EMAIL_MAX = 254
FOLLOWERS_MAX = 2_000_000_000

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class InvalidValue(ValueError):
    """A value that cannot be stored; the message says what to type instead."""


def clean_name(text: str | None) -> str:
    """A brand name, trimmed, with inner whitespace collapsed."""
    name = " ".join((text or "").split())
    if not name:
        raise InvalidValue("Enter the brand's name.")
    if len(name) > NAME_MAX:
        raise InvalidValue(f"Keep the name under {NAME_MAX} characters.")
    return name


def name_key(name: str) -> str:
    """The lower-cased name that matching and sorting use."""
    key = " ".join(name.split()).casefold()
    # casefold() can lengthen a name ('ß' -> 'ss'): refuse rather than cut the key.
    if len(key) > NAME_MAX:
        raise InvalidValue(f"Keep the name under {NAME_MAX} characters.")
    return key


def clean_handle(text: str | None) -> str:
    """'@GlowCo', 'glowco' or 'https://www.tiktok.com/@glowco' -> 'glowco'; '' stays ''."""
    try:
        return links.clean_handle(text)
    except links.NotAHandle as error:
        raise InvalidValue(str(error)) from None


def clean_website(text: str | None) -> tuple[str, str]:
    """'GlowCo.com/shop' -> ('https://glowco.com/shop', 'glowco.com'); '' -> ('', '')."""
    raw = (text or "").strip()
    if not raw:
        return "", ""
    if len(raw) > WEBSITE_MAX:
        raise InvalidValue(f"Keep the website under {WEBSITE_MAX} characters.")
    url = raw if "://" in raw else f"https://{raw}"
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        raise InvalidValue("Enter a website like https://glowco.com") from None
    # Only web links: the page renders this as a link, so javascript: and friends stay out.
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or " " in url:
        raise InvalidValue("Enter a website like https://glowco.com")
    domain = host.removeprefix("www.")
    rebuilt = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    # Checked after https:// is added: cutting the stored link would break it silently.
    if len(rebuilt) > WEBSITE_MAX:
        raise InvalidValue(f"Keep the website under {WEBSITE_MAX} characters.")
    return rebuilt, domain


def clean_email(text: str | None) -> str:
    """An email address, lower-cased; '' stays ''."""
    raw = (text or "").strip()
    if not raw:
        return ""
    if len(raw) > EMAIL_MAX:
        raise InvalidValue("That email address is too long.")
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidValue("Enter an email address like anna@glowco.com.") from None
    return checked.normalized.lower()


def clean_tags(text: str | None) -> list[str]:
    """'Skincare, #Q4, skincare' -> ['skincare', 'q4']: lower-cased, no repeats, in order."""
    tags: list[str] = []
    for piece in (text or "").replace(";", ",").split(","):
        tag = " ".join(piece.split()).lstrip("#").casefold()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX:
            raise InvalidValue(f"Keep each tag under {TAG_MAX} characters.")
        tags.append(tag)
    if len(tags) > TAGS_PER_BRAND:
        raise InvalidValue(f"Use at most {TAGS_PER_BRAND} tags.")
    return tags


def clean_category(text: str | None) -> str:
    """A product category key, from its key or its label ('Beauty & skincare' -> 'beauty')."""
    raw = (text or "").strip().casefold()
    if not raw:
        return "other"
    for key, label in market().category_choices():
        if raw in (key, label.casefold()):
            return key
    raise InvalidValue(f"Unknown product category {text!r}.")


def sweet_spot() -> tuple[int, int]:
    """The brand follower range that answers pitches most often (seed data, inclusive)."""
    band = market().ugc.brand_sweet_spot_followers
    return int(band.low), int(band.high)


def is_good_target(followers: int | None, runs_ads: bool) -> bool:
    """A brand in the sweet spot (500-5,000 TikTok followers) or running TikTok ads."""
    low, high = sweet_spot()
    return runs_ads or (followers is not None and low <= followers <= high)
