"""The home page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.dashboard.services import dashboard_summary
from crm.database import db_session
from crm.market.current import market

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("accounts.login"))


@bp.get("/dashboard")
@login_required
def index() -> str:
    summary = dashboard_summary(db_session(), creator(), creator_today(), market())
    return render_template("dashboard/index.html", summary=summary, user=creator())
