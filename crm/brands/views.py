"""Brands pages (placeholder: the brands blueprint, filled in by its issue)."""

from flask import Blueprint

bp = Blueprint("brands", __name__, url_prefix="/brands")
