"""Preview, commit and undo an import: the one place an upload becomes stats and income.

Both preview and commit read the bytes themselves (commit never trusts a preview the browser
sent back). Commit writes all or nothing, inside a savepoint; like every service it flushes
and leaves the commit to its caller. No Flask and no click here: a page and the CLI call the
same functions.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.errors import FieldError
from crm.imports.digest import Digest, digest
from crm.imports.models import DailyStats, Import
from crm.imports.readers import source_label
from crm.imports.rows import Found, Reader, UnreadableFile
from crm.imports.sums import EntrySum, entry_sums
from crm.imports.videos import AddVideos, VideoPlan, plan_videos
from crm.income.models import Expense, IncomeEntry
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page

CHUNK = 1 << 20


class ImportRefused(FieldError):
    """An import that can't be read, written or undone; nothing was changed."""


class NeedsMapping(ImportRefused):
    """A CSV no named source knows: the creator can map its columns (`header`) to import it."""

    def __init__(self, message: str, header: list[str]) -> None:
        super().__init__(message, field="file")
        self.header = header


@dataclass(frozen=True)
class Upload:
    """The file as the creator gave it, and the corrections the preview offers."""

    name: str
    data: bytes | BinaryIO
    source: str | None = None
    ends_on: date | None = None  # the last day of a TikTok export, when the creator says
    # A creator's own CSV: the reader built from the columns they mapped, for a table no
    # named source recognises (crm.imports.readers.mapped).
    mapped: Reader | None = None
    # The videos not in the portfolio to add (their keys, from the preview's boxes), or all.
    add_videos: AddVideos = frozenset()


@dataclass
class Replacement:
    """An earlier import of the same source whose days this file covers again."""

    earlier: Import
    date_from: date
    date_to: date
    # Per program (or "views"): amounts by currency, before and after, over the shared days.
    before: dict[str, dict[str, int]] = field(default_factory=dict)
    after: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changes(self) -> bool:
        """Whether the new file's figures differ from the earlier import's on these days."""
        return self.before != self.after


@dataclass
class Preview:
    """What an upload holds and what committing it would do; nothing was written."""

    file_name: str
    sha256: str
    digest: Digest
    entries: list[EntrySum]
    warnings: list[str]
    already: Import | None = None  # the same bytes, imported and not undone
    replacements: list[Replacement] = field(default_factory=list)
    videos: VideoPlan = field(default_factory=VideoPlan)

    @property
    def source(self) -> str:
        return ",".join(self.digest.sources)

    @property
    def other_warnings(self) -> list[str]:
        """The warnings of no one table (returns carried to another day): the page lists each
        table's own under its name."""
        by_table = set(self.digest.warnings)
        return [w for w in self.warnings if w not in by_table]

    @property
    def label(self) -> str:
        return "; ".join(dict.fromkeys(t.label for t in self.digest.tables))

    @property
    def currencies(self) -> set[str]:
        costs = {k.currency for k in self.digest.costs}
        return {e.currency for e in self.entries} | costs | {k.currency for k in self.digest.lines}


def _hashed(data: bytes | BinaryIO) -> tuple[BinaryIO, str]:
    if isinstance(data, bytes | bytearray):
        return io.BytesIO(data), hashlib.sha256(data).hexdigest()
    digest_ = hashlib.sha256()
    for chunk in iter(lambda: data.read(CHUNK), b""):
        digest_.update(chunk)
    data.seek(0)
    return data, digest_.hexdigest()


def read(upload: Upload, owner: User, today: date) -> tuple[Digest, str]:
    """The upload's digest and the sha256 of its bytes; ImportRefused for a bad file."""
    from crm.imports import files  # the file layer pulls in the parsers: only when importing

    stream, sha = _hashed(upload.data)
    try:
        found = files.open_upload(upload.name, stream, upload.source)
        result = digest(_with_mapped(found, upload.mapped), today, owner.currency, upload.ends_on)
    except UnreadableFile as error:
        raise ImportRefused(str(error), field="file") from None
    if not result.tables:
        foreign = next((kind for kind in result.foreign if kind), None)
        if foreign is not None:
            raise ImportRefused(
                f"This is {foreign}: Creator CRM imports TikTok Studio, LTK, Amazon and "
                "TikTok Shop files, and income CSVs.",
                field="file",
            )
        mappable = [h for h in result.unknown_headers if len([c for c in h if c]) >= 2]
        if mappable and upload.source is None:
            raise NeedsMapping(
                f"“{upload.name}” isn't an export we know: say which of its columns hold the "
                "date and the amount (on the Imports page) to import it as income.",
                header=mappable[0],
            )
        raise ImportRefused(_nothing_read(upload, result), field="file")
    if result.is_empty:
        first = next((t.first_skipped[0] for t in result.tables if t.first_skipped), None)
        why = f": line {first.line}: {first.reason}" if first else "."
        raise ImportRefused(f"“{upload.name}” has no rows to import{why}", field="file")
    return result, sha


def _nothing_read(upload: Upload, result: Digest) -> str:
    """Why no table of the upload was read, in the creator's words."""
    if upload.source is None:
        return (
            f"“{upload.name}” isn't an export we know: upload one from TikTok Studio, LTK, "
            "Amazon Associates or TikTok Shop, or a CSV of income."
        )
    chosen = source_label(upload.source)
    kind = next((k for k in result.unknown_kinds if k), None)
    if kind is not None:
        return (
            f"This looks like a {kind} export, not {chosen}: choose {kind} or Recognise it for me."
        )
    return (
        f"“{upload.name}” doesn't look like an export from {chosen}: check it is the file "
        f"{chosen} gave you, or choose Recognise it for me."
    )


def _with_mapped(found: Iterable[Found], mapped: Reader | None) -> Iterator[Found]:
    """The tables, a table no named source knows given to the creator's mapped reader."""
    for item in found:
        table = item.table
        if item.reader is None and mapped and mapped.recognises(table.preamble, table.header):
            item = Found(table, mapped)
        yield item


def preview(session: Session, owner: User, upload: Upload, today: date) -> Preview:
    """What the upload holds and what committing it would replace; writes nothing."""
    found, sha = read(upload, owner, today)
    entries, warnings = entry_sums(found.earnings)
    result = Preview(upload.name, sha, found, entries, found.warnings + warnings)
    result.already = session.scalars(
        owned(Import, owner.id).where(Import.sha256 == sha, Import.undone_at.is_(None))
    ).first()
    if result.already is None:
        result.replacements = _replacements(session, owner.id, result)
        result.videos = plan_videos(session, owner.id, found.videos)
    return result


def overlapped(session: Session, owner_id: int, sources: str, start: date, end: date):
    """The live imports of the same source whose dates meet start..end, oldest first."""
    return session.scalars(
        owned(Import, owner_id)
        .where(
            Import.source == sources,
            Import.undone_at.is_(None),
            Import.date_from <= end,
            Import.date_to >= start,
        )
        .order_by(Import.created_at, Import.id)
    ).all()


def _replacements(session: Session, owner_id: int, found: Preview) -> list[Replacement]:
    start, end = found.digest.date_from, found.digest.date_to
    if start is None or end is None:
        return []
    out = []
    for earlier in overlapped(session, owner_id, found.source, start, end):
        lo, hi = max(start, earlier.date_from or start), min(end, earlier.date_to or end)
        item = Replacement(earlier, lo, hi)
        for program, currency, cents in session.execute(
            owned(IncomeEntry, owner_id, IncomeEntry.program, IncomeEntry.currency)
            .add_columns(func.sum(IncomeEntry.amount_cents))
            .where(IncomeEntry.import_id == earlier.id)
            .where(IncomeEntry.earned_on.between(lo, hi))
            .group_by(IncomeEntry.program, IncomeEntry.currency)
        ):
            item.before.setdefault(program, {})[currency] = int(cents)
        for entry in found.entries:
            if lo <= entry.day <= hi:
                by = item.after.setdefault(entry.program, {})
                by[entry.currency] = by.get(entry.currency, 0) + entry.cents
        _views(session, owner_id, found.digest, item)
        out.append(item)
    return out


def _views(session: Session, owner_id: int, found: Digest, item: Replacement) -> None:
    new = [d.views for day, d in found.days.items() if item.date_from <= day <= item.date_to]
    if not new:
        return
    before = session.scalar(
        owned(DailyStats, owner_id, func.sum(DailyStats.views)).where(
            DailyStats.day.between(item.date_from, item.date_to)
        )
    )
    item.before["views"] = {"views": int(before or 0)}
    item.after["views"] = {"views": sum(v or 0 for v in new)}


IMPORT_ORDER = Order(
    "imports", (Key(Import.created_at, descending=True), Key(Import.id, descending=True))
)


def import_page(session: Session, owner_id: int, cursor: str | None, size: int) -> Page[Import]:
    """One page of the creator's imports, newest first (undone ones too: the record stays)."""
    return keyset_page(session, owned(Import, owner_id), IMPORT_ORDER, cursor, size)


def find_import(session: Session, owner_id: int, import_id: int) -> Import:
    """The creator's import `import_id`; ImportRefused for anyone else's or none."""
    found = session.scalars(owned(Import, owner_id).where(Import.id == import_id)).first()
    if found is None:
        raise ImportRefused(f"You have no import #{import_id}.", field="import")
    return found


def written_counts(session: Session, owner_id: int, import_id: int) -> dict[str, int]:
    """How many income entries and expenses import `import_id` still has in the books."""
    return {
        name: session.scalar(
            select(func.count()).where(model.owner_id == owner_id, model.import_id == import_id)
        )
        or 0
        for name, model in (("income", IncomeEntry), ("expenses", Expense))
    }
