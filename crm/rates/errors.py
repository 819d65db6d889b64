"""The one error the rates calculations raise for input they cannot work with."""

from __future__ import annotations


class RatesError(ValueError):
    """Input a calculation refuses; `field` names the input it belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
