"""One reader per source; a table is matched to its reader by its content, never its name."""

from __future__ import annotations

from collections.abc import Sequence

from crm.imports.readers import amazon, ltk, tiktok_shop
from crm.imports.readers.tiktok import TIKTOK_READERS
from crm.imports.rows import Reader

# Each reader module adds its readers here, most specific first: the first that recognises a
# table reads it.
READERS: tuple[Reader, ...] = (*TIKTOK_READERS, ltk.READER, amazon.READER, tiktok_shop.READER)


# Each source as the creator knows it (the upload form's "What it is" names them so too).
SOURCE_LABELS = {
    "tiktok": "TikTok Studio",
    "ltk": "LTK",
    "amazon": "Amazon Associates",
    "tiktok-shop": "TikTok Shop",
    "csv": "your own income CSV",
}


def source_label(source: str) -> str:
    """The creator's name for a source: "LTK" for "ltk"."""
    return SOURCE_LABELS.get(source, source)


def looks_like(preamble: Sequence[str], header: Sequence[str]) -> str | None:
    """Whose export a table no chosen reader took looks like ("TikTok Studio"), if known."""
    reader = recognise(preamble, header)
    return source_label(reader.source) if reader is not None else None


def recognise(
    preamble: Sequence[str], header: Sequence[str], source: str | None = None
) -> Reader | None:
    """The reader for a table with these title lines and header (of `source` only, when given)."""
    for reader in READERS:
        if source is not None and reader.source != source:
            continue
        if reader.recognises(preamble, header):
            return reader
    return None
