"""Form pieces every area uses: choices, a rate field, a refused change beside its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash
from wtforms import Field, SelectChoice, StringField, ValidationError
from wtforms.validators import Length, Optional

from crm.errors import FieldError
from crm.money import MoneyError, parse_cents


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


class RateField(StringField):
    """A rate typed as text ('1,250.50'), optional; `cents` is it in minor units once valid."""

    def __init__(self, label: str, *, example: str = "450", **kwargs: Any) -> None:
        self.message = f"Enter an amount like {example} or 1,250.50."
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, [Optional(), Length(max=20, message=self.message)], **kwargs)

    @property
    def cents(self) -> int | None:
        """The amount in cents, or None when left empty (read after validation)."""
        text = (self.data or "").strip()
        return parse_cents(text) if text else None

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").strip()
        if not text:
            return
        try:
            cents = parse_cents(text)
        except MoneyError:
            raise ValidationError(self.message) from None
        if cents < 0:
            raise ValidationError("A rate can't be negative.")
