"""`crm export` and `crm backup export|restore`: a creator's whole account to a file and back."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.backup.export import write_backup
from crm.backup.restore import restore_backup
from crm.backup.values import BackupError
from crm.database import db_session, utcnow


def _creator(email: str) -> User:
    user = accounts.find_user_by_email(db_session(), email)
    if user is None:
        raise click.ClickException(f"No account has the email {email!r}.")
    return user


@click.command("export")
@click.option("--user", "email", required=True, help="The account's email.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(email: str, out: Path) -> None:
    """Write all of a creator's data to OUT as one JSON backup file."""
    user = _creator(email)
    partial = out.with_name(out.name + ".partial")
    # Written aside and renamed at the end, so a failed export leaves no half file at OUT.
    with partial.open("w", encoding="utf-8") as file:
        write_backup(db_session(), user, utcnow(), file)
    partial.replace(out)
    click.echo(f"Backup of {user.email} written to {out}.")


def restore(path: Path, email: str) -> None:
    """Restore the backup at `path` into the empty account `email`; one-line error if refused."""
    user = _creator(email)
    session = db_session()
    try:
        restored = restore_backup(session, user, path.read_bytes())
    except BackupError as error:
        session.rollback()
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Restored {restored.total:,} rows into {user.email}.")
    for note in restored.notes:
        click.echo(note)


@click.group("backup")
def backup_group() -> None:
    """Backups of a whole account."""


backup_group.add_command(export_command)


@backup_group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The empty account to restore into.")
@with_appcontext
def restore_command(path: Path, email: str) -> None:
    """Restore the backup file PATH into an empty account."""
    restore(path, email)
