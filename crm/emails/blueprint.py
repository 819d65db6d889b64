"""The emails blueprint: writing and sending emails, and the template editor, add their routes."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("emails", __name__, url_prefix="/emails")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every email page is the creator's own."""
