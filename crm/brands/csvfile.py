"""The brands CSV format: strict reading of records, and export (one row per contact)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session, selectinload

from crm.brands.listing import BrandFilters, filtered
from crm.brands.models import Brand, Contact
from crm.market.current import market

BRAND_COLUMNS = [
    "name",
    "website",
    "tiktok_handle",
    "tiktok_followers",
    "product_category",
    "kind",
    "source",
    "runs_tiktok_ads",
    "status",
    "tags",
    "notes",
]
CONTACT_COLUMNS = ["contact_name", "contact_email", "contact_role", "contact_primary"]
COLUMNS = BRAND_COLUMNS + CONTACT_COLUMNS

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would run as a formula plain text, with a leading '."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """Undo neutralise() on import, so an exported file re-imports to the same values."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


# What Python's strict CSV reader says, in a creator's words.
_CSV_ERRORS = {
    "unexpected end of data": (
        'A quote (") opened on this line is never closed, so the rest of the file would '
        "become one cell. Close the quote or remove it."
    ),
    "',' expected after '\"'": (
        'A quote (") in the middle of a cell. Put the whole cell in quotes and double the '
        'quote inside it (""), or remove it.'
    ),
}


@dataclass(frozen=True)
class Record:
    """One CSV record: the line it starts on, its cells, or why it can't be read."""

    line: int
    cells: list[str]
    problem: str = ""


def records(text: str, delimiter: str = ",") -> Iterator[Record]:
    """The records of `text`, read strictly: a stray or unclosed quote is a problem at its line.

    A lenient reader lets an unclosed quote swallow the rows after it into one cell.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            reason = str(error).replace(f"'{delimiter}' expected", "',' expected")
            yield Record(line, [], _CSV_ERRORS.get(reason, f"Not readable as CSV ({error})."))
            continue
        yield Record(line, cells)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def brand_cells(brand: Brand) -> list[str]:
    """The brand columns of one row."""
    return [
        brand.name,
        brand.website,
        # Without the @: a cell starting with @ would need neutralising.
        brand.tiktok_handle,
        "" if brand.tiktok_followers is None else str(brand.tiktok_followers),
        market().category_label(brand.product_category),
        brand.kind.label,
        brand.source.label,
        _yes(brand.runs_tiktok_ads),
        brand.status.label,
        ", ".join(tag.name for tag in brand.tags),
        brand.notes,
    ]


def contact_cells(contact: Contact | None) -> list[str]:
    """The contact columns of one row (empty for a brand without contacts)."""
    if contact is None:
        return ["", "", "", ""]
    return [contact.name, contact.email, contact.role, _yes(contact.is_primary)]


# One filled-in example for the downloadable template, in the column order above.
TEMPLATE_EXAMPLE = [
    "Glow Theory Skincare",
    "https://glowtheory.com",
    "@glowtheory",
    "3870",
    "beauty",
    "dtc",
    "ad_library",
    "yes",
    "lead",
    "skincare, q4",
    "Runs Spark Ads, little organic content",
    "Dana Reyes",
    "dana@glowtheory.com",
    "Brand partnerships",
    "yes",
]


def template_csv() -> str:
    """The import template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


# Brands read and written per step of an export: the rows of a large account go out as
# they are read, in a few hundred KB of memory, instead of being built up whole first.
EXPORT_BATCH = 500


def export_csv(session: Session, owner_id: int, filters: BrandFilters) -> Iterator[str]:
    """The creator's brands matching `filters` as CSV text, in pieces, formulas neutralised."""
    brands = session.scalars(
        filtered(owner_id, filters)
        .order_by(Brand.name_key, Brand.id)
        .options(selectinload(Brand.tags), selectinload(Brand.contacts))
        .execution_options(yield_per=EXPORT_BATCH)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    try:
        for batch in brands.partitions():
            for brand in batch:
                for contact in brand.contacts or [None]:
                    cells = brand_cells(brand) + contact_cells(contact)
                    writer.writerow([neutralise(cell) for cell in cells])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()
    finally:
        brands.close()  # a download dropped halfway: PostgreSQL's server-side cursor too
