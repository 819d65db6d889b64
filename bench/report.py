"""The tables on stdout and bench/RESULTS.md: numbers per page and the issue's targets."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.client import Timing
from bench.serve import Served

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
# The targets of issue 9 (docs: bench/RESULTS.md says where one proves wrong, with figures).
MAX_RATIO = 1.5  # p50 at the large size over p50 at the small one
MAX_P95_MS = 25.0
MIN_FRACTION_OF_BARE = 1 / 20


@dataclass
class DatabaseRun:
    """Everything measured on one kind of database, per size label ("1k", "100k")."""

    name: str  # "sqlite" or "postgresql"
    version: str
    sizes: list[str] = field(default_factory=list)
    timings: dict[str, list[Timing]] = field(default_factory=dict)
    served: dict[str, list[Served]] = field(default_factory=dict)
    fill_seconds: dict[str, float] = field(default_factory=dict)
    bare_spread: dict[str, tuple[float, float]] = field(default_factory=dict)


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "NOT MET")


def _rate(rps: float) -> str:
    return f"{rps:.0f}" if rps >= 10 else f"{rps:.1f}"


def _fraction(value: float) -> str:
    return f"1/{1 / value:.0f}" if 0 < value < 1 else f"{value:.2f}"


def client_table(run: DatabaseRun) -> list[str]:
    """Markdown rows: one page per row, each size's p50/p95, queries, KB, ratio, targets."""
    small, large = run.sizes[0], run.sizes[-1]
    head = ["page"]
    for size in run.sizes:
        head += [f"p50 {size}", f"p95 {size}", f"cpu {size}"]
    # Both sizes' page weight: a search or filter with a few matches at the small size and a
    # full page at the large one renders more rows, which is not the data slowing it down.
    kb = [f"KB {size}" for size in run.sizes]
    head += ["queries", *kb, "ratio", "cpu ratio", "ratio ≤ 1.5", "p95 ≤ 25 ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_size = {size: {t.label: t for t in run.timings[size]} for size in run.sizes}
    for timing in run.timings[small]:
        cells = [timing.label]
        for size in run.sizes:
            other = by_size[size].get(timing.label)
            cells += (
                [f"{other.p50_ms:.1f}", f"{other.p95_ms:.1f}", f"{other.cpu_ms:.1f}"]
                if other
                else ["", "", ""]
            )
        big = by_size[large].get(timing.label)
        counts = sorted({by_size[s][timing.label].queries for s in run.sizes})
        cells.append(" / ".join(str(c) for c in counts) + ("" if len(counts) == 1 else " (grows)"))
        for size in run.sizes:
            other = by_size[size].get(timing.label)
            cells.append(f"{other.html_kb:.0f}" if other else "")
        if big and large != small:
            ratio = big.p50_ms / timing.p50_ms if timing.p50_ms else float("inf")
            cpu = big.cpu_ms / timing.cpu_ms if timing.cpu_ms else float("inf")
            cells += [f"{ratio:.1f}x", f"{cpu:.1f}x", _mark(ratio <= MAX_RATIO)]
            cells.append(_mark(big.p95_ms <= MAX_P95_MS))
        else:
            cells += ["", "", "–", _mark(big.p95_ms <= MAX_P95_MS) if big else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def served_table(run: DatabaseRun) -> list[str]:
    """Markdown rows: requests per second per size and as a fraction of the bare page."""
    sizes = [s for s in run.sizes if s in run.served]
    if not sizes:
        return []
    large = sizes[-1]
    head = ["page"] + [f"req/s {s}" for s in sizes] + [f"of bare {s}" for s in sizes]
    head += ["≥ 1/20 of bare"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_size = {s: {x.label: x for x in run.served[s]} for s in sizes}
    bare = {s: by_size[s]["bare page"].rps for s in sizes}
    for served in run.served[sizes[0]]:
        cells = [served.label]
        rows = [by_size[s].get(served.label) for s in sizes]
        for row in rows:
            bad = f" ({row.not_200} not 200)" if row and row.not_200 else ""
            cells.append(f"{_rate(row.rps)}{bad}" if row else "")
        for size, row in zip(sizes, rows, strict=True):
            cells.append(_fraction(row.rps / bare[size]) if row and bare[size] else "")
        big = by_size[large].get(served.label)
        ok = (
            None
            if served.label == "bare page" or not big
            else big.rps / bare[large] >= MIN_FRACTION_OF_BARE
        )
        lines.append("| " + " | ".join([*cells, _mark(ok)]) + " |")
    return lines


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return "?"


def machine(runs: list[DatabaseRun]) -> list[str]:
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = " (uncommitted changes in the tree)" if _git("status", "--porcelain") else " (clean)"
    lines = [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit or '?'}{dirty if commit else ''}",
        f"- machine: {_cpu()}, {os.cpu_count()} cores, {_ram()} RAM, {platform.system()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]
    for run in runs:
        if run.name != "sqlite":
            lines.append(f"- {run.version}")
    return lines


def section(title: str, runs: list[DatabaseRun], params: list[str], notes: list[str]) -> str:
    """One run's results as a RESULTS.md section."""
    out = [f"<!-- bench:{title} -->", f"## {title}", "", *machine(runs), *params, ""]
    out += [f"{note}" for note in notes]
    for run in runs:
        out += ["", f"### {run.name}: test client (ms)", "", *client_table(run)]
        table = served_table(run)
        if table:
            out += ["", f"### {run.name}: gunicorn, {2} workers, wrk (requests per second)", ""]
            out += table
    out += ["", f"<!-- /bench:{title} -->", ""]
    return "\n".join(out)


HEADER = """# Benchmark results

Written by `python -m bench --write --title TITLE` (see the README's Benchmark section). Each
run replaces the section with its title and leaves the others, so a "before" and an "after"
sit side by side. The benchmark prints numbers; it asserts nothing.

Targets (issue 9), per page: p50 at the large size at most 1.5x p50 at the small size; p95 at
the large size at most 25 ms (both through the test client); under gunicorn with 2 workers at
least 1/20 of the bare page's requests per second at the large size. The bare page is
`/static/favicon.svg` served by the app itself (no login check, no database), with the same
cookie, the same way, in the same run.

"cpu" is the CPU time one request takes in the benchmark's own process (the app, and SQLite,
which runs inside it; not the PostgreSQL server's share): on a machine others are using it moves
much less than the wall time, so its ratio is the steadier sign of growth with the data. The
targets stay on wall time.

"""


def write(path: Path, title: str, text: str) -> None:
    """Put `text` in the file as the section `title`, replacing a section of that title."""
    current = path.read_text() if path.exists() else HEADER
    start, end = f"<!-- bench:{title} -->", f"<!-- /bench:{title} -->"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        _old, after = rest.split(end, 1)
        current = before + text.rstrip("\n") + after
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current)
