"""The deals blueprint: deals, deliverables, rights and invoices each add their routes to it."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("deals", __name__, url_prefix="/deals")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every deal page is the creator's own."""
