"""Amazon Associates earnings report (Fee-Earnings): the ad fees Amazon pays on shipped items."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crm.imports.readers.earnings import (
    header_currency,
    is_blank,
    line_fields,
    parse_day,
    pick_language,
)
from crm.imports.rows import Earning, ReadContext, Row, Table
from crm.money import SYMBOL_CURRENCIES, MoneyError, parse_report_amount

PROGRAM = "Amazon Associates"


@dataclass(frozen=True)
class Marketplace:
    """One language's report: its header names (currency suffix left off), numbers and dates."""

    language: str
    columns: Mapping[str, str]
    decimal: str  # "." in 12.50, "," in 12,50
    date_formats: tuple[str, ...]


# Parsers of real reports read Date Shipped as ISO (2020-12-01, maybe with a time), as
# M/D/YYYY (Amazon.com's default), as the title line's 12-01-2020, or as "Dec 31, 2025".
ENGLISH = Marketplace(
    "English",
    {
        "name": "Name",
        "asin": "ASIN",
        "shipped": "Date Shipped",
        "fees": "Ad Fees",
    },
    ".",
    ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%b %d, %Y", "%b %d %Y", "%B %d, %Y"),
)
# Amazon.de's names as its PartnerNet pages word them; no real German report was at hand to
# check them against, so a marketplace that words them otherwise is one more table like this.
GERMAN = Marketplace(
    "German",
    {
        "name": "Name",
        "asin": "ASIN",
        "shipped": "Versanddatum",
        "fees": "Werbekostenerstattung",
    },
    ",",
    ("%d.%m.%Y", "%Y-%m-%d"),
)
MARKETPLACES = (ENGLISH, GERMAN)
_TIME = re.compile(
    r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[AP]M)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


def shipped_on(text: str, formats: tuple[str, ...]) -> date:
    """The day from a Date Shipped cell in one of the marketplace's formats; ValueError if none."""
    return parse_day(_TIME.sub("", text.strip()), formats)


def report_currency(header: Sequence[str], fees_column: int, context: ReadContext) -> str | None:
    """The currency the header names ("Ad Fees($)"), else the creator's, saying so."""
    symbol = header_currency(header[fees_column])
    if not symbol:
        context.warn(f"The report names no currency: its amounts are read as {context.currency}.")
        return context.currency
    if symbol == "$" and context.currency == "CAD":
        # Amazon.ca writes "($)" too; a Canadian creator's dollars are Canadian.
        context.warn("The report's $ amounts are read as Canadian dollars, your currency.")
        return "CAD"
    currency = SYMBOL_CURRENCIES.get(symbol) or (
        symbol if re.fullmatch("[A-Z]{3}", symbol) else None
    )
    if currency is None:
        context.warn(f"The report's currency ({symbol}) isn't one the app knows: nothing was read.")
    return currency


class AmazonReader:
    """Reads a Fee-Earnings report: one earning per line, returns negative."""

    source = "amazon"
    label = "Amazon Associates earnings"

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """The earnings header in a known language (the title line is optional: CSV or ZIP)."""
        return pick_language(header, MARKETPLACES, drop_currency=True) is not None

    def dialect(self) -> None:
        """The usual CSV (or TSV, which the file layer sniffs)."""
        return None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """Each line's ad fees as an earning on the day it shipped."""
        found = pick_language(table.header, MARKETPLACES, drop_currency=True)
        if found is None:
            context.warn(
                "This isn't an Amazon Associates earnings report: its columns don't match."
            )
            return
        market, columns = found
        currency = report_currency(table.header, columns["fees"], context)
        if currency is None:
            return
        for line in table.lines:
            if is_blank(line) or line.cells[0].strip().casefold().startswith("total"):
                continue  # a trailing empty line, or the report's own sum of the lines above
            fields = line_fields(line, columns, context)
            if fields is None:
                continue
            try:
                yield _earning(fields, market, currency)
            except ValueError as skip:
                context.skip(line.number, str(skip))


def _earning(fields: dict[str, str], market: Marketplace, currency: str) -> Earning:
    try:
        day = shipped_on(fields["shipped"], market.date_formats)
    except ValueError:
        raise ValueError(f"the shipping date {fields['shipped']!r} isn't a date") from None
    try:
        cents, written = parse_report_amount(fields["fees"], market.decimal)
    except MoneyError as error:
        raise ValueError(str(error)) from None
    if written is not None and written != currency:
        raise ValueError(f"the ad fees {fields['fees']!r} aren't in {currency} like the rest")
    if cents == 0:
        raise ValueError("no ad fees on this line")
    # Amazon pays ad fees about 60 days after the month they were earned in: a report
    # downloaded today holds money still expected, so every line is unpaid.
    return Earning(day, PROGRAM, cents, currency, paid=False)


READER = AmazonReader()
