"""`crm pitches ...`: pitch chores for a scheduler (cron, a systemd timer)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crm.database import db_session, utcnow
from crm.pitches import followups, totals


@click.group("pitches")
def pitches_group() -> None:
    """Pitch chores."""


@pitches_group.command("ghost-expired")
@with_appcontext
def ghost_expired_command() -> None:
    """Mark ghosted every sent pitch whose follow-ups ran out with no answer (run daily)."""
    session = db_session()
    count = followups.ghost_expired_for_everyone(session, utcnow())
    session.commit()
    click.echo(f"Marked {count} {'pitch' if count == 1 else 'pitches'} ghosted.")


@pitches_group.command("rebuild-totals")
@with_appcontext
def rebuild_totals_command() -> None:
    """Recount the board's and dashboard's pitch totals from the pitches themselves."""
    session = db_session()
    wrong = totals.rebuild_totals(session)
    session.commit()
    if wrong:
        click.echo(f"Pitch totals recounted: {wrong} of them had drifted and are right again.")
    else:
        click.echo("Pitch totals recounted: they were all right.")
