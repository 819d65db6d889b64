"""Money as integer minor units plus a currency code; the only place that parses and formats it."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCIES: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
}
CURRENCY_CHOICES = [(code, f"{code} ({symbol})") for code, symbol in CURRENCIES.items()]


class MoneyError(ValueError):
    """Text that is not an amount of money."""


# The largest amount the app stores: a million in major units, a typo past that,
# and well inside a 4-byte integer column of cents.
MAX_CENTS = 100_000_000


def parse_cents(text: str) -> int:
    """'1,250.5' -> 125050; raises MoneyError for anything that is not an amount."""
    cleaned = text.strip().replace(",", "").lstrip("$€£")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(f"{text!r} is not an amount") from None
    if not amount.is_finite() or amount.adjusted() > 15:
        # '9e999' is a number, but no amount: its cents would not even round.
        raise MoneyError(f"{text!r} is not an amount")
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_cents(amount: Decimal | float | int) -> int:
    """Major units (12.5) to minor units (1250), rounding half up."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_major(cents: int) -> Decimal:
    """Minor units to a Decimal of major units."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_money(cents: int | None, currency: str = "USD") -> str:
    """125050, 'USD' -> '$1,250.50'; whole amounts drop the cents ('$1,250')."""
    if cents is None:
        return "—"
    symbol = CURRENCIES.get(currency, currency + " ")
    sign = "-" if cents < 0 else ""
    major = to_major(abs(cents))
    text = f"{major:,.0f}" if major == major.to_integral_value() else f"{major:,.2f}"
    return f"{sign}{symbol}{text}"


# An amount as a person writes it: 1250, 1,250 or 1250.5, at most two decimals; commas
# only between groups of three ("1,2,3" is a typo, not 123), no exponent ("1e5").
# [0-9], not \d: \d takes other scripts' digits too (Arabic-Indic, full-width), int() reads them.
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?|\.[0-9]{1,2}")


def parse_amount(text: str) -> int:
    """'1,250.50' -> 125050, strictly; MoneyError for '1,2,3', '12.345', '1e5' or '-5'.

    For entered money (income, expenses), where a stray digit or comma is a typo to
    point out, not something to round away.
    """
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise MoneyError("An amount can't be negative.")
    cleaned = cleaned.lstrip("$€£").strip()
    if not _AMOUNT.fullmatch(cleaned):
        raise MoneyError(f"{text!r} is not an amount like 1250 or 1,250.50.")
    return int((Decimal(cleaned.replace(",", "")) * 100).to_integral_value())


# An exchange rate: units of the reporting currency per unit of another, up to 6 decimals.
RATE_DIGITS = 6
RATE_SCALE = 10**RATE_DIGITS
_RATE = re.compile(rf"[0-9]{{1,6}}(?:\.[0-9]{{1,{RATE_DIGITS}}})?|\.[0-9]{{1,{RATE_DIGITS}}}")


def parse_rate(text: str) -> int:
    """'1.08' -> 1_080_000 (millionths); MoneyError for text that is not a plain rate."""
    cleaned = text.strip()
    if not _RATE.fullmatch(cleaned):
        raise MoneyError(f"{text!r} is not a rate like 1.08.")
    return int(Decimal(cleaned) * RATE_SCALE)


def format_rate(millionths: int) -> str:
    """1_080_000 -> '1.08' (no trailing zeros, at least one decimal)."""
    whole, part = divmod(millionths, RATE_SCALE)
    decimals = f"{part:0{RATE_DIGITS}d}".rstrip("0") or "0"
    return f"{whole}.{decimals}"


def convert(cents: int, rate_millionths: int) -> int:
    """`cents` of one currency in another at `rate_millionths`, rounded half up, in integers."""
    return (cents * rate_millionths * 2 + RATE_SCALE) // (2 * RATE_SCALE)


# What a symbol written with an amount in a downloaded report means. A bare "$" is US dollars:
# the reports that write it (LTK, Amazon.com) are American; other dollars carry a prefix.
SYMBOL_CURRENCIES: dict[str, str] = {
    "$": "USD",
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "€": "EUR",
    "£": "GBP",
}
_REPORT_AMOUNT = re.compile(
    r"(?P<sign>-?)\s*(?P<before>[^\s0-9.,-]{0,3})\s*(?P<sign2>-?)\s*"
    r"(?P<number>[0-9][0-9.,]*|[.,][0-9]+)\s*(?P<after>[^\s0-9.,-]{0,3})"
)


def _report_number(number: str, decimal: str) -> Decimal | None:
    group = "," if decimal == "." else "."
    d, g = re.escape(decimal), re.escape(group)
    shape = rf"(?:[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}[0-9]{{1,2}})?|{d}[0-9]{{1,2}}"
    if not re.fullmatch(shape, number):
        return None
    return Decimal(number.replace(group, "").replace(decimal, "."))


def parse_report_amount(text: str, decimal: str = ".") -> tuple[int, str | None]:
    """'-$2,182.97' -> (-218297, 'USD'); '8.42' -> (842, None); MoneyError for anything else.

    For money in a downloaded report: signed, a currency symbol before or after, thousands
    grouped by threes, at most two decimals. `decimal` is "," for reports written 1.234,56.
    """
    match = _REPORT_AMOUNT.fullmatch(text.strip().replace("\u2212", "-"))
    if match is None or (match["sign"] and match["sign2"]):
        raise MoneyError(f"{text!r} is not an amount like $1,250.50.")
    if match["before"] and match["after"]:
        raise MoneyError(f"{text!r} is not an amount like $1,250.50.")
    amount = _report_number(match["number"], decimal)
    if amount is None:
        raise MoneyError(f"{text!r} is not an amount like $1,250.50.")
    symbol = match["before"] or match["after"]
    currency = None
    if symbol:
        currency = SYMBOL_CURRENCIES.get(symbol)
        if currency is None:
            raise MoneyError(f"{text!r} is in a currency ({symbol}) the app doesn't know.")
    cents = int(amount * 100)
    return (-cents if match["sign"] or match["sign2"] else cents), currency
