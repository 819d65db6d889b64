"""Commit an import (all or nothing) and undo one (putting back what it replaced).

A later import of a source owns everything it covers, even where its figures equal the
earlier ones: the earlier import's income and expenses on the days the new file covers are
removed and kept, the new ones written; each day of stats the file has is merged field by
field (a followers-only file keeps the views another gave) and pointed at the new import, the
day as it was kept; an audience dimension the file has is replaced whole.

Undo removes only what the import still owns, and gives each day (or income day, or audience
dimension) it owned to the newest import still standing that covers it, with that import's
figures. What it had kept of a day a later import now owns passes to that later import, so
undoing the later one still finds it: imports can be undone in any order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crm import inputs, money
from crm.accounts.models import User
from crm.brands.models import Brand
from crm.imports import keeping
from crm.imports.digest import DAY_FIELDS, Digest, merge_day
from crm.imports.models import SHARE_SCALE, DailyStats, FollowerShare, Import, ImportReplaced
from crm.imports.rows import DayStats
from crm.imports.services import ImportRefused, Preview, Upload, overlapped, preview
from crm.imports.videos import unwrite_videos, write_videos
from crm.income.models import AMOUNT_MAX_CENTS, Expense, ExpenseCategory, IncomeEntry, IncomeStatus
from crm.income.services import AFFILIATE, last_rates
from crm.ownership import owned
from crm.stats import weeks


def brand_ids_by_name(session: Session, owner_id: int, names: set[str]) -> dict[str, int]:
    """The creator's brands with these names (case folded), by folded name; the oldest wins."""
    folded = {name.casefold() for name in names if name}
    if not folded:
        return {}
    found: dict[str, int] = {}
    for brand_id, name in session.execute(
        owned(Brand, owner_id, Brand.id, Brand.name).order_by(Brand.id)
        .where(
            func.lower(Brand.name).in_({n.lower() for n in names if n})
            | Brand.name.in_({n for n in names if n})
        )
    ):  # fmt: skip
        found.setdefault(name.casefold(), brand_id)
    return {name: id_ for name, id_ in found.items() if name in folded}


LABEL_MAX = 200  # imports.label
FILE_NAME_MAX = 255  # imports.file_name
NOTE_MAX = 500  # income_entries.note


# Bulk deletes of rows no loaded object stands for: no need to look for them in the session.
NO_SYNC = {"synchronize_session": False}


def commit(
    session: Session,
    owner: User,
    upload: Upload,
    today: date,
    now: datetime,
    rates: dict[str, int] | None = None,
) -> tuple[Import, Preview]:
    """Read the upload again and write it all or nothing; the same bytes again change nothing.

    `rates` are the reporting currency per unit of another currency, in millionths (the
    creator's last rates when not given). Returns the import (the earlier one when the same
    bytes were imported already: see `Preview.already`) and the preview it wrote.
    """
    found = preview(session, owner, upload, today)
    if found.already is not None:
        return found.already, found
    rates = _rates(session, owner, found, rates)
    _check(found, today)
    with session.begin_nested():
        record = Import(
            owner_id=owner.id,
            source=found.source,
            label=found.label if len(found.label) <= LABEL_MAX else "Several exports",
            file_name=upload.name,
            sha256=found.sha256,
            created_at=now,
            date_from=found.digest.date_from,
            date_to=found.digest.date_to,
            rows_read=found.digest.rows,
            rows_skipped=found.digest.skipped,
        )
        session.add(record)
        session.flush()
        replaced = _replace_money(session, owner.id, record, found)
        written = _write_money(session, owner, record, found, rates, now)
        days_written, days_kept = _write_days(session, owner.id, record.id, found.digest.days)
        shares_written, shares_kept = _write_audience(session, owner.id, record.id, found.digest)
        videos_written, videos_kept = write_videos(
            session, owner.id, record.id, found.videos, upload.add_videos, now
        )
        if found.digest.days:
            weeks.rebuild(session, owner.id, min(found.digest.days), max(found.digest.days))
        record.entries_written = written + days_written + shares_written + videos_written
        record.entries_replaced = replaced + days_kept + shares_kept + videos_kept
        session.flush()
    return record, found


def _rates(
    session: Session, owner: User, found: Preview, given: dict[str, int] | None
) -> dict[str, int]:
    rates = {**last_rates(session, owner.id, owner.currency), **(given or {})}
    missing = sorted(found.currencies - {owner.currency} - set(rates))
    if missing:
        raise ImportRefused(
            f"Your income is kept in {owner.currency}: give the rate for {missing[0]} "
            f"(how many {owner.currency} one {missing[0]} was worth).",
            field="rate",
        )
    return {**rates, owner.currency: money.RATE_SCALE}


def _check(found: Preview, today: date) -> None:
    if len(found.file_name) > FILE_NAME_MAX:
        raise ImportRefused(
            f"The file's name is longer than {FILE_NAME_MAX} characters: rename it, then "
            "import it again.",
            field="file",
        )
    days = [e.day for e in found.entries] + [k.day for k in found.digest.costs]
    days += [k.day for k in found.digest.lines]
    days += list(found.digest.days)
    for day in sorted(set(days)):
        problem = inputs.date_problem(day, today)
        if problem:
            raise ImportRefused(f"A row is dated {day}: {problem}", field="file")
    amounts = [e.cents for e in found.entries] + list(found.digest.costs.values())
    amounts += list(found.digest.lines.values())
    if any(cents > AMOUNT_MAX_CENTS for cents in amounts):
        raise ImportRefused("A day's total is over 10 million: check the file.", field="file")


def _replace_money(session: Session, owner_id: int, record: Import, found: Preview) -> int:
    """Remove and keep the earlier imports' money on the days this file covers."""
    start, end = record.date_from, record.date_to
    if start is None or end is None:
        return 0
    earlier = [i.id for i in overlapped(session, owner_id, record.source, start, end)]
    earlier = [i for i in earlier if i != record.id]
    if not earlier:
        return 0
    kept = 0
    for kind, model, day in (
        ("income", IncomeEntry, IncomeEntry.earned_on),
        ("expense", Expense, Expense.spent_on),
    ):
        table = model.__table__
        where = (model.owner_id == owner_id, model.import_id.in_(earlier), day.between(start, end))
        rows = session.execute(select(table).where(*where)).mappings().all()
        kept += keeping.remember(session, owner_id, record.id, kind, rows)
        session.execute(
            delete(model).where(*where), execution_options={"synchronize_session": False}
        )
    return kept


def _write_money(
    session: Session, owner: User, record: Import, found: Preview, rates: dict[str, int],
    now: datetime,
) -> int:  # fmt: skip
    base = {"owner_id": owner.id, "import_id": record.id, "reporting_currency": owner.currency}
    base |= {"created_at": now}
    income = [
        {
            **base,
            "earned_on": e.day,
            "amount_cents": e.cents,
            "currency": e.currency,
            "rate_millionths": rates[e.currency],
            "reporting_cents": money.convert(e.cents, rates[e.currency]),
            "stream": AFFILIATE,
            "program": e.program,
            "note": e.note,
            "status": IncomeStatus.PAID if e.paid else IncomeStatus.EXPECTED,
            "paid_on": e.day if e.paid else None,
            "due_on": None,
            "brand_id": None,
            "updated_at": now,
        }
        for e in found.entries
    ]
    income += _own_lines(session, owner, found, rates, base | {"updated_at": now})
    costs = [
        {
            **base,
            "spent_on": key.day,
            "amount_cents": cents,
            "currency": key.currency,
            "rate_millionths": rates[key.currency],
            "reporting_cents": money.convert(cents, rates[key.currency]),
            "category": ExpenseCategory.FEES,
            "note": f"{key.program}: payment transaction fee",
        }
        for key, cents in sorted(found.digest.costs.items(), key=lambda kv: kv[0].day)
        if cents > 0
    ]
    keeping.insert_rows(session, "income", income)
    keeping.insert_rows(session, "expense", costs)
    return len(income) + len(costs)


def _own_lines(
    session: Session, owner: User, found: Preview, rates: dict[str, int], base: dict[str, Any]
) -> list[dict[str, Any]]:
    """Income from a creator's own CSV: its stream, and its brand when one of theirs has the
    name (else the name goes in the note, so nothing in the file is lost)."""
    if not found.digest.lines:
        return []
    brands = brand_ids_by_name(session, owner.id, {k.brand for k in found.digest.lines})
    rows = []
    for key, cents in sorted(found.digest.lines.items(), key=lambda kv: kv[0].day):
        brand_id = brands.get(key.brand.casefold()) if key.brand else None
        named = f"{key.brand}: {key.note}".rstrip(": ")
        # The brand's name goes in the note when it is none of theirs, and there is room.
        use_name = key.brand and not brand_id and len(named) <= NOTE_MAX
        note = named if use_name else key.note
        rows.append(
            base
            | {
                "earned_on": key.day,
                "amount_cents": cents,
                "currency": key.currency,
                "rate_millionths": rates[key.currency],
                "reporting_cents": money.convert(cents, rates[key.currency]),
                "stream": key.stream,
                "program": "",
                "note": note,
                "status": IncomeStatus.PAID if key.paid else IncomeStatus.EXPECTED,
                "paid_on": key.day if key.paid else None,
                "due_on": None,
                "brand_id": brand_id,
            }
        )
    return rows


def _day_values(stats: DayStats) -> dict[str, Any]:
    return {name: getattr(stats, name) for name in DAY_FIELDS}


def _write_days(
    session: Session, owner_id: int, import_id: int, days: dict[date, DayStats]
) -> tuple[int, int]:
    """Merge each day into daily_stats, keeping every day as it was; (days new or with other
    figures, days kept)."""
    if not days:
        return 0, 0
    table = DailyStats.__table__
    existing = {
        row["day"]: row
        for row in session.execute(
            select(table).where(
                table.c.owner_id == owner_id, table.c.day.between(min(days), max(days))
            )
        ).mappings()
    }
    new, changed, kept = [], [], []
    different = 0
    for day, stats in sorted(days.items()):
        row = existing.get(day)
        if row is None:
            new.append({"owner_id": owner_id, "day": day, "import_id": import_id,
                        **_day_values(stats)})  # fmt: skip
            continue
        before = DayStats(day=day, **{name: row[name] for name in DAY_FIELDS})
        merged = merge_day(before, stats)
        # The day is this import's now, even with the same figures: undoing the earlier
        # import must leave it, and undoing this one gives the earlier one its day back.
        kept.append(row)
        changed.append({"id": row["id"], "import_id": import_id, **_day_values(merged)})
        different += merged != before
    keeping.insert_rows(session, "day", new)
    if changed:
        session.execute(update(DailyStats), changed)
    remembered = keeping.remember(session, owner_id, import_id, "day", kept)
    return len(new) + different, remembered


def _write_audience(
    session: Session, owner_id: int, import_id: int, found: Digest
) -> tuple[int, int]:
    """Replace each audience dimension the file has, keeping the shares it replaces."""
    written = kept = 0
    table = FollowerShare.__table__
    for dimension, shares in sorted(found.audience.items()):
        where = (table.c.owner_id == owner_id, table.c.dimension == dimension)
        rows = session.execute(select(table).where(*where)).mappings().all()
        kept += keeping.remember(session, owner_id, import_id, "audience", rows)
        session.execute(delete(table).where(*where))
        new = [
            {
                "owner_id": owner_id,
                "import_id": import_id,
                "dimension": dimension,
                "key": key,
                "share_millionths": int(min(max(share, 0), 1) * SHARE_SCALE),
            }
            for key, share in sorted(shares.items())
        ]
        keeping.insert_rows(session, "audience", new)
        written += len(new)
    return written, kept


@dataclass(frozen=True)
class Undone:
    """An import undone, and how many of its portfolio videos the creator had edited since
    (those stay as they left them)."""

    record: Import
    videos_kept: int = 0


def undo(session: Session, owner: User, import_id: int, now: datetime) -> Undone:
    """Remove what import `import_id` wrote and put back what it replaced."""
    from crm.imports.services import find_import

    record = find_import(session, owner.id, import_id)
    if record.undone_at is not None:
        raise ImportRefused(f"Import #{record.id} was already undone.", field="import")
    kept = session.scalar(
        owned(ImportReplaced, owner.id, func.count()).where(ImportReplaced.import_id == record.id)
    )
    if record.entries_replaced and not kept:
        # Restored from a backup, which doesn't carry what an import replaced: undoing it
        # would remove its figures and put nothing back.
        raise ImportRefused(
            f"Import #{record.id} came from a backup, which doesn't keep what it replaced: it "
            "can't be undone. Import a corrected file instead.",
            field="import",
        )
    with session.begin_nested():
        # Only an import that wrote days has weeks to rebuild (an LTK import has none).
        wrote_days = session.scalar(
            select(
                owned(DailyStats, owner.id, DailyStats.id)
                .where(DailyStats.import_id == record.id)
                .exists()
            )
        )
        _unwrite(session, owner.id, record)
        videos_kept = unwrite_videos(session, owner.id, record.id)
        if wrote_days and record.date_from is not None and record.date_to is not None:
            # The days are back as they were before it: so are the weeks built from them.
            weeks.rebuild(session, owner.id, record.date_from, record.date_to)
        record.undone_at = now
        session.flush()
    return Undone(record, videos_kept)


Order = tuple[datetime, int]  # an import's place in time: (created_at, id)


def _unwrite(session: Session, owner_id: int, record: Import) -> None:
    """Remove what `record` still owns; give each thing it owned to the newest standing
    import that covers it; pass what it kept of things a later import owns to that one."""
    kept = keeping.kept_entries(session, owner_id, record.id)
    froms = {k.from_import_id for k in kept if k.from_import_id is not None}
    standing: dict[int, Order] = {
        id_: (created, id_)
        for id_, created in session.execute(
            owned(Import, owner_id, Import.id, Import.created_at).where(
                Import.id.in_(froms), Import.undone_at.is_(None), Import.id != record.id
            )
        )
    }
    handed: dict[int, int] = {}  # import_replaced id -> the later import that takes it
    restore: dict[str, list[dict[str, Any]]] = {}
    _unwrite_money(session, owner_id, record, kept, handed, restore)
    _unwrite_days(session, owner_id, record.id, kept, standing, handed)
    _unwrite_audience(session, owner_id, record.id, kept, standing, handed, restore)
    for kind, rows in restore.items():
        keeping.insert_rows(session, kind, rows)
    if handed:
        session.execute(
            update(ImportReplaced),
            [{"id": id_, "import_id": to} for id_, to in handed.items()],
        )


def _unwrite_money(
    session: Session,
    owner_id: int,
    record: Import,
    kept: list[keeping.Kept],
    handed: dict[int, int],
    restore: dict[str, list[dict[str, Any]]],
) -> None:
    """Income and expenses: a day of the source belongs to the newest standing import of
    it whose dates cover the day."""
    for model in (IncomeEntry, Expense):
        session.execute(
            delete(model).where(model.owner_id == owner_id, model.import_id == record.id),
            execution_options=NO_SYNC,
        )
    money_kept = [k for k in kept if k.kind in ("income", "expense")]
    if not money_kept or record.date_from is None or record.date_to is None:
        return
    others = [
        i
        for i in overlapped(session, owner_id, record.source, record.date_from, record.date_to)
        if i.id != record.id
    ]
    mine: Order = (record.created_at, record.id)

    def owner_of(day: date) -> Import | None:
        covering = [i for i in others if i.date_from <= day <= i.date_to]  # type: ignore[operator]
        return max(covering, key=lambda i: (i.created_at, i.id), default=None)

    for entry in money_kept:
        day = entry.values["earned_on" if entry.kind == "income" else "spent_on"]
        holder = owner_of(day)
        if holder is not None and (holder.created_at, holder.id) > mine:
            handed[entry.id] = holder.id
        elif holder is not None and entry.from_import_id == holder.id:
            restore.setdefault(entry.kind, []).append(entry.values)


def _live(entries: list[keeping.Kept], standing: dict[int, Order]) -> list[keeping.Kept]:
    """The entries whose writer still stands (or that no import wrote)."""
    return [k for k in entries if k.from_import_id is None or k.from_import_id in standing]


def _newest(live: list[keeping.Kept], standing: dict[int, Order]) -> int | None:
    """The newest writer among these live entries (a row no import wrote is the oldest)."""

    def order(entry: keeping.Kept) -> tuple[bool, Order | None]:
        writer = entry.from_import_id
        return (False, None) if writer is None else (True, standing[writer])

    return max(live, key=order).from_import_id


def _grouped(kept: list[keeping.Kept], kind: str, key: str) -> dict[Any, list[keeping.Kept]]:
    """The kept entries of one kind, by the value that names what they held (a day, a
    dimension), in the order they were kept."""
    groups: dict[Any, list[keeping.Kept]] = {}
    for entry in kept:
        if entry.kind == kind:
            groups.setdefault(entry.values[key], []).append(entry)
    return groups


def _hand(
    entries: list[keeping.Kept],
    later: int,
    standing: dict[int, Order],
    handed: dict[int, int],
) -> None:
    """What a later import now owns: the live entries this one kept become that one's."""
    for entry in _live(entries, standing):
        handed[entry.id] = later


def _newest_values(entries: list[keeping.Kept], standing: dict[int, Order]) -> list[dict[str, Any]]:
    """The values to put back of one day or dimension: those its newest standing writer
    gave (none when no writer stands)."""
    live = _live(entries, standing)
    if not live:
        return []
    newest = _newest(live, standing)
    return [k.values for k in live if k.from_import_id == newest]


def _unwrite_days(
    session: Session,
    owner_id: int,
    import_id: int,
    kept: list[keeping.Kept],
    standing: dict[int, Order],
    handed: dict[int, int],
) -> None:
    by_day = _grouped(kept, "day", "day")
    table = DailyStats.__table__
    rows = session.execute(
        select(table.c.id, table.c.day, table.c.import_id).where(
            table.c.owner_id == owner_id,
            (table.c.import_id == import_id) | table.c.day.in_(list(by_day)),
        )
    ).all()
    back, gone = [], []
    for id_, day, writer in rows:
        entries = by_day.get(day, [])
        if writer != import_id:
            # A later import owns the day: what this one kept of it is that one's to give back.
            _hand(entries, writer, standing, handed)
            continue
        values = _newest_values(entries, standing)
        if values:
            back.append({"id": id_, **_restorable(values[-1])})
        else:
            gone.append(id_)
    if back:
        session.execute(update(DailyStats), back)
    if gone:
        session.execute(delete(table).where(table.c.id.in_(gone)))


def _unwrite_audience(
    session: Session,
    owner_id: int,
    import_id: int,
    kept: list[keeping.Kept],
    standing: dict[int, Order],
    handed: dict[int, int],
    restore: dict[str, list[dict[str, Any]]],
) -> None:
    by_dimension = _grouped(kept, "audience", "dimension")
    table = FollowerShare.__table__
    writers = dict(
        session.execute(
            select(table.c.dimension, table.c.import_id)
            .where(
                table.c.owner_id == owner_id,
                table.c.dimension.in_(list(by_dimension)),
                table.c.import_id.is_distinct_from(import_id),
            )
            .distinct()
        ).all()
    )
    session.execute(
        delete(table).where(table.c.owner_id == owner_id, table.c.import_id == import_id),
        execution_options=NO_SYNC,
    )
    for dimension, entries in by_dimension.items():
        if dimension in writers:
            # A later import replaced the dimension: it gives back what this one had kept.
            _hand(entries, writers[dimension], standing, handed)
            continue
        restore.setdefault("audience", []).extend(_newest_values(entries, standing))


def _restorable(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.get(name) for name in (*DAY_FIELDS, "import_id")}
