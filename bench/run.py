"""Benchmark: every main page at two sizes, on SQLite and PostgreSQL, then under gunicorn.

    python -m bench [--sizes 1000,100000] [--databases sqlite,postgresql] [--quick] [--write]

For each database: a filled database per size (cached; --fresh refills), each page of
bench/pages.py through the test client at every size in turn (warm-up, then --runs timed
requests: p50, p95, SQL statements, HTML size), then gunicorn with 2 workers per size driven
by wrk for --duration seconds a page, each page at every size in turn (requests per second,
as a fraction of the bare page of the same server in the same round). It prints
numbers and asserts nothing; --write puts them in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench import pages, prepare, report, serve, speed
from bench.client import Measurer, Timing, session_cookie
from crm.database import make_engine

# The bare page again at the end of each gunicorn round: with the first, how steady it was.
AGAIN = ("bare page, again", pages.BARE)
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
    add("--port", type=int, default=5141, help="gunicorn's first port on 127.0.0.1 (one a size)")
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


@dataclass
class Side:
    """One size of one database, as measured: its label, URL, test client and page URLs."""

    label: str
    url: str
    measurer: Measurer
    urls: list[tuple[str, str]]


def measure_database(
    run: report.DatabaseRun, args: argparse.Namespace, template: str, sizes: list[int]
) -> None:
    """Every chosen page at every size, each page timed at each size back to back.

    The sizes are measured side by side, not one after the other: a shared machine changes
    speed over minutes (bench/speed.py once read 12.9 ms at a run's start and 25.1 ms at its
    end), and a size measured in the slower half would show growth the data did not cause.
    """
    facts = {}
    for size in sizes:
        url = database_url(template, size, args.others)
        started = time.perf_counter()
        facts[size] = (url, prepare.prepare(url, size, args.others, args.fresh))
        run.fill_seconds[prepare.label(size)] = time.perf_counter() - started
        if run.version == run.name:  # asked once the database surely exists
            run.version = version(run.name, url)
    if args.fill_only:
        return
    wanted = [text.strip().casefold() for text in args.only.split(",")]
    chosen = [p for p in pages.PAGES if any(text in p.label.casefold() for text in wanted)]
    sides = []
    for size, (url, filled) in facts.items():
        measurer = Measurer(url, prepare.CACHE / "instance")
        urls = [("bare page", pages.BARE)] + [
            (p.label, measurer.resolve(p, filled)) for p in chosen
        ]
        sides.append(Side(prepare.label(size), url, measurer, urls))
    run.sizes = [side.label for side in sides]
    # Rounds over all the pages rather than one page N times in a row: a minute in which
    # the machine is busy then lands on one round of every page, not on every round of one.
    rounds: dict[str, list[list[Timing]]] = {side.label: [] for side in sides}
    for round_number in range(1, args.repeat + 1):
        timings: dict[str, list[Timing]] = {side.label: [] for side in sides}
        for index in range(len(sides[0].urls)):
            for side in sides:
                page_label, page_url = side.urls[index]
                timing = side.measurer.time(page_label, page_url, args.runs)
                timings[side.label].append(timing)
                flag = "" if timing.status == 200 else f"  status {timing.status}!"
                print(
                    f"  {run.name:10} {side.label:>5} {round_number}  {page_label:34} "
                    f"p50 {timing.p50_ms:7.1f} ms  p95 {timing.p95_ms:7.1f} ms  "
                    f"cpu {timing.cpu_ms:6.1f} ms  {timing.queries:3} queries "
                    f"{timing.html_kb:6.1f} KB{flag}",
                    flush=True,
                )
        for side in sides:
            rounds[side.label].append(timings[side.label])
    for side in sides:
        run.timings[side.label] = [
            median_timing(list(same)) for same in zip(*rounds[side.label], strict=True)
        ]
    cookies = {side.label: session_cookie(side.measurer.client) for side in sides}
    for side in sides:
        side.measurer.close()
    if not args.no_serve:
        serve_sides(run, args, sides, cookies)


def serve_sides(
    run: report.DatabaseRun, args: argparse.Namespace, sides: list[Side], cookies: dict[str, str]
) -> None:
    """gunicorn for every size at once (a port each), each page loaded at each size in turn."""
    served_rounds: dict[str, list[list[serve.Served]]] = {side.label: [] for side in sides}
    bare: dict[str, list[float]] = {side.label: [] for side in sides}
    with ExitStack() as stack:
        bases = {}
        for offset, side in enumerate(sides):
            log = Path(tempfile.gettempdir()) / f"crm-bench-gunicorn-{side.label}.log"
            port = args.port + offset
            bases[side.label] = (stack.enter_context(serve.gunicorn(side.url, port, log)), port)
        for round_number in range(1, args.repeat + 1):
            served: dict[str, list[serve.Served]] = {side.label: [] for side in sides}
            # The bare page first and last: their difference shows how steady the machine was.
            for index in range(len(sides[0].urls) + 1):
                for side in sides:
                    page_label, page_url = side.urls[index] if index < len(side.urls) else AGAIN
                    base, port = bases[side.label]
                    result = serve.load(
                        base, port, page_label, page_url, cookies[side.label], args.duration
                    )
                    served[side.label].append(result)
                    print(
                        f"  {run.name:10} {side.label:>5} {round_number}  {page_label:34} "
                        f"{result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
                        f"{result.not_200} not 200",
                        flush=True,
                    )
            for side in sides:
                mine = served[side.label]
                bare[side.label] += [mine[0].rps, mine[-1].rps]
                mean = dataclasses.replace(mine[0], rps=(mine[0].rps + mine[-1].rps) / 2)
                served_rounds[side.label].append([mean, *mine[1:-1]])
    for side in sides:
        run.served[side.label] = [
            median_served(list(same)) for same in zip(*served_rounds[side.label], strict=True)
        ]
        found = bare[side.label]
        run.bare_spread[side.label] = (
            (min(found), max(found)) if args.repeat > 1 else (found[0], found[1])
        )


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
        measure_database(run, args, template, sizes)
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
