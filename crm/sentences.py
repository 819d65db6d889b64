"""Ending sentences around names that end in a full stop ('Lumière Skin Co.'): pure, no imports.

Emails, the timeline and page copy end sentences after a brand's name or a pitch's
subject; a name's own full stop ends the sentence, so no second one follows it.
"""

from __future__ import annotations

import re

_ENDS = (".", "!", "?", "…")
# A full stop right after a word's own full stop ('Co..'), not part of an ellipsis
# ('...') and not inside a word or link ('a..b').
_DOUBLED_STOP = re.compile(r"(?<=\w\.)\.(?![.\w])")


def full_stop_after(text: str) -> str:
    """'.' to end a sentence after `text`, or '' when `text` ends one already."""
    return "" if text.rstrip().endswith(_ENDS) else "."


def possessive(name: str) -> str:
    """'Nike' -> "Nike's", 'Chris' -> "Chris'": a name's possessive, as pages name a brand."""
    name = name.rstrip()
    if not name:
        return name
    return f"{name}'" if name[-1] in "sS" else f"{name}'s"


def end_sentence(text: str) -> str:
    """'Glow' -> 'Glow.'; 'Lumière Skin Co.' and 'Wow!' stay as they are."""
    return text.rstrip() + full_stop_after(text)


def single_full_stops(text: str) -> str:
    """'videos for Lumière Skin Co..' -> 'videos for Lumière Skin Co.'; '...' stays."""
    return _DOUBLED_STOP.sub("", text)
