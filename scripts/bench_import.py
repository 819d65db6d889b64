"""Benchmark: how long a brands CSV import holds the database's write lock.

    python scripts/bench_import.py [--rows 5000] [--url URL]

Builds a scratch database (SQLite in a temp folder unless --url), logs a creator in, then
uploads a CSV of new brands (each with a contact and tags), the same file again (every row
matches, nothing changes) and a version that changes every row. For each it prints the
request's time and the longest and total time a write transaction was open (on SQLite,
BEGIN IMMEDIATE to COMMIT: every other writer waits that long). It asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from crm import create_app
from crm.database import READ_ONLY, db_session, upgrade
from crm.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_account

HEADER = "name,website,tiktok_handle,tiktok_followers,product_category,status,tags,"
HEADER += "contact_name,contact_email,contact_role,contact_primary\n"


def csv_file(rows: int, followers: str) -> bytes:
    """`rows` distinct brands; `followers` changes between runs to make every row an update."""
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            f"Bench Brand {n},bench{n}.example.com,@bench{n},{followers},beauty,lead,"
            f'"bench, q{n % 4}",Sam {n},sam{n}@bench{n}.example.com,Partnerships,yes\n'
        )
    return "".join(lines).encode()


class LockClock:
    """Times every write transaction on `engine` (read ones take no lock)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.holds: list[float] = []
        self._started: dict[int, float] = {}
        sa.event.listen(engine, "begin", self._begin)
        sa.event.listen(engine, "commit", self._end)
        sa.event.listen(engine, "rollback", self._end)

    def _begin(self, connection: sa.Connection) -> None:
        if not connection.get_execution_options().get(READ_ONLY):
            self._started[id(connection)] = time.perf_counter()

    def _end(self, connection: sa.Connection) -> None:
        started = self._started.pop(id(connection), None)
        if started is not None:
            self.holds.append(time.perf_counter() - started)


def upload(client: Any, data: bytes) -> int:
    form = {"file": (io.BytesIO(data), "brands.csv")}
    return client.post("/brands/import", data=form, content_type="multipart/form-data").status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    url = args.url or f"sqlite:///{folder / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url,
                      "SECRET_KEY": "bench", "PASSWORD_HASH_PROFILE": "fast",
                      "WTF_CSRF_ENABLED": False, "MAX_UPLOAD_BYTES": 16 * 1024 * 1024})  # fmt: skip
    with app.app_context():
        ensure_demo_account(db_session(), "fast")
        db_session().commit()
    clock = LockClock(app.extensions["crm.db"].engine)
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    print(f"{args.rows} rows on {url.split(':')[0]}")
    columns = ("status", 6), ("request s", 10), ("longest lock s", 15), ("lock total s", 13)
    print(f"{'import':28} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for label, data in (
        ("new brands", csv_file(args.rows, "1.2K")),
        ("same file again", csv_file(args.rows, "1.2K")),
        ("every row changed", csv_file(args.rows, "3.4K")),
    ):
        clock.holds.clear()
        started = time.perf_counter()
        status = upload(client, data)
        elapsed = time.perf_counter() - started
        longest, total = max(clock.holds, default=0.0), sum(clock.holds)
        print(f"{label:28} {status:>6} {elapsed:>10.2f} {longest:>15.3f} {total:>13.3f}")


if __name__ == "__main__":
    main()
