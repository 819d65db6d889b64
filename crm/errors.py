"""The domain error every area raises for a refused change, named after the field it concerns."""

from __future__ import annotations


class FieldError(Exception):
    """A refused change or input; `field` names the form field its message belongs beside."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
