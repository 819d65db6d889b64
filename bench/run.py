"""Benchmark: every main page at two sizes, on SQLite and PostgreSQL, then under gunicorn.

    python -m bench [--sizes 1000,100000] [--databases sqlite,postgresql] [--quick] [--write]

For each database and size: a filled database (cached; --fresh refills), each page of
bench/pages.py through the test client (warm-up, then --runs timed requests: p50, p95, SQL
statements, HTML size), then gunicorn with 2 workers driven by wrk for --duration seconds a
page (requests per second, as a fraction of the bare page in the same run). It prints
numbers and asserts nothing; --write puts them in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench import pages, prepare, report, serve, speed
from bench.client import Measurer, Timing, session_cookie
from crm.database import make_engine

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/crm_bench_{size}"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", default="1000,100000", help="brands (and pitches) of the main creator")
    add("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    add(
        "--pg-url",
        default=os.environ.get("CRM_BENCH_PG_URL", DEFAULT_PG),
        help="PostgreSQL URL; {size} becomes 1k, 100k... (its name must contain 'bench': "
        "it is emptied and refilled)",
    )
    add("--url", help="one database URL instead of --databases ({size} as in --pg-url)")
    add("--others", type=int, default=4, help="other creators, a tenth of the rows each")
    add("--runs", type=int, default=30, help="timed requests per page (test client)")
    add("--duration", type=float, default=5, help="seconds of wrk per page")
    add(
        "--repeat",
        type=int,
        default=1,
        help="rounds over every page (test client and gunicorn); each figure is the median",
    )
    add("--port", type=int, default=5141, help="gunicorn's port on 127.0.0.1")
    add("--quick", action="store_true", help="8 runs a page and 2 s of wrk")
    add("--no-serve", action="store_true", help="skip the gunicorn run")
    add(
        "--only",
        default="",
        help="only pages whose label contains this text (or one of several, comma-separated)",
    )
    add(
        "--page-size",
        type=int,
        default=None,
        help="rows a list page shows (default: the app's own); with 1 every list shows one "
        "row at both sizes, so a page's ratio is the data's alone, not more rows shown",
    )
    add("--fresh", action="store_true", help="refill even when a filled database matches")
    add("--fill-only", action="store_true", help="fill (or check the cache) and stop")
    add(
        "--write",
        nargs="?",
        const=str(report.RESULTS),
        default=None,
        metavar="PATH",
        help="write the results as a section of bench/RESULTS.md (or PATH)",
    )
    add("--title", default="latest run", help="the section of RESULTS.md to write or replace")
    add("--note", action="append", default=[], help="a line for RESULTS.md (repeatable)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.duration = min(args.runs, 8), min(args.duration, 2)
    if args.repeat < 1:
        parser.error("--repeat is 1 or more")
    if args.page_size is not None and args.page_size < 1:
        parser.error("--page-size is 1 or more")
    return args


def targets(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(database name, URL template) pairs to run."""
    if args.url:
        return [(args.url.split(":")[0].split("+")[0], args.url)]
    chosen = []
    for name in (n.strip() for n in args.databases.split(",") if n.strip()):
        if name == "sqlite":
            chosen.append(("sqlite", ""))
        elif name == "postgresql":
            chosen.append(("postgresql", args.pg_url))
        else:
            raise SystemExit(f"unknown database {name!r}: sqlite or postgresql")
    return chosen


def database_url(template: str, size: int, others: int) -> str:
    if not template:
        return prepare.sqlite_url(size, others, prepare.schema_key("sqlite://"))
    return template.replace("{size}", prepare.label(size))


def version(name: str, url: str) -> str:
    if name != "postgresql":
        return name
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(sa.text("SHOW server_version"))).join(("PostgreSQL ", ""))
    finally:
        engine.dispose()


def measure_size(run: report.DatabaseRun, args: argparse.Namespace, url: str, size: int) -> None:
    label = prepare.label(size)
    started = time.perf_counter()
    facts = prepare.prepare(url, size, args.others, args.fresh)
    run.fill_seconds[label] = time.perf_counter() - started
    if run.version == run.name:  # asked once the database surely exists
        run.version = version(run.name, url)
    if args.fill_only:
        return
    run.sizes.append(label)
    measurer = Measurer(url, prepare.CACHE / "instance")
    wanted = [text.strip().casefold() for text in args.only.split(",")]
    chosen = [p for p in pages.PAGES if any(text in p.label.casefold() for text in wanted)]
    urls = [("bare page", pages.BARE)] + [(p.label, measurer.resolve(p, facts)) for p in chosen]
    # Rounds over all the pages rather than one page N times in a row: a minute in which
    # the machine is busy then lands on one round of every page, not on every round of one.
    rounds = []
    for round_number in range(1, args.repeat + 1):
        timings = []
        for page_label, page_url in urls:
            timing = measurer.time(page_label, page_url, args.runs)
            timings.append(timing)
            flag = "" if timing.status == 200 else f"  status {timing.status}!"
            print(
                f"  {run.name:10} {label:>5} {round_number}  {page_label:34} "
                f"p50 {timing.p50_ms:7.1f} ms  p95 {timing.p95_ms:7.1f} ms  "
                f"cpu {timing.cpu_ms:6.1f} ms  {timing.queries:3} queries "
                f"{timing.html_kb:6.1f} KB{flag}",
                flush=True,
            )
        rounds.append(timings)
    run.timings[label] = [median_timing(list(same)) for same in zip(*rounds, strict=True)]
    cookie = session_cookie(measurer.client)
    measurer.close()
    if args.no_serve:
        return
    served_rounds, bare = [], []
    log = Path(tempfile.gettempdir()) / "crm-bench-gunicorn.log"
    with serve.gunicorn(url, args.port, log) as base:
        for round_number in range(1, args.repeat + 1):
            served = []
            # The bare page first and last: their difference shows how steady the machine was.
            for page_label, page_url in [*urls, ("bare page, again", pages.BARE)]:
                result = serve.load(base, args.port, page_label, page_url, cookie, args.duration)
                served.append(result)
                print(
                    f"  {run.name:10} {label:>5} {round_number}  {page_label:34} "
                    f"{result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
                    f"{result.not_200} not 200",
                    flush=True,
                )
            bare += [served[0].rps, served[-1].rps]
            mean = dataclasses.replace(served[0], rps=(served[0].rps + served[-1].rps) / 2)
            served_rounds.append([mean, *served[1:-1]])
    run.served[label] = [median_served(list(same)) for same in zip(*served_rounds, strict=True)]
    run.bare_spread[label] = (min(bare), max(bare)) if args.repeat > 1 else (bare[0], bare[1])


def median_timing(same: list[Timing]) -> Timing:
    """One page's rounds as one figure: the median of each time, the most statements seen."""
    worst = next((t.status for t in same if t.status != 200), same[0].status)
    return dataclasses.replace(
        same[-1],
        status=worst,
        p50_ms=statistics.median(t.p50_ms for t in same),
        p95_ms=statistics.median(t.p95_ms for t in same),
        cpu_ms=statistics.median(t.cpu_ms for t in same),
        queries=max(t.queries for t in same),
    )


def median_served(same: list[serve.Served]) -> serve.Served:
    """One page's gunicorn rounds: the median throughput and latency, every failure counted."""
    return dataclasses.replace(
        same[-1],
        rps=statistics.median(s.rps for s in same),
        p50_ms=statistics.median(s.p50_ms for s in same),
        not_200=sum(s.not_200 for s in same),
    )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.page_size is not None:
        # Read by the app in this process and by gunicorn's workers (CRM_* settings).
        os.environ["CRM_PAGE_SIZE"] = str(args.page_size)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    started = time.perf_counter()
    load_before = os.getloadavg()
    speed_before = speed.reference_ms()
    runs = []
    for name, template in targets(args):
        if "{size}" not in template and template and len(sizes) > 1:
            raise SystemExit("--url names one database: put {size} in it, or give one --sizes")
        run = report.DatabaseRun(name, name)
        for size in sizes:
            measure_size(run, args, database_url(template, size, args.others), size)
        runs.append(run)
    if args.fill_only:
        return
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    speed_after = speed.reference_ms()
    params = [
        f"- sizes: {', '.join(prepare.label(s) for s in sizes)} brands and pitches for the "
        f"main creator, plus {args.others} other creators with a tenth each",
        f"- test client: 3 warm-up requests, then {args.runs} timed ones per page",
        f"- list pages: {args.page_size} rows a page (--page-size), not the app's own"
        if args.page_size is not None
        else "- list pages: the app's own page size",
        f"- rounds: {args.repeat} over every page; each figure is the median of the rounds"
        if args.repeat > 1
        else "- rounds: 1 (one measurement per page)",
        "- gunicorn: not run"
        if args.no_serve
        else f"- gunicorn: {serve.WORKERS} sync workers, wrk 1 thread, "
        f"{2 * serve.WORKERS} connections, {args.duration:g} s a page",
        f"- whole run: {elapsed / 60:.1f} min; load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end",
        f"- machine speed (bench/speed.py, lower is faster): {speed_before:.1f} ms at the "
        f"start, {speed_after:.1f} ms at the end",
    ]
    notes = list(args.note)
    for run in runs:
        for size, (first, again) in run.bare_spread.items():
            notes.append(
                f"- {run.name} {size}: bare page between {first:.0f} and {again:.0f} req/s "
                f"over the gunicorn rounds (each round compares with the mean of its start "
                f"and end)."
                if args.repeat > 1
                else f"- {run.name} {size}: bare page {first:.0f} req/s at the start of "
                f"the gunicorn run, {again:.0f} at its end (the mean is used)."
            )
    text = report.section(args.title, runs, params, notes)
    print()
    print(text)
    if args.write:
        report.write(Path(args.write), args.title, text)
        print(f"written to {args.write}")
