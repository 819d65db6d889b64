"""The `crm` command: Flask's CLI (run, routes, shell) plus the project's own commands."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, run_command, with_appcontext

from crm.accounts import services as accounts
from crm.database import db_session, downgrade, upgrade

# Where `crm run` serves by default: the link a laptop install's reset command prints.


def _create_app() -> Flask:
    from crm import create_app
    from crm.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Creator CRM: brands, pitches, rates, deals and income for TikTok creators."""


def data_lines(app: Flask) -> list[str]:
    """'Your data: <file>' for a SQLite install (and where it was moved from, the once it was)."""
    from crm.config import local_database_file

    found = local_database_file(app.config)
    if found is None:
        return []  # a database server: its address is the operator's, not news to print
    lines = [f"Your data: {found}"]
    moved_from = app.extensions.get("crm.data_moved_from")
    if moved_from is not None:
        lines.append(f"(Moved there from {moved_from}, inside the virtual environment.)")
    return lines


@click.pass_context
def _run(ctx: click.Context, **options: Any) -> None:
    # The reloader's child process starts the app again: say it once, in the parent.
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        app = ctx.ensure_object(ScriptInfo).load_app()
        for line in data_lines(app):
            click.echo(line)
        for line in _roll_retainers_once(app):
            click.echo(line)
    ctx.invoke(run_command, **options)


def _roll_retainers_once(app: Flask) -> list[str]:
    """Roll the retainers' due months once at start (crm.deals.cli.roll_at_start)."""
    from crm.deals.cli import roll_at_start

    with app.app_context():
        return roll_at_start()


# Flask's `run`, saying first where the data is.
main.add_command(
    click.Command("run", params=run_command.params, callback=_run, help=run_command.help)
)


def register(app: Flask) -> None:
    """Attach the project's commands to `app.cli`."""
    app.cli.add_command(db_group)
    app.cli.add_command(user_group)
    from crm.demo import demo_command

    app.cli.add_command(demo_command)
    from crm.calculators.cli import rates_group

    app.cli.add_command(rates_group)
    from crm.pitches.cli import pitches_group

    app.cli.add_command(pitches_group)
    from crm.brands.cli import brands_group

    app.cli.add_command(brands_group)
    from crm.deals.cli import deals_group

    app.cli.add_command(deals_group)
    from crm.income.cli import income_group, report_group
    from crm.stats.cli import stats_group

    app.cli.add_command(income_group)
    app.cli.add_command(report_group)
    app.cli.add_command(stats_group)
    from crm.deals.invoice_cli import invoices_group

    app.cli.add_command(invoices_group)
    from crm.imports.cli import import_group, imports_group

    app.cli.add_command(import_group)
    app.cli.add_command(imports_group)
    from crm.backup.cli import backup_group, export_command, restore_command

    app.cli.add_command(backup_group)
    app.cli.add_command(export_command)
    import_group.add_command(restore_command, "backup")  # crm import backup FILE --user EMAIL


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database to REVISION (default: the newest)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Take the database down to REVISION ('base' empties it)."""
    downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    from crm.database import alembic_config

    command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


@click.group("user")
def user_group() -> None:
    """Accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_create(email: str, password_stdin: bool) -> None:
    """Create an account for EMAIL; asks for the password unless --password-stdin."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email!r} is not a valid email address: {error}") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = db_session()
    try:
        user = accounts.register(
            session, email, password, current_app.config["PASSWORD_HASH_PROFILE"]
        )
    except accounts.AccountError as error:
        session.rollback()
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Created account {user.email}.")


@user_group.command("reset-password")
@click.argument("email")
@with_appcontext
def user_reset_password(email: str) -> None:
    """Print a one-hour, single-use password-reset link for EMAIL (a server without mail)."""
    from crm import database
    from crm.accounts.mail import LOCAL_BASE_URL, absolute_url
    from crm.accounts.resets import start_password_reset

    session = db_session()
    user = accounts.find_user_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account has the email {email!r}.")
    token = start_password_reset(session, user, database.utcnow())
    session.commit()
    link = absolute_url("accounts.reset_password", token=token)
    click.echo(f"Reset link for {user.email} (works once, for one hour):\n{link}")
    if not current_app.config["BASE_URL"]:
        click.echo(f"(Set CRM_BASE_URL if this server is not reached at {LOCAL_BASE_URL}.)")
