"""Benchmark: memory and time to stream a big export through the file layer.

    python scripts/bench_import_memory.py [--rows 1000000] [--zip] [--tracemalloc]

Writes an LTK-shaped CSV (about 100 bytes a row: a million rows is about 100 MB) in a temp
folder, then runs it through `crm.imports.files.open_upload` (in a ZIP with --zip) and counts
the rows a reader is handed. The real LTK reader reads them when one is registered; otherwise a
stand-in that recognises the header and only counts. Prints the time, the process's peak
resident memory (its growth over the start is what streaming keeps flat), and with
--tracemalloc the peak of Python allocations (slower). It asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from crm.imports import readers
from crm.imports.files import open_upload
from crm.imports.limits import Limits
from crm.imports.rows import ReadContext, Row, Table

HEADER = "Date,Brand,Type,Publisher,Product,Direct to retailer link,Status,Commission,Payment\n"


class CountingReader:
    """Recognises the LTK header and reads nothing: the cost measured is the file layer's."""

    source = "ltk"
    label = "LTK (bench stand-in)"

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        return list(header[:3]) == ["Date", "Brand", "Type"]

    def dialect(self) -> type[csv.Dialect] | None:
        return None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        return iter(())


def write_csv(path: Path, rows: int) -> int:
    """An LTK-shaped export of `rows` rows, written as it goes; its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(rows):
            out.write(
                f'{n % 12 + 1}/{n % 28 + 1}/25,"Brand {n % 500}","Sale commission",'
                f'"Ann","Item {n % 9000} 25\\" tall","https://rstyle.me/+{n:07d}",'
                f'"Open","${n % 97}.{n % 100:02d}",""\n'
            )
    return path.stat().st_size


def count_rows(path: Path) -> tuple[int, int, str]:
    """Tables, rows, and what read them, for the upload at `path`."""
    limits = Limits(upload_bytes=10 * 1024**3, unpacked_bytes=10 * 1024**3)
    tables = rows = 0
    label = ""
    with path.open("rb") as stream:
        for found in open_upload(path.name, stream, limits=limits):
            tables += 1
            label = found.reader.label if found.reader else "no reader"
            for _ in found.table.lines:
                rows += 1
    return tables, rows, label


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KB else


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--zip", action="store_true", help="upload it inside a ZIP")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    args = parser.parse_args()
    if not any(reader.source == "ltk" for reader in readers.READERS):
        readers.READERS = (CountingReader(), *readers.READERS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "LTK-earnings-export.csv"
        size = write_csv(path, args.rows)
        if args.zip:
            packed = path.with_suffix(".zip")
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(path, path.name)
            path = packed
        before = peak_rss_mb()
        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        tables, rows, label = count_rows(path)
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 1024**2 if args.tracemalloc else None
    print(f"file: {size / 1024**2:.0f} MB CSV{' in a ZIP' if args.zip else ''}, {args.rows:,} rows")
    print(f"read: {tables} table, {rows:,} rows by {label} in {seconds:.1f} s")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (at start {before:.0f} MB)")
    if traced is not None:
        print(f"peak Python allocations while reading: {traced:.1f} MB")


if __name__ == "__main__":
    main()
