"""What every page shares: security headers, error pages, template filters, navigation."""

from __future__ import annotations

import operator
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from crm import dates
from crm.inputs import INT4_MAX, RefusedQuery
from crm.market.current import market
from crm.money import format_money, format_rate
from crm.public import brand_facing_request
from crm.sentences import full_stop_after, possessive

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The main navigation: (endpoint, label); a page joins it when it exists.
NAVIGATION: list[tuple[str, str]] = [
    ("dashboard.index", "Dashboard"),
    ("brands.index", "Brands"),
    ("pitches.board", "Pipeline"),
    ("inbox.index", "Inbox"),
    ("pitches.followups", "Follow-ups"),
    ("deals.index", "Deals"),
    ("income.index", "Income"),
    ("stats.index", "Stats"),
    ("imports.index", "Imports"),
    ("rates.calculators", "Rates"),
]

ERROR_TITLES = {
    400: "That request could not be understood",
    403: "You can't do that",
    404: "Page not found",
    405: "That action isn't allowed here",
    413: "That upload is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "Creator CRM is temporarily unavailable",
}

# Where a brand's page words it differently (it is not the visitor's app).
VISITOR_ERROR_TITLES = {
    503: "This page is temporarily unavailable",
}

# The database is down, stuck or out of connections: worth trying again soon, not a bug.
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.TimeoutError, sa_exc.DisconnectionError)
RETRY_AFTER_SECONDS = 60


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Wire headers, error handlers, filters and the navigation into `app`."""
    app.session_interface = SessionInterface()
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)
    app.add_template_filter(format_money, "money")
    app.add_template_filter(_thousands, "thousands")
    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(_show_date, "date")
    app.add_template_filter(dates.show_month, "month_name")
    app.add_template_filter(full_stop_after, "full_stop_after")
    app.add_template_filter(possessive, "possessive")
    app.add_template_global(_navigation, "navigation")
    app.add_template_global(inbox_count, "inbox_count")
    app.add_template_global(market, "market")
    app.add_template_global(IdUrl, "id_url")
    app.add_template_global(ArgUrl, "arg_url")


def _show_date(value: Any, weekday: bool = False, with_time: bool = False) -> str:
    """The one date format on pages, in the signed-in creator's timezone.

    One format per kind of thing: a moment a page records (an inquiry received, a brand's
    answer, a timeline or history line, a link made, used or expiring, a pitch's dates on
    its page) shows its time; a calendar day (due, follow-up, paid on) and the one-line
    summary of a row in a list of pitches (received, sent, updated) show the day.
    """
    return dates.show_date(value, _page_zone(), weekday=weekday, with_time=with_time)


def _page_zone() -> str | None:
    # Read once a page: a list shows a date or two per row, and each look at current_user
    # goes through Flask-Login's proxy (about 30 us). A zone saved by this request shows
    # from the next page on (a save redirects).
    if not has_request_context():
        return None
    if "page_zone" not in g:
        g.page_zone = getattr(current_user, "timezone", None)
    return g.page_zone


class IdUrl:
    """An endpoint's URL for any id, built once a page: `url_for` per row costs about 13 us.

    `IdUrl("pitches.detail", "pitch_id")(42)` is `url_for("pitches.detail", pitch_id=42)`
    (tests/test_links_by_id.py holds every id route to that).
    """

    # Marks where the id goes in the built URL (the largest id a route takes).
    _MARK = INT4_MAX

    def __init__(self, endpoint: str, field: str, **values: Any) -> None:
        built = url_for(endpoint, **values, **{field: self._MARK})
        self.head, mark, self.tail = built.partition(str(self._MARK))
        if not mark or str(self._MARK) in self.tail:
            raise ValueError(f"{endpoint}'s URL does not hold {field} once")

    def __call__(self, row_id: int) -> str:
        return f"{self.head}{operator.index(row_id)}{self.tail}"  # an int: never 3.7 or "1/.."


class ArgUrl:
    """An endpoint's URL for each value of one query argument, built once per value a page.

    `ArgUrl("brands.index", "tag")("q4")` is `url_for("brands.index", tag="q4")`: a list
    links the same few tag names from many rows, and each url_for costs about 13 us.
    """

    def __init__(self, endpoint: str, argument: str) -> None:
        self.endpoint = endpoint
        self.argument = argument
        self.built: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        url = self.built.get(value)
        if url is None:
            url = self.built[value] = url_for(self.endpoint, **{self.argument: value})
        return url


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        # Pages hold the creator's data: never keep them in shared caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def inbox_count() -> int:
    """New inquiries and unread brand answers of the signed-in creator: one query a page."""
    if "inbox_count" not in g:
        from crm.database import db_session
        from crm.inquiries.services import inbox_count as count

        g.inbox_count = count(db_session(), current_user.id)
    return int(g.inbox_count)


def _navigation() -> list[dict[str, Any]]:
    items = []
    for endpoint, label in NAVIGATION:
        if endpoint in current_app.view_functions:
            blueprint = endpoint.split(".", 1)[0]
            items.append(
                {
                    "url": url_for(endpoint),
                    "label": label,
                    "active": request.endpoint == endpoint
                    or (request.blueprint == blueprint and blueprint not in ("pitches",)),
                    "badge": inbox_count() if endpoint == "inbox.index" else 0,
                }
            )
    return items


def _thousands(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for `code`, saying nothing about the app's insides.

    5xx pages use a layout that needs no database (no current user, no navigation) and
    skip the context processors (Flask-Login's loads the user): they must render when
    the database is what failed. 4xx pages keep the navigation unless loading it fails.
    """
    # A brand's error page keeps the public layout and speaks to a visitor: no login
    # links, no dashboard, nothing about "your data".
    brand_facing = has_request_context() and brand_facing_request(request, current_app.url_map)
    titles = VISITOR_ERROR_TITLES if brand_facing else {}
    context = {
        "code": code,
        "title": titles.get(code) or ERROR_TITLES.get(code, "Something went wrong"),
        "brand_facing": brand_facing,
    }
    if code < 500:
        try:
            return render_template("errors/error.html", message=message, **context), code
        except sa_exc.SQLAlchemyError:
            pass
    template = current_app.jinja_env.get_template("errors/failure.html")
    return template.render(message=message, **context), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_error(
        400, "The form expired or came from somewhere else. Go back, reload the page and try again."
    )


def _http_error(error: HTTPException) -> Any:
    if error.code is None or error.code < 400:
        return error
    message = None
    if error.code == 413:
        limit = request.max_content_length or 0
        message = f"Uploads can be at most {limit // (1024 * 1024)} MB."
    elif (error.code == 429 or isinstance(error, RefusedQuery)) and (
        error.description != type(error).description  # Werkzeug's own words say nothing
    ):
        message = error.description
    response = render_error(error.code, message)
    if error.code == 405:
        return response[0], 405, {"Allow": ", ".join(error.valid_methods or [])}
    return response


def _unexpected_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    return render_error(500)


def _is_outage(error: Exception) -> bool:
    """An error of the database being away or busy, not of the app's SQL.

    SQLite reports both kinds as OperationalError: only "locked" and "busy" mean come
    back later; "no such table" or a syntax error is a bug and stays a 500.
    """
    if not isinstance(error, sa_exc.OperationalError):
        return True
    orig = getattr(error, "orig", None)
    if type(orig).__module__.startswith("sqlite3"):
        return any(word in str(orig).lower() for word in ("locked", "busy"))
    return True


def _database_unavailable(error: Exception) -> Any:
    if not _is_outage(error):
        return _unexpected_error(error)
    # One line, no traceback: an outage would otherwise flood the log.
    cause = str(getattr(error, "orig", None) or error).strip().splitlines()
    current_app.logger.warning(
        "Database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        cause[0] if cause else "",
    )
    return unavailable()


def unavailable(
    message: str | None = None, retry_after: int = RETRY_AFTER_SECONDS
) -> tuple[str, int, dict[str, str]]:
    """The 503 page: something the app needs is briefly away; come back in a minute."""
    body, code = render_error(503, message)
    return body, code, {"Retry-After": str(retry_after)}
