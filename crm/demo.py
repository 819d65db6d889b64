"""`crm demo`: a demo account with realistic data, then the app on a local port."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.accounts.passwords import hash_password
from crm.approvals import demo as approvals_demo
from crm.brands import demo as brands_demo
from crm.cli import data_lines
from crm.database import db_session, end_read
from crm.deals import demo as deals_demo
from crm.deals.cli import roll_at_start
from crm.income import demo as income_demo
from crm.inquiries import demo as inquiries_demo
from crm.kit import demo as kit_demo
from crm.pitches import demo as pitches_demo
from crm.stats import demo as stats_demo

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (a published demo login, local only)

# Each area's populate(session, user) fills its part once; it skips when the
# demo user already has data there, so re-running changes nothing.
# The demo creator's profile (the benchmark's creators have it too, under their own names).
DEMO_PROFILE = accounts.ProfileData(
    display_name="Maya Lopez",
    tiktok_handle="maya.makes.home",
    niche="home",
    followers=4_424,
    ugc_experience="beginner",
    currency="USD",
    turnaround_days=5,
    posts_per_week=5,
)

POPULATORS = [
    stats_demo.populate,
    brands_demo.populate,
    pitches_demo.populate,
    income_demo.populate,  # after the brands: its UGC deals name the demo's clients
    deals_demo.populate,  # after the pitches: its deals come from the clients' won pitches
    approvals_demo.populate,  # after the deals: a deal's drafts sent for approval
    kit_demo.populate,  # after the stats and brands: it picks their videos and clients
    inquiries_demo.populate,  # brands who asked through the kit (new leads, inbound pitches)
]


def ensure_demo_account(session: Session, hash_profile: str) -> tuple[User, bool]:
    """The demo user with all demo data; True when anything was created."""
    user = accounts.find_user_by_email(session, DEMO_EMAIL)
    created = user is None
    if user is None:
        # A published login fails the password rules on purpose; it is for a laptop demo.
        end_read(session)  # no transaction held through the hash
        password_hash = hash_password(DEMO_PASSWORD, hash_profile)
        user = accounts.create_account(session, DEMO_EMAIL, password_hash)
        accounts.update_profile(session, user, DEMO_PROFILE)
    for populate in POPULATORS:
        created = bool(populate(session, user)) or created
    return user, created


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create the demo account (once) and serve the app."""
    session = db_session()
    _user, created = ensure_demo_account(session, current_app.config["PASSWORD_HASH_PROFILE"])
    session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo("Demo data created." if created else "Demo data already there; nothing changed.")
    for line in roll_at_start():  # a month that began since the last demo gets its work
        click.echo(line)
    for line in data_lines(app):
        click.echo(line)
    if no_serve:
        # Nothing is served: an address to open would lead nowhere.
        click.echo(f"Login {DEMO_EMAIL} / {DEMO_PASSWORD} once it runs (crm demo or crm run).")
        return
    click.echo(f"Open  http://{host}:{port}/")
    click.echo(f"Login {DEMO_EMAIL} / {DEMO_PASSWORD}")
    _serve(app, host, port)


def _serve(app: Flask, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)
