"""How big a request may be: MAX_UPLOAD_BYTES everywhere, more where a view says so.

An import is a year of exports, up to IMPORT_MAX_UPLOAD_BYTES; every other form stays small.
The limit must be known before anything reads the body, and the CSRF check reads the form
before any view runs: so the request itself looks the limit up from the view it is routed
to, rather than the view raising it once it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Request, current_app

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def large_upload(config_key: str) -> Callable[[ViewT], ViewT]:
    """Mark a view as taking uploads up to `app.config[config_key]` bytes."""

    def mark(view: ViewT) -> ViewT:
        view.upload_limit_key = config_key  # type: ignore[attr-defined]
        return view

    return mark


class UploadLimitRequest(Request):
    """A request whose body limit is its view's (see `large_upload`), else the app's."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        rule = self.url_rule
        if rule is not None and rule.endpoint:
            view = current_app.view_functions.get(rule.endpoint)
            key = getattr(view, "upload_limit_key", None)
            if key:
                return int(current_app.config[key])
        return super().max_content_length
