"""What brand search compares: text folded the same way for stored brands and for queries.

Pure functions, no session: the migration's backfill, the app's writes and the search
itself all call `fold`, so "creme" finds "Crème" on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Below this many characters a trigram index cannot look inside a text: a shorter query
# finds the fields (name, handle, contact name or email) that start with it instead.
TRIGRAM = 3

# Written before every field of the stored text. `fold` removes control characters, so no
# query can contain them: a query never matches across two fields, and a short query
# becomes "FIELD_START + q", three characters or more, which the index serves.
FIELD_START = "\x1e\x1f"

# Accents are marks from these blocks (after NFKD); other scripts' combining marks are
# letters of their own (kana voicing, Indic vowel signs) and stay.
_ACCENT_BLOCKS = (
    (0x0300, 0x036F),  # Latin, Greek, Cyrillic accents
    (0x0591, 0x05C7),  # Hebrew points
    (0x064B, 0x065F),  # Arabic vowel marks
    (0x0670, 0x0670),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
# Letters NFKD leaves whole although people type them without the stroke.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def _is_accent(char: str) -> bool:
    if unicodedata.category(char) != "Mn":
        return False
    point = ord(char)
    return any(low <= point <= high for low, high in _ACCENT_BLOCKS)


def _is_visible(char: str) -> bool:
    # Control and format characters (NUL, zero-width joiners, our FIELD_START) never count.
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn") or char.isspace()


def fold(text: str) -> str:
    """`text` for comparing: case and accents dropped, whitespace collapsed, NFC."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if _is_visible(char) and not _is_accent(char))
    # casefold can produce new decomposable letters ("ǰ"): decompose and strip once more.
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN_LETTERS))
    text = "".join(char for char in text if not _is_accent(char))
    return " ".join(unicodedata.normalize("NFC", text).split())


def brand_fields(name: str, handle: str, contacts: Iterable[tuple[str, str]]) -> list[str]:
    """The folded fields one brand is found by: name, handle (with and without @), contacts."""
    fields = [name, handle, f"@{handle}" if handle else ""]
    for contact_name, email in contacts:
        fields.extend((contact_name, email))
    return [folded for folded in map(fold, fields) if folded]


def brand_text(name: str, handle: str, contacts: Iterable[tuple[str, str]]) -> str:
    """The stored search text of one brand: every field after FIELD_START."""
    return "".join(FIELD_START + field for field in brand_fields(name, handle, contacts))


def needle(query: str) -> str:
    """What the stored text must contain for `query`; empty when the query has nothing to find."""
    folded = fold(query)
    if not folded:
        return ""
    return folded if len(folded) >= TRIGRAM else FIELD_START + folded
