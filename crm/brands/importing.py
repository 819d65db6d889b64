"""Reading a brands CSV: every line checked before anything is written (no session here)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crm.brands import normalise
from crm.brands.csvfile import BRAND_COLUMNS, COLUMNS, Record, records, restore
from crm.brands.models import BrandKind, BrandSource, BrandStatus

MAX_ROWS = 5_000
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}
_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*([km]?)$", re.I)


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    """The file was not imported; `problems` says which lines are wrong and why."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class ContactRow:
    name: str
    email: str
    role: str
    primary: bool


@dataclass(frozen=True)
class ImportRow:
    """One checked line: the brand columns it fills, its tags and its contact."""

    line: int
    values: dict[str, Any]
    tags: list[str]
    contact: ContactRow | None


def decode(data: bytes) -> str:
    """File bytes as text: UTF-8 (with or without Excel's BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRejected(
            [RowProblem(1, "The file is not text. Save it as 'CSV UTF-8' and try again.")]
        ) from None


def _header(cells: list[str]) -> list[str]:
    names = [re.sub(r"[\s-]+", "_", cell.strip().lower()) for cell in cells]
    unknown = [cells[i] for i, name in enumerate(names) if name and name not in COLUMNS]
    if unknown:
        raise ImportRejected(
            [RowProblem(1, f"Unknown column(s): {', '.join(unknown)}. Use: {', '.join(COLUMNS)}.")]
        )
    if "name" not in names:
        raise ImportRejected([RowProblem(1, "The first line must name the columns, with 'name'.")])
    return names


def read_rows(data: bytes) -> list[ImportRow]:
    """Check every line of a brands CSV; ImportRejected lists every bad line."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    found = records(text, delimiter)
    header = next(found, None)
    if header is None:
        raise ImportRejected([RowProblem(1, "The file is empty.")])
    if header.problem:
        raise ImportRejected([RowProblem(1, header.problem)])
    rows, problems = _read_records(found, _header(header.cells))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([RowProblem(2, "There are no brands in the file, only a header.")])
    return rows


def _read_records(
    found: Iterator[Record], names: list[str]
) -> tuple[list[ImportRow], list[RowProblem]]:
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    for record in found:
        if record.problem:
            problems.append(RowProblem(record.line, record.problem))
            continue
        if not any(cell.strip() for cell in record.cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(RowProblem(record.line, f"Import at most {MAX_ROWS:,} rows at a time."))
            break
        try:
            rows.append(parse_row(record.line, _record(record.line, record.cells, names)))
        except ImportRejected as rejected:
            problems.extend(rejected.problems)
    return rows, problems


def _record(line: int, cells: list[str], names: list[str]) -> dict[str, str]:
    # Empty cells past the header's columns are spreadsheet padding; anything else means
    # the row's cells and the columns don't line up (a stray comma, a missing one).
    extra = len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :])
    if extra or len(cells) < len(names):
        message = f"This row has {len(cells)} cells but the header names {len(names)} columns."
        raise ImportRejected([RowProblem(line, message)])
    return {name: restore(cell.strip()) for name, cell in zip(names, cells, strict=False) if name}


def _choice(kind: type[BrandKind | BrandSource | BrandStatus], text: str) -> Any:
    """An enum member from its stored value or its label, in any letter case."""
    wanted = text.strip().casefold()
    for member in kind:
        if wanted in (member.value, member.label.casefold(), member.value.replace("_", " ")):
            return member
    allowed = ", ".join(member.label for member in kind)
    raise normalise.InvalidValue(f"{text!r} is not one of: {allowed}.")


def _flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise normalise.InvalidValue(f"{text!r} should be yes or no.")


def _followers(text: str) -> int:
    """'1,200' -> 1200; '4.3K' -> 4300 (TikTok's own way of showing counts)."""
    match = _COUNT.match(text.replace(",", "").replace(" ", ""))
    if not match:
        raise normalise.InvalidValue(f"{text!r} is not a follower count.")
    # Decimal, not float: a 5,000-digit count is "too many", not infinity.
    number, suffix = Decimal(match.group(1)), match.group(2).lower()
    count = round(number * {"": 1, "k": 1_000, "m": 1_000_000}[suffix])
    if count > normalise.FOLLOWERS_MAX:
        raise normalise.InvalidValue(f"{text!r} is more followers than TikTok has users.")
    return count


def _brand_value(name: str, cell: str) -> dict[str, Any]:
    """The stored values one non-empty brand cell gives."""
    if name == "name":
        clean = normalise.clean_name(cell)
        return {"name": clean, "name_key": normalise.name_key(clean)}
    if name == "website":
        website, domain = normalise.clean_website(cell)
        return {"website": website, "website_domain": domain}
    if name == "notes" and len(cell) > normalise.NOTES_MAX:
        raise normalise.InvalidValue(f"Keep notes under {normalise.NOTES_MAX:,} characters.")
    parsers: dict[str, Any] = {
        "tiktok_handle": normalise.clean_handle,
        "tiktok_followers": _followers,
        "product_category": normalise.clean_category,
        "kind": lambda text: _choice(BrandKind, text),
        "source": lambda text: _choice(BrandSource, text),
        "runs_tiktok_ads": _flag,
        "status": lambda text: _choice(BrandStatus, text),
        "notes": str,
    }
    return {name: parsers[name](cell)}


def _is_control(char: str) -> bool:
    # Whitespace (line breaks, tabs) is folded by the column parsers; the rest has no place.
    return unicodedata.category(char) == "Cc" and not char.isspace()


def _unstorable_cells(line: int, record: dict[str, str]) -> list[RowProblem]:
    """NUL anywhere (PostgreSQL can't store it); other control characters outside the notes."""
    problems = []
    for name, cell in record.items():
        if "\x00" in cell:
            problems.append(RowProblem(line, f"{name}: contains a NUL character; remove it."))
        elif name != "notes" and any(_is_control(c) for c in cell):
            problems.append(RowProblem(line, f"{name}: contains a control character; remove it."))
        elif name != "notes" and ("\n" in cell or "\r" in cell):
            # Only notes span lines; elsewhere it is a quote left open swallowing a row.
            message = f'{name}: runs over several lines; is a quote (") left open?'
            problems.append(RowProblem(line, message))
    return problems


def parse_row(line: int, record: dict[str, str]) -> ImportRow:
    """Check one line; ImportRejected carries every problem found on it."""
    problems = _unstorable_cells(line, record)
    values: dict[str, Any] = {}
    tags: list[str] = []
    if problems:
        raise ImportRejected(problems)
    if not record.get("name"):
        problems.append(RowProblem(line, "name: every row needs the brand's name."))
    for name in BRAND_COLUMNS:
        if name == "tags" or not record.get(name):
            continue
        try:
            values.update(_brand_value(name, record[name]))
        except normalise.InvalidValue as error:
            problems.append(RowProblem(line, f"{name}: {error}"))
    try:
        tags = normalise.clean_tags(record.get("tags", ""))
    except normalise.InvalidValue as error:
        problems.append(RowProblem(line, f"tags: {error}"))
    contact = _contact(line, record, problems)
    if problems:
        raise ImportRejected(problems)
    return ImportRow(line=line, values=values, tags=tags, contact=contact)


def _contact(line: int, record: dict[str, str], problems: list[RowProblem]) -> ContactRow | None:
    name = " ".join(record.get("contact_name", "").split())
    email, role = record.get("contact_email", ""), " ".join(record.get("contact_role", "").split())
    if not (name or email or role):
        return None
    try:
        email = normalise.clean_email(email)
    except normalise.InvalidValue as error:
        problems.append(RowProblem(line, f"contact_email: {error}"))
    if not name:
        problems.append(RowProblem(line, "contact_name: a contact needs a name."))
    if len(name) > normalise.CONTACT_NAME_MAX or len(role) > normalise.ROLE_MAX:
        problems.append(RowProblem(line, "contact_name/contact_role: too long."))
    try:
        primary = _flag(record.get("contact_primary", ""))
    except normalise.InvalidValue as error:
        problems.append(RowProblem(line, f"contact_primary: {error}"))
        primary = False
    return ContactRow(name=name, email=email, role=role, primary=primary)
