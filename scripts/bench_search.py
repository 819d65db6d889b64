"""Benchmark: brand search at scale, the text index against the old LIKE scan, same data, same run.

    python scripts/bench_search.py [--brands 100000] [--others 100] [--other-brands 2000]
                                   [--url URL] [--runs 15]

Fills one creator with `--brands` brands named "Brand N" (a contact each), and `--others`
other creators with `--other-brands` each (the same names: common words are common across
owners too), builds the search text, runs ANALYZE, then times for each query:
the search SELECT alone (new), the old `LIKE '%q%'` SELECT (old), and the /brands/?q= and
/pitches/new?q= pages through the test client. Prints p50 and p95 in ms. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from crm import create_app
from crm.accounts.services import register
from crm.brands.models import Brand, Contact
from crm.brands.search import matching_brands, refresh_search
from crm.database import db_session, upgrade, utcnow
from crm.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_account
from crm.ownership import owned

QUERIES = ["brand 42", "brand", "rarewood", "sam4242@", "crème", "br", "nothing here"]


def fill(session, owner_id: int, brands: int, first: int = 0) -> None:
    """`brands` brands for `owner_id`, a contact each, and their search text."""
    now = utcnow()
    for start in range(first, first + brands, 10_000):
        stop = min(start + 10_000, first + brands)
        ids = session.scalars(
            sa.insert(Brand).returning(Brand.id, sort_by_parameter_order=True),
            [{"owner_id": owner_id, "name": f"Brand {n}", "name_key": f"brand {n}",
              "tiktok_handle": f"brand{n}", "created_at": now,
              "updated_at": now - timedelta(minutes=n)} for n in range(start, stop)],
        ).all()  # fmt: skip
        session.execute(
            sa.insert(Contact),
            [{"owner_id": owner_id, "brand_id": b, "name": "Sam", "email": f"sam{n}@example.com",
              "is_primary": True, "created_at": now}
             for n, b in zip(range(start, stop), ids, strict=True)],
        )  # fmt: skip
        refresh_search(session, ids)
    session.commit()


def old_search(owner_id: int, q: str) -> sa.Select:
    """The brand list's search before the index (LIKE over name, handle, contact emails)."""
    text = " ".join(q.split()).casefold()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern, handle = f"%{escaped}%", f"%{escaped.lstrip('@')}%"
    emails = owned(Contact, owner_id, Contact.brand_id).where(Contact.email.like(pattern, "\\"))
    return owned(Brand, owner_id, Brand.id).where(
        sa.or_(
            Brand.name_key.like(pattern, escape="\\"),
            Brand.tiktok_handle.like(handle, escape="\\"),
            Brand.id.in_(emails),
        )
    )


def timed(run: Callable[[], object], runs: int) -> tuple[float, float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brands", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=100)
    parser.add_argument("--other-brands", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-search-"))
    url = args.url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url,
                      "SECRET_KEY": "bench", "PASSWORD_HASH_PROFILE": "fast",
                      "WTF_CSRF_ENABLED": False})  # fmt: skip
    if not url.startswith("sqlite"):
        upgrade(url)
    started = time.perf_counter()
    with app.app_context():
        session = db_session()
        user, _created = ensure_demo_account(session, "fast")
        fill(session, user.id, args.brands)
        rare = Brand(owner_id=user.id, name="Zebra Rarewood", name_key="zebra rarewood")
        accented = Brand(owner_id=user.id, name="Crème Studio", name_key="crème studio")
        session.add_all([rare, accented])
        session.commit()
        for number in range(args.others):
            other = register(session, f"other{number}@example.com", "a long password 1", "fast")
            session.flush()
            fill(session, other.id, args.other_brands)
        session.execute(sa.text("ANALYZE"))
        session.commit()
        owner_id = user.id
    print(f"filled in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    where = url.split(":")[0]
    total = args.brands + args.others * args.other_brands
    print(f"{args.brands:,} brands for one creator, {total:,} in all, on {where}")
    header = f"{'query':14} {'rows':>6} {'new p50':>8} {'p95':>6} {'old p50':>8} {'p95':>6}"
    print(f"{header} {'list p50':>9} {'p95':>6} {'picker p50':>11} {'p95':>6}")
    engine = app.extensions["crm.db"].engine
    for q in QUERIES:
        with engine.connect() as connection:
            new = timed(
                lambda q=q: connection.execute(matching_brands(owner_id, q)).all(), args.runs
            )
            old = timed(lambda q=q: connection.execute(old_search(owner_id, q)).all(), args.runs)
        page = timed(lambda q=q: client.get(f"/brands/?q={quote(q)}").status_code, args.runs)
        picker = timed(lambda q=q: client.get(f"/pitches/new?q={quote(q)}").status_code, args.runs)
        rows = len(new[2])  # type: ignore[arg-type]
        print(
            f"{q:14} {rows:>6} {new[0]:>8.1f} {new[1]:>6.1f} {old[0]:>8.1f} {old[1]:>6.1f}"
            f" {page[0]:>9.1f} {page[1]:>6.1f} {picker[0]:>11.1f} {picker[1]:>6.1f}"
            + ("" if page[2] == picker[2] == 200 else f"  (status {page[2]}/{picker[2]})")
        )


if __name__ == "__main__":
    main()
