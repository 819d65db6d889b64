"""Each page through Flask's test client: warm-up, then timed runs with the SQL counted."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from bench import fill, pages
from bench.prepare import app_for

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Timing:
    """One page measured through the test client."""

    label: str
    url: str
    status: int
    p50_ms: float
    p95_ms: float
    # CPU time of the request in this process (the app, and SQLite, which runs inside it;
    # not PostgreSQL's server): steadier than wall time on a machine others are using.
    cpu_ms: float
    queries: int
    html_kb: float


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def log_in(client: FlaskClient, email: str = fill.MAIN_EMAIL) -> None:
    """Log in as a person does: the login form's CSRF token, then the POST."""
    page = client.get("/login").get_data(as_text=True)
    token = _CSRF.search(page)
    data = {"email": email, "password": fill.PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        raise SystemExit(f"could not log in to the bench database (status {response.status_code})")


def session_cookie(client: FlaskClient) -> str:
    """The Cookie header a browser logged in through `client` would send."""
    jar = getattr(client, "_cookies", {})
    return "; ".join(f"{cookie.key}={cookie.value}" for cookie in jar.values())


class Measurer:
    """A logged-in test client on one database, counting the SQL each request runs."""

    def __init__(self, url: str, instance: Path) -> None:
        self.app: Flask = app_for(url, instance)
        self.statements: list[str] = []
        engine = self.app.extensions["crm.db"].engine
        sa.event.listen(engine, "before_cursor_execute", self._record)
        self.client = self.app.test_client()
        log_in(self.client)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(statement)

    def get(self, url: str) -> str:
        with self.client.get(url) as response:
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}, not 200")
            return response.get_data(as_text=True)

    def resolve(self, page: pages.Page, facts: fill.Filled) -> str:
        """The URL to time for `page` (following the list's links when it asks for that)."""
        url = page.url(facts)
        if not page.follow:
            return url
        size = self.app.config["PAGE_SIZE"]
        return pages.oldest_page(self.get, url, facts.pitches, size)

    def time(self, label: str, url: str, runs: int, warmup: int = 3) -> Timing:
        for _ in range(warmup):
            self.client.get(url).close()
        timings, cpu, status, body = [], [], 0, b""
        for _ in range(runs):
            self.statements.clear()
            started, cpu_started = time.perf_counter(), time.thread_time()
            with self.client.get(url) as response:
                body = response.get_data()
                status = response.status_code
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
        return Timing(
            label=label,
            url=url,
            status=status,
            p50_ms=statistics.median(timings),
            p95_ms=percentile(timings, 0.95),
            cpu_ms=statistics.median(cpu),
            queries=len(self.statements),
            html_kb=len(body) / 1024,
        )

    def close(self) -> None:
        self.app.extensions["crm.db"].engine.dispose()
