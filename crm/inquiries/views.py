"""The creator's inbox: new inquiries through the media kit and brands' approval answers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm import database
from crm.accounts.login import creator
from crm.approvals import services as approvals
from crm.database import db_session
from crm.inquiries import services
from crm.saving import saving

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.before_request
@login_required
def _require_login() -> None:
    """The creator's own (the brand's form is crm.inquiries.public)."""


@bp.get("/")
def index() -> str:
    """New inquiries (linking to their pitches) and brand answers, unread ones marked."""
    db, user = db_session(), creator()
    return render_template(
        "inquiries/inbox.html",
        inquiries=services.recent(db, user.id),
        answers=approvals.recent_answers(db, user.id),
    )


@bp.post("/read")
def mark_read() -> Response:
    """Mark every new inquiry and brand answer read."""
    now = database.utcnow()
    with saving() as saved:
        services.mark_seen(db_session(), creator().id, now)
        approvals.mark_seen(db_session(), creator().id, now)
    if saved:
        flash("All caught up.", "success")
    return redirect(url_for("inbox.index"), 303)
