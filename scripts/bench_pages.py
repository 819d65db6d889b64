"""Benchmark: queries and time per page for one creator with a lot of data.

    python scripts/bench_pages.py [--brands 5000] [--pitches 20000] [--snapshots 730] [--url URL]

Builds a scratch database (SQLite in a temp folder unless --url), fills one creator's account,
then requests each main page through the test client and prints the number of SQL statements
and the median time over a few runs. It prints numbers; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from crm import create_app
from crm.brands.models import Brand, Contact
from crm.brands.search import refresh_search
from crm.database import db_session, utcnow
from crm.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_account
from crm.pitches.models import Pitch, PitchStatus
from crm.stats.models import StatsSnapshot
from crm.timeline.models import BrandActivity

PAGES = [
    "/dashboard",
    "/brands/",
    "/brands/?q=brand%2042",
    "/brands/?status=lead&sort=name&page=3",
    "/brands/1",
    "/pitches/",
    "/pitches/board",
    "/pitches/followups",
    "/stats/",
    "/rates/",
]


def fill(session, owner_id: int, brands: int, pitches: int, snapshots: int) -> None:
    """Bulk rows for one creator (plain inserts: this measures reading, not writing)."""
    now = utcnow()
    session.execute(
        sa.insert(Brand),
        [
            {"owner_id": owner_id, "name": f"Brand {n}", "name_key": f"brand {n}",
             "tiktok_handle": f"brand{n}", "tiktok_followers": (n * 37) % 9000,
             "created_at": now, "updated_at": now - timedelta(minutes=n)}
            for n in range(brands)
        ],
    )  # fmt: skip
    brand_ids = session.scalars(
        sa.select(Brand.id).where(Brand.owner_id == owner_id, Brand.name.like("Brand %"))
    ).all()
    session.execute(
        sa.insert(Contact),
        [{"owner_id": owner_id, "brand_id": b, "name": "Sam", "email": f"sam{b}@example.com",
          "is_primary": True, "created_at": now} for b in brand_ids],
    )  # fmt: skip
    # Core inserts pass by the ORM's flush listener: build the search text as an import does.
    refresh_search(session, brand_ids)
    statuses = list(PitchStatus)
    session.execute(
        sa.insert(Pitch),
        [
            {"owner_id": owner_id, "brand_id": brand_ids[n % len(brand_ids)],
             "status": statuses[n % len(statuses)], "quoted_cents": 10_000 + n,
             "subject": f"Pitch {n}", "created_at": now, "updated_at": now,
             "next_followup_on": date.today() - timedelta(days=n % 9)}
            for n in range(pitches)
        ],
    )  # fmt: skip
    session.execute(
        sa.insert(BrandActivity),
        [{"owner_id": owner_id, "brand_id": brand_ids[0], "kind": "note", "text": f"Note {n}",
          "at": now - timedelta(hours=n)} for n in range(500)],
    )  # fmt: skip
    start = date.today() - timedelta(days=snapshots + 200)
    session.execute(
        sa.insert(StatsSnapshot),
        [{"owner_id": owner_id, "taken_on": start + timedelta(days=n), "followers": 4000 + n,
          "video_views": 10_000, "likes": 900, "comments": 50, "shares": 40, "posts": 5,
          "period_days": 7, "created_at": now} for n in range(snapshots)],
    )  # fmt: skip
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brands", type=int, default=5000)
    parser.add_argument("--pitches", type=int, default=20000)
    parser.add_argument("--snapshots", type=int, default=730)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    url = args.url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url,
                      "SECRET_KEY": "bench", "PASSWORD_HASH_PROFILE": "fast",
                      "WTF_CSRF_ENABLED": False})  # fmt: skip
    if not url.startswith("sqlite"):
        from crm.database import upgrade

        upgrade(url)
    with app.app_context():
        session = db_session()
        user, _created = ensure_demo_account(session, "fast")
        fill(session, user.id, args.brands, args.pitches, args.snapshots)
    engine = app.extensions["crm.db"].engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    where = url.split(":")[0]
    print(f"{args.brands} brands, {args.pitches} pitches, {args.snapshots} snapshots on {where}")
    print(f"{'page':42} {'status':>6} {'queries':>8} {'median ms':>10}")
    for path in PAGES:
        timings = []
        for _ in range(args.runs):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        print(f"{path:42} {response.status_code:>6} {len(statements):>8} {median:>10.1f}")


if __name__ == "__main__":
    main()
