"""TikTok Shop affiliate orders (creator side): the commission each order line earned."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crm.imports.readers.earnings import is_blank, line_fields, parse_day, pick_language
from crm.imports.rows import Earning, ReadContext, Row, Table
from crm.money import MoneyError, parse_report_amount

PROGRAM = "TikTok Shop"
NO_DATE = "/"  # what the export writes in an empty date cell
INELIGIBLE_REASON = "ineligible: TikTok Shop pays no commission on it"


@dataclass(frozen=True)
class Language:
    """The export in one interface language: header names, settlement statuses, numbers."""

    language: str
    columns: Mapping[str, str]
    paid: Mapping[str, bool]  # settlement status (case folded) -> paid out yet
    not_earned: frozenset[str]  # statuses that earn nothing at all
    decimal: str = "."


# The export holds ~45 columns; these are the ones an earning needs. Another interface
# language is one more table: its names for these columns and for the statuses.
ENGLISH = Language(
    "English",
    {
        "order": "Order ID",
        "sku": "SKU ID",
        "product": "Product name",
        "currency": "Currency",
        "status": "Order settlement status",
        "earned": "Total final earned amount",
        "ordered_on": "Order date",
        "settled_on": "Commission settlement date",
    },
    {"settled": True, "pending": False, "awaiting payment": False},
    frozenset({"ineligible"}),
)
LANGUAGES: tuple[Language, ...] = (ENGLISH,)
_CURRENCY = re.compile(r"[A-Z]{3}")
DAY_SHAPES = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def day_of(text: str) -> date | None:
    """'30/06/2026 18:20:31' (day first) -> 2026-06-30; None for '/'; ValueError otherwise."""
    text = text.strip()
    if text in ("", NO_DATE):
        return None
    return parse_day(text, DAY_SHAPES)


class TikTokShopReader:
    """Reads the affiliate orders export: one earning per order and SKU."""

    source = "tiktok-shop"
    label = "TikTok Shop affiliate orders"

    def __init__(self, languages: Sequence[Language] = LANGUAGES) -> None:
        self.languages = tuple(languages)

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """The columns an earning needs, named in one of the known languages."""
        return pick_language(header, self.languages) is not None

    def dialect(self) -> None:
        """The usual CSV (the XLSX variant arrives as cells already)."""
        return None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """Each order line's final earned amount, on the day it settled or was ordered."""
        found = pick_language(table.header, self.languages)
        if found is None:
            context.warn(
                "This isn't a TikTok Shop affiliate orders export: its columns don't match."
            )
            return
        language, columns = found
        seen: dict[str, int] = {}
        for line in table.lines:
            if is_blank(line):
                continue
            fields = line_fields(line, columns, context)
            if fields is None:
                continue
            try:
                earning = _earning(fields, language)
            except ValueError as skip:
                context.skip(line.number, str(skip))
                continue
            if earning.key in seen:
                # The key is the file's own id: a second line with it is a copy, not a sale.
                context.skip(line.number, f"the same order and SKU as line {seen[earning.key]}")
                continue
            seen[earning.key] = line.number
            yield earning


def _earning(fields: dict[str, str], language: Language) -> Earning:
    status = fields["status"].casefold()
    if status in language.not_earned:
        raise ValueError(INELIGIBLE_REASON)
    paid = language.paid.get(status)
    if paid is None:
        raise ValueError(f"the settlement status {fields['status']!r} isn't one TikTok writes")
    if not (fields["order"] and fields["sku"]):
        raise ValueError("no order ID or SKU ID")
    currency = fields["currency"].upper()
    if not _CURRENCY.fullmatch(currency):
        raise ValueError(f"the currency {fields['currency']!r} isn't a code like USD")
    try:
        cents, written = parse_report_amount(fields["earned"], language.decimal)
    except MoneyError as error:
        raise ValueError(str(error)) from None
    if written is not None and written != currency:
        raise ValueError(f"the amount {fields['earned']!r} isn't in {currency}")
    day = _day(fields, paid)
    key = f"{fields['order']}:{fields['sku']}"
    return Earning(day, PROGRAM, cents, currency, paid, key=key)


def _day(fields: dict[str, str], paid: bool) -> date:
    """The settlement date once settled (when the money came), else the order date."""
    try:
        settled_on = day_of(fields["settled_on"])
        ordered_on = day_of(fields["ordered_on"])
    except ValueError as bad:
        raise ValueError(f"the date {bad.args[0]!r} isn't a date like 30/06/2026") from None
    day = (settled_on if paid else None) or ordered_on or settled_on
    if day is None:
        raise ValueError("no order date")
    return day


READER = TikTokShopReader()
