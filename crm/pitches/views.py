"""Pitches pages (placeholder: the pitches blueprint, filled in by its issue)."""

from flask import Blueprint

bp = Blueprint("pitches", __name__, url_prefix="/pitches")
