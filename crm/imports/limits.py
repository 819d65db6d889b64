"""How much of an upload an import will read: the settings, as plain values (no app needed)."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from crm.imports.rows import UnreadableFile

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one upload is read within; `from_config` reads them from the app's settings."""

    # A year of TikTok Studio rows is a few KB; the issue wants a 100 MB CSV to preview.
    upload_bytes: int = 100 * MB
    # TikTok serves one ZIP per tab and Amazon one per report: a handful of members.
    zip_members: int = 50
    # An XLSX is a ZIP of parts: a few per sheet plus a dozen for the workbook itself.
    workbook_parts: int = 200
    unpacked_bytes: int = 200 * MB
    # Text compresses 5-20 times, repetitive sheet XML up to ~100; deflate tops out near
    # 1,000, which only a bomb (or a file of zeros) reaches.
    compression_ratio: int = 200
    # openpyxl holds a workbook's shared strings in memory even in read-only mode.
    shared_strings_bytes: int = 64 * MB
    # A real export's widest line is a few KB (TikTok Shop: ~45 columns).
    line_chars: int = 128 * 1024
    columns: int = 200

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """The limits the IMPORT_MAX_* settings give (crm/config.py); the defaults elsewhere."""
        return cls(**{field: config[key] for key, field in SETTINGS.items() if key in config})


# The setting (crm/config.py, CRM_<KEY> in the environment) for each limit.
SETTINGS = {
    "IMPORT_MAX_UPLOAD_BYTES": "upload_bytes",
    "IMPORT_MAX_ZIP_MEMBERS": "zip_members",
    "IMPORT_MAX_WORKBOOK_PARTS": "workbook_parts",
    "IMPORT_MAX_UNPACKED_BYTES": "unpacked_bytes",
    "IMPORT_MAX_COMPRESSION_RATIO": "compression_ratio",
    "IMPORT_MAX_SHARED_STRINGS_BYTES": "shared_strings_bytes",
    "IMPORT_MAX_LINE_CHARS": "line_chars",
    "IMPORT_MAX_COLUMNS": "columns",
}


def size_text(count: int) -> str:
    """A byte count as a person says it: "100 MB", "512 KB"."""
    if count >= MB:
        return f"{count / MB:.0f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


class Budget:
    """Bytes left to read; spending past them is refused with the message given."""

    def __init__(self, allowed: int, message: str) -> None:
        self.left = allowed
        self.message = message

    def spend(self, count: int) -> None:
        """Take `count` bytes from the budget, or refuse the file."""
        self.left -= count
        if self.left < 0:
            raise UnreadableFile(self.message)


class LimitedBytes(io.RawIOBase):
    """A binary stream read within budgets, counting what is actually read (not what a header
    claims), with the first bytes peekable so the kind of file is told from its content."""

    def __init__(self, label: str, source: BinaryIO, *budgets: Budget) -> None:
        super().__init__()
        self._label = label
        self._source = source
        self._budgets = budgets
        self._pending = b""

    def readable(self) -> bool:
        return True

    def peek(self, size: int) -> bytes:
        """The next `size` bytes (fewer at the end), left to be read again."""
        while len(self._pending) < size:
            chunk = self._take(size - len(self._pending))
            if not chunk:
                break
            self._pending += chunk
        return self._pending[:size]

    def readinto(self, buffer: Any) -> int:
        if self._pending:
            count = min(len(buffer), len(self._pending))
            buffer[:count] = self._pending[:count]
            self._pending = self._pending[count:]
            return count
        chunk = self._take(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def _take(self, size: int) -> bytes:
        try:
            chunk = self._source.read(size)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
            # A ZIP member's data is checked as it is read: a bad CRC, data cut short.
            raise UnreadableFile(
                f"{self._label} is damaged or incomplete ({error}): download it again "
                "and upload the new file."
            ) from None
        for budget in self._budgets:
            budget.spend(len(chunk))
        return chunk
