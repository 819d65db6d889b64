"""The routes anyone may open without logging in: one list, read by the route sweeps.

Every other route redirects a visitor who is not logged in to the login page
(tests/test_public_routes.py walks the URL map and holds both halves to that).
"""

from __future__ import annotations

from flask import Request
from werkzeug.routing import Map

# endpoint -> why it needs no login
PUBLIC_ENDPOINTS: dict[str, str] = {
    "static": "the stylesheets, scripts and icon every page loads",
    "accounts.login": "the login form",
    "accounts.register": "the sign-up form",
    "accounts.finish_sign_up": "the signed link of a sign-up: the link is the key",
    "accounts.reset_request": "asking for a password reset link",
    "accounts.reset_password": "the reset link's form: the token in the URL is the key",
    "calendar.feed": "the calendar feed: the secret token in the URL is the key",
    "kit.page": "the media kit brands open (only public data, 404 while it is off)",
    "kit.as_json": "the media kit as JSON for a link-in-bio tool",
    "kit.pdf": "the media kit as a PDF",
    "inquire.form": "a brand's inquiry form on a media kit (404 while the kit is off)",
    "inquire.send": "a brand sends that inquiry (CSRF token, honeypot, rate limits)",
    "inquire.sent": "the brand's confirmation with the kit's rate card",
    "approve.page": "a brand's approval link: the secret token in the URL is the key",
    "approve.answer": "a brand approves a draft or asks for a revision through that link",
}

# The public pages a brand opens (kit, inquiry, approval links): they use
# templates/public_base.html (no "Log in / Create account", no creator navigation), and so
# do their error pages. The rest of the list is
# the app's own door (login, sign-up, resets), static files and the calendar feed.
BRAND_FACING: frozenset[str] = frozenset(
    {
        "kit.page",
        "kit.as_json",
        "kit.pdf",
        "inquire.form",
        "inquire.send",
        "inquire.sent",
        "approve.page",
        "approve.answer",
    }
)


def is_public(endpoint: str | None) -> bool:
    """Whether `endpoint` answers without a login."""
    return endpoint in PUBLIC_ENDPOINTS


def is_brand_facing(endpoint: str | None) -> bool:
    """Whether `endpoint` is a page brands open, shown in the public layout."""
    return endpoint in BRAND_FACING


def brand_facing_request(request: Request, url_map: Map) -> bool:
    """Whether `request` is for a page brands open, so its error page is the public one too.

    A request that matched no route (a mistyped kit link, a wrong method) has no endpoint:
    it counts when its path lies in a section of the URL map (/kit/, /approve/) where every
    route is brand-facing.
    """
    if request.url_rule is not None:
        return is_brand_facing(request.endpoint)
    return _section(request.path) in _brand_facing_sections(url_map)


def _section(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def _brand_facing_sections(url_map: Map) -> set[str]:
    sections: dict[str, bool] = {}
    for rule in url_map.iter_rules():
        section = _section(rule.rule)
        if section and "<" not in section:
            sections[section] = sections.get(section, True) and is_brand_facing(rule.endpoint)
    return {section for section, brands_only in sections.items() if brands_only}
