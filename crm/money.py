"""Money as integer minor units plus a currency code; the only place that parses and formats it."""

from __future__ import annotations

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
