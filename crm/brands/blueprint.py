"""The brands blueprint: the list and brand pages, contacts and CSV each add their routes to it."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("brands", __name__, url_prefix="/brands")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every brand page is the creator's own."""
