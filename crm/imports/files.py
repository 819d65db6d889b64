"""From an upload (a name for messages, a binary stream) to the tables it holds, within limits.

The kind of file is told from its bytes, never its name: a ZIP (an XLSX is a ZIP holding a
workbook) or text (CSV, TSV). A ZIP's members are each told apart the same way. Pure: no
session, no Flask; the limits come in as `Limits` (the IMPORT_MAX_* settings).

Rows stream: each Table's `lines` reads the file as it is iterated, so memory stays flat however
long the file is. A file found bad only part way (a damaged ZIP member, a bad byte on line
90,000) raises UnreadableFile from that iteration, so the caller writes nothing until a table
has been read to its end.

A ZIP inside a ZIP is refused: no export we read nests them, and each level would multiply what
a small upload can unpack to.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from crm.imports import xlsx
from crm.imports.limits import MB, Budget, LimitedBytes, Limits, size_text
from crm.imports.rows import Found, Table, UnreadableFile
from crm.imports.text import HEAD_BYTES, is_text, text_table

ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")
END_OF_DIRECTORY = b"PK\x05\x06"
# A small member may compress very well and harm nothing; the ratio matters past this size.
RATIO_FROM_BYTES = 1 * MB
# What macOS and Windows add to a ZIP a person makes: not tables.
JUNK_PREFIXES = ("__MACOSX/",)
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def open_upload(
    name: str, stream: BinaryIO, source: str | None = None, limits: Limits | None = None
) -> Iterator[Found]:
    """Each table in the upload and the reader that knows it; UnreadableFile when it can't be.

    `source` (the CLI's --source) lets only that source's readers recognise a table.
    """
    limits = limits or Limits()
    stream = _within_upload_limit(name, stream, limits)
    start = stream.tell()
    head = stream.read(HEAD_BYTES)
    stream.seek(start)
    if head.startswith(ZIP_STARTS):
        yield from _zip_tables(name, stream, limits, source)
        return
    data = LimitedBytes(name, stream, Budget(limits.upload_bytes, _too_big(name, limits)))
    yield text_table(name, name, data, limits, source)


def unrecognised_message(table: Table) -> str:
    """What the preview says of a table no reader knows: what its header was."""
    cells = [cell.strip() for cell in table.header if cell.strip()]
    shown = ", ".join(cells[:8]) + (", ..." if len(cells) > 8 else "")
    return (
        f"We don't know what {table.name} is: its header is {shown or '(empty)'}. "
        "Upload an export from TikTok Studio, LTK, Amazon Associates or TikTok Shop, "
        "or map its columns as a CSV of income."
    )


def _within_upload_limit(name: str, stream: BinaryIO, limits: Limits) -> BinaryIO:
    """The stream, once known to be seekable (ZIPs need it) and within the upload limit."""
    if not stream.seekable():
        raise ValueError("open_upload needs a seekable stream: wrap a pipe in seekable_copy()")
    start = stream.tell()
    size = stream.seek(0, io.SEEK_END) - start
    stream.seek(start)
    if size > limits.upload_bytes:
        raise UnreadableFile(_too_big(name, limits, size))
    return stream


@contextmanager
def seekable_copy(name: str, stream: BinaryIO, limits: Limits | None = None) -> Iterator[BinaryIO]:
    """A pipe (stdin in the CLI) copied to a temporary file as it comes, within the limit.

    A context, so the copy lives as long as the tables read from it.
    """
    limits = limits or Limits()
    budget = Budget(limits.upload_bytes, _too_big(name, limits))
    with tempfile.SpooledTemporaryFile(max_size=8 * MB) as spool:
        while chunk := stream.read(1024 * 1024):
            budget.spend(len(chunk))
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]


def _too_big(name: str, limits: Limits, size: int | None = None) -> str:
    told = f"is {size_text(size)}" if size is not None else "is too big"
    return (
        f"{name} {told}; an import takes files up to {size_text(limits.upload_bytes)}: "
        "export a shorter date range and upload that."
    )


def _damaged_zip(name: str) -> str:
    return (
        f"{name} is a damaged or incomplete ZIP (was the download cut short?): download it "
        "again and upload the new file."
    )


def _zip_tables(name: str, stream: BinaryIO, limits: Limits, source: str | None) -> Iterator[Found]:
    # Counted from the end record first: ZipFile reads the whole directory into memory, and a
    # 100 MB upload can hold a million empty entries.
    most = max(limits.zip_members, limits.workbook_parts)
    if zip_entry_count(name, stream) > most:
        raise UnreadableFile(_too_many(name, most))
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise UnreadableFile(_damaged_zip(name)) from None
    names = set(archive.namelist())
    if xlsx.is_workbook(names):
        check_directory(name, archive.infolist(), limits.workbook_parts, limits)
        xlsx.refuse_active_content(name, archive)
        xlsx.check_shared_strings(name, archive, limits)
        stream.seek(0)
        yield from xlsx.workbook_tables(name, stream, limits, source)
        return
    if xlsx.CONTENT_TYPES in names or "mimetype" in names:
        raise UnreadableFile(
            f"{name} is an office document but not an Excel workbook: save it as .xlsx or "
            "CSV and upload that."
        )
    members = [info for info in archive.infolist() if _is_table(info)]
    check_directory(name, archive.infolist(), limits.zip_members, limits)
    if not members:
        raise UnreadableFile(f"{name} is a ZIP with no files in it.")
    total = Budget(limits.unpacked_bytes, _unpacks_too_big(name, limits))
    for info in members:
        yield _member_table(name, archive, info, total, limits, source)


def zip_entry_count(name: str, stream: BinaryIO) -> int:
    """How many entries a ZIP's end record says it has (ZIP64 too), without reading them."""
    end = stream.seek(0, io.SEEK_END)
    start = max(0, end - (22 + 0xFFFF))  # the record, after a comment of up to 64 KB
    stream.seek(start)
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < 22:
        raise UnreadableFile(_damaged_zip(name))
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    if entries != 0xFFFF:
        return entries
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        raise UnreadableFile(_damaged_zip(name))
    (offset,) = struct.unpack_from("<Q", tail, locator + 8)
    stream.seek(offset)
    record = stream.read(56)
    stream.seek(0)
    if len(record) < 40 or record[:4] != b"PK\x06\x06":
        raise UnreadableFile(_damaged_zip(name))
    return struct.unpack_from("<Q", record, 32)[0]


def check_directory(
    name: str, infos: list[zipfile.ZipInfo], most_members: int, limits: Limits
) -> None:
    """Refuse, from the ZIP's directory alone, too many members, too much unpacked, a bomb."""
    files = [info for info in infos if not info.is_dir()]
    if len(files) > most_members:
        raise UnreadableFile(_too_many(name, most_members))
    if sum(info.file_size for info in files) > limits.unpacked_bytes:
        raise UnreadableFile(_unpacks_too_big(name, limits))
    for info in files:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"{info.filename} in {name} is password-protected: unzip it yourself and "
                "upload the files inside."
            )
        ratio_limit = limits.compression_ratio * max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and info.file_size > ratio_limit:
            raise UnreadableFile(
                f"{info.filename} in {name} unpacks to over {limits.compression_ratio} times "
                "its packed size, as a zip bomb does: we won't open it."
            )


def _too_many(name: str, most: int) -> str:
    return (
        f"{name} holds more than {most} files; an import takes up to {most}: upload the "
        "exports in smaller ZIPs or one by one."
    )


def _unpacks_too_big(name: str, limits: Limits) -> str:
    return (
        f"{name} unpacks to more than {size_text(limits.unpacked_bytes)}; an import takes "
        "up to that: upload its files one by one or export a shorter date range."
    )


def _is_table(info: zipfile.ZipInfo) -> bool:
    base = info.filename.rsplit("/", 1)[-1]
    junk = info.filename.startswith(JUNK_PREFIXES) or base.startswith("._")
    return not info.is_dir() and not junk and base not in JUNK_NAMES


def _member_table(
    name: str,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    total: Budget,
    limits: Limits,
    source: str | None,
) -> Found:
    label = f"{info.filename} in {name}"
    try:
        handle = archive.open(info)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        raise UnreadableFile(
            f"{label} can't be unpacked ({error}): unzip it yourself and upload the files."
        ) from None
    # Enforced on the bytes actually read, whatever the directory claimed.
    lied = Budget(info.file_size, f"{label} is bigger than its ZIP says: we won't open it.")
    data = LimitedBytes(label, handle, lied, total)  # type: ignore[arg-type]
    head = data.peek(HEAD_BYTES)
    if head.startswith(ZIP_STARTS):
        raise UnreadableFile(
            f"{label} is a ZIP (or workbook) inside a ZIP: unzip {name} and upload the "
            "files inside it."
        )
    if head.strip(b" \t\r\n") and not is_text(head):
        raise UnreadableFile(f"{name} holds {info.filename}, which isn't a CSV or Excel file.")
    return text_table(label, info.filename, data, limits, source)
