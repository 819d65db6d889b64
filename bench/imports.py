"""Benchmark: how long an import takes, and how much memory a big one's preview holds.

    python -m bench.imports [--rows 1000000]

1. A year of TikTok Studio Overview days (365 rows) and an LTK export of 1,576 lines, each
   committed through the real file layer, readers and import service into a scratch SQLite
   account: the time of each commit (the issue: "a year of daily rows imports in well under
   a second").
2. An LTK-shaped CSV of `--rows` lines (a million is about 100 MB) previewed with the real
   LTK reader: the time, and the process's peak resident memory before and after (flat
   memory: the preview keeps sums per day and retailer, never the lines).
It prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from crm import create_app
from crm.accounts import services as accounts
from crm.database import db_session, utcnow
from crm.imports import committing, services
from crm.imports.services import Upload

MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]
LTK_HEADER = "Date,Brand,Type,Publisher,Product,Direct to retailer link,Status,Commission,Payment"


def overview(end: date) -> bytes:
    """A TikTok Studio Overview of the 365 days up to `end`, as TikTok writes it."""
    lines = ['\ufeff"Date","Video Views","Profile Views","Likes","Comments","Shares"']
    for back in range(364, -1, -1):
        day = end - timedelta(days=back)
        n = back % 97
        lines.append(f'"{MONTHS[day.month - 1]} {day.day}","{900 + n * 13}","{40 + n}",'
                     f'"{70 + n}","{n % 9}","{n % 5}"')  # fmt: skip
    return "\n".join(lines).encode()


def ltk_line(day: date, n: int) -> str:
    kind, cents = (
        ("Sale return", -(150 + n % 300)) if n % 9 == 0 else ("Sale commission", 420 + n % 900)
    )
    money = f"-${-cents / 100:,.2f}" if cents < 0 else f"${cents / 100:,.2f}"
    return (f'{day:%m/%d/%y},"Brand {n % 40}","{kind}","Me","Product {n % 700}",'
            f'"https://rstyle.me/+{n}","{"Open" if n % 3 else "Closed"}","{money}",""')  # fmt: skip


def ltk(end: date, lines: int) -> bytes:
    rows = [LTK_HEADER] + [ltk_line(end - timedelta(days=n % 52), n) for n in range(lines)]
    return "\n".join(rows).encode()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="lines of the big LTK CSV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "SECRET_KEY": "bench", "INSTANCE_PATH": folder,
                          "PASSWORD_HASH_PROFILE": "fast"})  # fmt: skip
        with app.app_context():
            session = db_session()
            user = accounts.register(session, "imports@example.com", "bench-password", "fast")
            session.commit()
            today = date(2026, 11, 20)
            for label, name, data in (
                ("a year of TikTok Overview days (365 rows)", "Overview.csv", overview(today)),
                ("an LTK export of 1,576 lines", "LTK.csv", ltk(today, 1576)),
            ):
                started = time.perf_counter()
                record, _ = committing.commit(session, user, Upload(name, data), today, utcnow())
                session.commit()
                took = time.perf_counter() - started
                print(f"commit {label}: {took * 1000:.0f} ms, {record.entries_written} written")
            big = Path(folder) / "big.csv"
            with big.open("w") as out:  # line by line: the script's own peak stays small
                out.write(LTK_HEADER)
                for n in range(args.rows):
                    out.write("\n" + ltk_line(today - timedelta(days=n % 52), n))
            size = big.stat().st_size / 1024 / 1024
            before = peak_mb()
            started = time.perf_counter()
            with big.open("rb") as stream:
                found = services.preview(session, user, Upload("big.csv", stream), today)
            took = time.perf_counter() - started
            print(f"preview of a {size:.0f} MB LTK CSV, {args.rows:,} lines: {took:.1f} s, "
                  f"{found.digest.rows:,} rows read, {len(found.entries):,} entries; "
                  f"peak memory {before:.0f} MB before, {peak_mb():.0f} MB after")  # fmt: skip


if __name__ == "__main__":
    main()
