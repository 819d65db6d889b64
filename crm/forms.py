"""Form pieces every area uses: choice lists, and a refused change's message beside its field."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from wtforms import Field, SelectChoice

from crm.errors import FieldError


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form: object, error: FieldError) -> None:
    """Put a refused change's message beside its field, or flash it when no field fits."""
    field = getattr(form, error.field or "", None)
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
