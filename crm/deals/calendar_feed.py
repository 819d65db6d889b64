"""The public calendar feed: /calendar/<token>.ics, no login (the token is the key)."""

from __future__ import annotations

from flask import Blueprint, abort, request
from werkzeug.wrappers import Response

from crm import dates
from crm.database import db_session
from crm.deals import calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/<token>.ics")
def feed(token: str) -> Response:
    """The creator's events as iCalendar; 404 for a token never made, regenerated or revoked."""
    session = db_session()
    opened = calendar.feed_of_token(session, token)
    if opened is None:
        abort(404)
    today = dates.today_in(opened.owner.timezone)
    etag = opened.etag(today)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)  # unchanged: nothing read but the token's row
    else:
        etag, body = calendar.feed_file(session, opened, today)
        response = Response(body, mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="creator-crm.ics"'
    response.set_etag(etag)
    # The URL is the secret: no shared cache keeps a copy; calendar apps revalidate each time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
