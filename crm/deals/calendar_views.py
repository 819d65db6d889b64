"""Calendar feed settings (/deals/calendar): make, regenerate or revoke the secret URL."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.accounts.mail import absolute_url
from crm.database import db_session, utcnow
from crm.deals import calendar
from crm.deals.blueprint import bp
from crm.saving import saving


@bp.get("/calendar")
def calendar_settings() -> str:
    feed = calendar.feed_of(db_session(), creator().id)
    return render_template("deals/calendar.html", feed=feed, feed_url=None)


@bp.post("/calendar")
def make_calendar_feed() -> str | Response:
    """A new secret URL, shown on this response only: the server keeps just its hash."""
    session = db_session()
    with saving() as saved:
        token = calendar.new_feed_token(session, creator().id, utcnow())
    if not saved:
        return redirect(url_for("deals.calendar_settings"))
    feed = calendar.feed_of(session, creator().id)
    url = absolute_url("calendar.feed", token=token)
    return render_template("deals/calendar.html", feed=feed, feed_url=url)


@bp.post("/calendar/revoke")
def revoke_calendar_feed() -> Response:
    with saving() as saved:
        revoked = calendar.revoke_feed(db_session(), creator().id)
    if saved and revoked:
        flash("Calendar feed turned off: its address no longer works.", "success")
    return redirect(url_for("deals.calendar_settings"))
