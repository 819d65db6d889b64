"""How fast this machine runs Python right now: a fixed piece of work, timed.

Shared machines change speed from day to day (another tenant, another host): at stop 21 the
bare page took 0.7 ms, on the same code a day later 1.1 ms. A run's figures are only
comparable with another's at the same speed, so each run times this before and after and
RESULTS.md carries it. It is what a page does in Python (dicts, text, sorting), no I/O.
"""

from __future__ import annotations

import time


def reference_ms(repeat: int = 5) -> float:
    """The best of `repeat` timings of the reference work, in milliseconds (lower: faster)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        rows = [{"id": n, "name": f"Brand {n}", "cents": n * 37 % 10_000} for n in range(20_000)]
        rows.sort(key=lambda row: (row["cents"], row["name"]))
        html = "".join(f"<td>{row['name']}</td><td>{row['cents'] / 100:,.2f}</td>" for row in rows)
        assert html
        best = min(best, (time.perf_counter() - started) * 1000)
    return best
