"""`crm import FILE` and `crm imports list|undo`: imports from the command line.

`crm import` is a group whose default command reads a FILE: `crm import FILE --user ...` runs
`crm import file FILE ...`, and named subcommands sit beside it (`crm import backup FILE`, the
account restore, plugs in with `import_group.add_command(command, "backup")`). A file that
happens to be called like a subcommand is imported with `crm import file NAME`.

A bad file, or a refused import or undo, is one `Error:` line and a non-zero exit.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from crm import dates, money
from crm.calculators.cli import RatesGroup
from crm.database import db_session, utcnow
from crm.imports import committing, services
from crm.imports.digest import COUNTED
from crm.imports.models import Import
from crm.imports.services import ImportRefused, Preview, Upload
from crm.imports.totals import preview_totals
from crm.imports.videos import ADD_ALL, videos_kept_text
from crm.income.cli import day, find_user, json_option, user_option
from crm.market.current import market
from crm.rates.payloads import major

SOURCES = ("tiktok", "ltk", "amazon", "tiktok-shop")


class ImportGroup(RatesGroup):
    """A group whose first argument, when no subcommand has that name, is the FILE."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] != "--help":
            args = ["file", *args]
        return super().parse_args(ctx, args)


import_group = ImportGroup(
    "import", help="Import a file you downloaded: crm import FILE --user ..."
)
imports_group = RatesGroup("imports", help="Imports you made: list them, undo one.")


def _rates(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    rates = {}
    for value in values:
        code, _, rate = value.partition("=")
        try:
            rates[code.strip().upper()] = money.parse_rate(rate)
        except money.MoneyError as error:
            raise click.BadParameter(f"{value!r}: {error} (write it as USD=0.92)") from None
    return rates


def _day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(totals: dict[str, dict[str, int]]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            key: (value if name in COUNTED or key == "views" else major(value))
            for key, value in by.items()
        }
        for name, by in totals.items()
    }


def _totals(found: Preview) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for table in found.digest.tables:
        for name, by in table.totals.items():
            into = out.setdefault(name, {})
            for key, value in by.items():
                into[key] = into.get(key, 0) + value
    return out


def preview_payload(found: Preview) -> dict[str, Any]:
    """The preview as JSON: amounts in major units, dates ISO."""
    digest = found.digest
    return {
        "file": found.file_name,
        "source": found.source,
        "label": found.label,
        "rows": digest.rows,
        "skipped": digest.skipped,
        "skipped_lines": [
            {"table": t.name, "line": s.line, "reason": s.reason}
            for t in digest.tables
            for s in t.first_skipped
        ],
        "date_from": _day_text(digest.date_from),
        "date_to": _day_text(digest.date_to),
        "totals": _money(_totals(found)),
        "entries": len(found.entries),
        "warnings": found.warnings,
        "unknown_tables": digest.unknown,
        "already_imported": found.already.id if found.already else None,
        "videos_updated": [
            {"url": c.url, "title": c.title, "views": list(c.views), "likes": list(c.likes)}
            for c in found.videos.updated
        ],
        "videos_new": [
            {"url": v.url, "title": v.title, "views": v.views, "likes": v.likes}
            for v in found.videos.new
        ],
        "replaces": [
            {
                "import": r.earlier.id,
                "file": r.earlier.file_name,
                "date_from": _day_text(r.date_from),
                "date_to": _day_text(r.date_to),
                "before": _money(r.before),
                "after": _money(r.after),
            }
            for r in found.replacements
        ],
    }


def _show(amounts: dict[str, dict[str, int]]) -> str:
    streams = {stream.key: stream.label for stream in market().streams}
    return "; ".join(preview_totals(amounts, streams)) or "nothing"


def _video_lines(found: Preview, add_videos: str) -> list[str]:
    plan, out = found.videos, []
    if plan.updated:
        out.append(f"{len(plan.updated):,} portfolio video{_s(len(plan.updated))} updated "
                   "(views/likes before -> after):")  # fmt: skip
        out.extend(f"  {c.title}: {c.views[0]:,} -> {c.views[1]:,} views, {c.likes[0]:,} -> "
                   f"{c.likes[1]:,} likes" for c in plan.updated)  # fmt: skip
    if plan.new:
        what = "added" if add_videos == ADD_ALL else "not added (--add-videos all adds them)"
        out.append(f"{len(plan.new):,} video{_s(len(plan.new))} not in your portfolio: {what}")
    return out


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def preview_lines(found: Preview, add_videos: str = "none") -> list[str]:
    """The preview as text."""
    digest = found.digest
    out = [f"{found.file_name}: {found.label} ({found.source})"]
    span = f"{digest.date_from} to {digest.date_to}" if digest.date_from else "no dates"
    out.append(f"{digest.rows:,} rows, {span}: {_show(_totals(found))}")
    if digest.skipped:
        out.append(f"{digest.skipped:,} lines skipped:")
        out.extend(f"  line {s.line}: {s.reason}" for t in digest.tables for s in t.first_skipped)
    out.extend(f"Warning: {warning}" for warning in found.warnings)
    out.extend(f"Not read (no reader knows it): {name}" for name in digest.unknown)
    for r in found.replacements:
        out.append(f"Replaces import #{r.earlier.id} ({r.earlier.file_name}) for {r.date_from} "
                   f"to {r.date_to}: {_show(r.before)} before, {_show(r.after)} after")  # fmt: skip
    out.extend(_video_lines(found, add_videos))
    if found.already:
        out.append(f"Already imported as #{found.already.id}: importing it again changes nothing.")
    return out


@import_group.command("file")
@click.argument(
    "path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@user_option
@click.option("--source", type=click.Choice(SOURCES), help="Default: recognised by content.")
@click.option("--dry-run", is_flag=True, help="Show what it would import; write nothing.")
@click.option("--ends-on", type=day, help="YYYY-MM-DD: the last day a TikTok export covers.")
@click.option("--rate", "rates", multiple=True, callback=_rates,
              help="CODE=RATE: your currency per unit of CODE, e.g. USD=0.92.")  # fmt: skip
@click.option("--add-videos", type=click.Choice((ADD_ALL, "none")), default="none",
              show_default=True,
              help="Videos not in your portfolio: add them all, or none.")  # fmt: skip
@json_option
@with_appcontext
def import_file(path: Path, email: str, source: str | None, dry_run: bool, ends_on: Any,
                rates: dict[str, int], add_videos: str, as_json: bool) -> None:  # fmt: skip
    """Import FILE (a TikTok Studio, LTK, Amazon or TikTok Shop export, or its ZIP)."""
    user = find_user(email)
    session, today = db_session(), dates.today_in(user.timezone)
    with path.open("rb") as stream:
        upload = Upload(path.name, stream, source, ends_on.date() if ends_on else None,
                        add_videos=ADD_ALL if add_videos == ADD_ALL else frozenset())  # fmt: skip
        try:
            if dry_run:
                found = services.preview(session, user, upload, today)
                record = None
            else:
                record, found = committing.commit(session, user, upload, today, utcnow(), rates)
        except ImportRefused as error:
            session.rollback()
            raise click.ClickException(error.message) from None
    session.commit()
    payload = preview_payload(found)
    if record is not None:
        payload |= {"import": record.id, "written": record.entries_written,
                    "replaced": record.entries_replaced}  # fmt: skip
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    lines = preview_lines(found, add_videos)
    if record is not None and found.already is None:
        lines.append(f"Imported as #{record.id}: {record.entries_written:,} written, "
                     f"{record.entries_replaced:,} replaced.")  # fmt: skip
    click.echo("\n".join(lines))


def import_payload(record: Import) -> dict[str, Any]:
    """One import as the list shows it."""
    return {
        "id": record.id,
        "file": record.file_name,
        "source": record.source,
        "label": record.label,
        "created_at": record.created_at.isoformat(),
        "date_from": _day_text(record.date_from),
        "date_to": _day_text(record.date_to),
        "rows": record.rows_read,
        "skipped": record.rows_skipped,
        "written": record.entries_written,
        "replaced": record.entries_replaced,
        "undone_at": record.undone_at.isoformat() if record.undone_at else None,
    }


@imports_group.command("list")
@user_option
@json_option
@with_appcontext
def imports_list(email: str, as_json: bool) -> None:
    """Your imports, newest first."""
    user = find_user(email)
    session, cursor, records = db_session(), None, []
    while True:
        page = services.import_page(session, user.id, cursor, 100)
        records.extend(page.items)
        if not (cursor := page.older):
            break
    if as_json:
        click.echo(json.dumps({"imports": [import_payload(r) for r in records]}, indent=2))
        return
    for r in records:
        undone = "  (undone)" if r.undone_at else ""
        when = dates.show_date(r.created_at, user.timezone)
        click.echo(f"#{r.id}  {when}  {r.source:<8} {r.file_name}  {r.date_from} to "
                   f"{r.date_to}  {r.entries_written:,} written{undone}")  # fmt: skip


@imports_group.command("undo")
@click.argument("import_id", metavar="ID", type=int)
@user_option
@with_appcontext
def imports_undo(import_id: int, email: str) -> None:
    """Undo import ID: remove what it wrote, put back what it replaced."""
    user = find_user(email)
    session = db_session()
    try:
        undone = committing.undo(session, user, import_id, utcnow())
    except ImportRefused as error:
        session.rollback()
        raise click.ClickException(error.message) from None
    session.commit()
    record = undone.record
    kept = videos_kept_text(undone.videos_kept)
    click.echo(f"Undid import #{record.id} ({record.file_name}).{kept}")
