"""The one error the rates calculations raise for input they cannot work with."""

from __future__ import annotations

from crm.errors import FieldError


class RatesError(FieldError, ValueError):
    """Input a calculation refuses; `field` names the input it belongs next to."""
