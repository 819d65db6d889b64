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
    return click.option(f"--{name}", type=click.IntRange(min=0), default=None, help=help_text)


# Each option's SnapshotData field; an option left out keeps the replaced snapshot's figure
# (for a new snapshot: 7 days, an unknown post count, 0 for the rest), so a script can
# correct one figure without repeating the rest.
FIELDS = {
    "followers": "followers",
    "views": "video_views",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "posts": "posts",
    "period": "period_days",
}


@stats_group.command("add")
@click.option("--user", "email", required=True, help="The creator's email.")
@click.option("--date", "taken_on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
@click.option("--followers", type=click.IntRange(min=0), required=True)
@_count("views", "Video views over the period.")
@_count("likes", "Likes over the period.")
@_count("comments", "Comments over the period.")
@_count("shares", "Shares over the period.")
@_count("posts", "Videos posted over the period (left out: unknown).")
@click.option("--period", type=click.IntRange(min=1), default=None, help="Days covered [7].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def stats_add(email: str, taken_on: Any, as_json: bool, **counts: int | None) -> None:
    """Record the snapshot of one day, or replace that day's (options left out keep theirs)."""
    user = find_user(email)
    session = db_session()
    day = taken_on.date()
    replaced = services.snapshot_on(session, user.id, day)
    data = services.SnapshotData(taken_on=day, **_figures(counts, replaced))
    with refused_as_usage():
        snapshot = services.save_snapshot(
            session, user.id, replaced, data, dates.today_in(user.timezone)
        )
    session.commit()
    if as_json:
        payload: dict[str, Any] = {"date": snapshot.taken_on.isoformat()}
        payload.update({name: getattr(snapshot, name) for name in FIELDS.values()})
        payload["replaced"] = replaced is not None
        click.echo(json.dumps(payload, indent=2))
    else:
        verb = "Replaced the snapshot of" if replaced is not None else "Recorded"
        click.echo(f"{verb} {day}: {snapshot.followers:,} followers.")


# A new snapshot's figure for an option left out; posts stay unknown (None), not 0.
NEW_DEFAULTS: dict[str, int | None] = {"period": 7, "posts": None}


def _figures(counts: dict[str, int | None], replaced: Any) -> dict[str, Any]:
    """Each figure given, else the replaced snapshot's, else NEW_DEFAULTS' or 0."""
    figures = {}
    for option, name in FIELDS.items():
        given = counts[option]
        if given is None:
            given = getattr(replaced, name) if replaced is not None else NEW_DEFAULTS.get(option, 0)
        figures[name] = given
    return figures
