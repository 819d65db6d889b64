"""Pitches pages (placeholder: the pitches blueprint, filled in by its issue)."""

from flask import Blueprint, abort

bp = Blueprint("pitches", __name__, url_prefix="/pitches")


@bp.get("/new")
def new() -> None:
    """Start a pitch (?brand_id=N). Placeholder until the pitches area lands."""
    abort(404)


@bp.get("/<int:pitch_id>")
def detail(pitch_id: int) -> None:
    """One pitch. Placeholder until the pitches area lands."""
    abort(404)
