"""`crm stats add`: a stats snapshot from a script (the same checks as the page)."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from crm import dates
from crm.calculators.cli import RatesGroup
from crm.database import db_session
from crm.income.cli import find_user, refused_as_usage
from crm.stats import services

stats_group = RatesGroup("stats", help="Stats snapshots.")


def _count(name: str, help_text: str) -> Any:
    return click.option(f"--{name}", type=click.IntRange(min=0), default=0, help=help_text)


@stats_group.command("add")
@click.option("--user", "email", required=True, help="The creator's email.")
@click.option("--date", "taken_on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--followers", type=click.IntRange(min=0), required=True)
@_count("views", "Video views over the period.")
@_count("likes", "Likes over the period.")
@_count("comments", "Comments over the period.")
@_count("shares", "Shares over the period.")
@_count("posts", "Videos posted over the period.")
@click.option("--period", type=click.IntRange(min=1), default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_add(email: str, taken_on: Any, as_json: bool, **counts: int) -> None:
    """Record (or replace) the snapshot of one day."""
    user = find_user(email)
    session = db_session()
    data = services.SnapshotData(
        taken_on=taken_on.date(),
        period_days=counts["period"],
        followers=counts["followers"],
        video_views=counts["views"],
        likes=counts["likes"],
        comments=counts["comments"],
        shares=counts["shares"],
        posts=counts["posts"],
    )
    with refused_as_usage():
        snapshot = services.save_snapshot(
            session, user.id, None, data, dates.today_in(user.timezone)
        )
    session.commit()
    if as_json:
        names = ("followers", "video_views", "likes", "comments", "shares", "posts", "period_days")
        payload = {"date": snapshot.taken_on.isoformat()}
        payload.update({name: getattr(snapshot, name) for name in names})
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(f"Recorded {snapshot.followers:,} followers on {snapshot.taken_on}.")
