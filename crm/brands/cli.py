"""`crm brands ...`: brand chores for whoever runs the server."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crm.brands import search
from crm.database import db_session


@click.group("brands")
def brands_group() -> None:
    """Brand chores."""


@brands_group.command("refresh-search")
@with_appcontext
def refresh_search_command() -> None:
    """Rebuild every brand's stored search text from its name, handle and contacts."""
    session = db_session()
    drifted = search.refresh_everyone(session)
    session.commit()
    if drifted:
        click.echo(f"Brand search refreshed: {drifted} brands had drifted and are right again.")
    else:
        click.echo("Brand search refreshed: every brand was right.")
