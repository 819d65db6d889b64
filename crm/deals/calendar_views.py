"""Calendar feed settings (/deals/calendar): make, regenerate or revoke the secret URL."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.accounts.mail import absolute_url
from crm.accounts.services import token_hash
from crm.database import db_session, utcnow
from crm.deals import calendar
from crm.deals.blueprint import bp
from crm.saving import saving

# The new secret rides in the signed session cookie from the POST to the page after its
# redirect, which pops it: shown once, and a refresh neither shows it again nor makes another.
NEW_FEED_KEY = "calendar_feed_new"


@bp.get("/calendar")
def calendar_settings() -> str:
    feed = calendar.feed_of(db_session(), creator().id)
    token = session.pop(NEW_FEED_KEY, None)
    # A token another request has since replaced or revoked no longer works: not shown.
    fresh = feed is not None and isinstance(token, str) and feed.token_hash == token_hash(token)
    url = absolute_url("calendar.feed", token=token) if fresh else None
    return render_template("deals/calendar.html", feed=feed, feed_url=url)


@bp.post("/calendar")
def make_calendar_feed() -> Response:
    """A new secret URL, shown on the next page only: the server keeps just its hash."""
    with saving() as saved:
        token = calendar.new_feed_token(db_session(), creator().id, utcnow())
    if saved:
        session[NEW_FEED_KEY] = token
    return redirect(url_for("deals.calendar_settings"), 303)


@bp.post("/calendar/revoke")
def revoke_calendar_feed() -> Response:
    with saving() as saved:
        revoked = calendar.revoke_feed(db_session(), creator().id)
    if saved and revoked:
        flash("Calendar feed turned off: its address no longer works.", "success")
    return redirect(url_for("deals.calendar_settings"))
