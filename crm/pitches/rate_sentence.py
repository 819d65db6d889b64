"""Keep a pitch's message naming the rate the pitch quotes (pure: text and cents in, text out).

The quoted rate is what the rest of the app reads (follow-up emails, the board, deals
later), so when the message's rate sentence names another amount the sentence is
rewritten to the quote: changing the rate to 250 turns "My rate starts at $240" into
"My rate starts at $250". Only the amount changes; the creator's other words stay.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crm.money import CURRENCIES, format_money

if TYPE_CHECKING:
    from crm.pitches.models import Pitch

_SYMBOLS = "|".join(re.escape(s) for s in sorted(CURRENCIES.values(), key=len, reverse=True))
_CODES = "|".join(CURRENCIES)
_NUMBER = r"\d[\d,]*(?:\.\d{1,2})?"
# "starts at $240", "starting at €300", "my rate is $240", "a rate of 240 USD".
RATE_SENTENCE = re.compile(
    rf"(?P<lead>\b(?:starts?|starting)\s+at\s+|\brate\s+is\s+|\brate\s+of\s+)"
    rf"(?P<amount>(?:{_SYMBOLS})\s?{_NUMBER}|{_NUMBER}\s?(?:{_CODES})\b)",
    re.IGNORECASE,
)


def named_amounts(body: str) -> list[str]:
    """The amounts the message's rate sentences name, as written ('$240')."""
    return [match.group("amount") for match in RATE_SENTENCE.finditer(body)]


def align(body: str, quoted_cents: int | None, currency: str) -> str:
    """The message with every rate sentence naming the quoted rate; as it was without a quote."""
    if quoted_cents is None:
        return body  # nothing quoted yet: the message is the only figure there is
    quoted = format_money(quoted_cents, currency)
    return RATE_SENTENCE.sub(lambda m: m.group("lead") + quoted, body)


def disagrees(body: str, quoted_cents: int | None, currency: str) -> bool:
    """True when saving will rewrite the rate the message names (for the saved message)."""
    return align(body, quoted_cents, currency) != body


def saved_note(body: str, quoted_cents: int | None, currency: str) -> str:
    """A sentence for the saved message when the rate sentence was rewritten, else ''."""
    if not disagrees(body.strip(), quoted_cents, currency) or quoted_cents is None:
        return ""
    return f" The message now names your quoted rate, {format_money(quoted_cents, currency)}."


def note_for(body: str | None, pitch: Pitch) -> str:
    """saved_note for the message as typed and the pitch as saved."""
    return saved_note(body or "", pitch.quoted_cents, pitch.currency)
