"""The market facts the running app checked at start-up, read once per request."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, has_app_context

from crm.market.facts import Market
from crm.market.seed import installed_market, load_market_file

EXTENSION = "crm.market"


def init_app(app: Flask) -> None:
    """Check the seed at start-up (config SEED_PATH overrides the installed file)."""
    path = app.config.get("SEED_PATH")
    app.extensions[EXTENSION] = load_market_file(Path(path)) if path else installed_market()


def app_market(app: Flask) -> Market:
    """The market `app` checked at start-up (for code that runs before its context)."""
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


def market() -> Market:
    """This request's (or command's) market facts; the calculations get them as an argument.

    Outside any app (a script, a unit test of a service) it is the installed file.
    """
    if not has_app_context():
        return installed_market()
    if "market" not in g:
        g.market = app_market(current_app)
    return g.market  # type: ignore[no-any-return]
