"""Rates pages (placeholder: the rates blueprint, filled in by its issue)."""

from flask import Blueprint

bp = Blueprint("rates", __name__, url_prefix="/rates")
