"""Failure pages: rendered without the database, 503 with Retry-After when it is down."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import sessionmaker

from crm.database import Timeouts, make_engine
from tests.conftest import app_config

# Nothing listens here (a port of this suite's range): connecting is refused at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:55629/nowhere"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")


class BrokenDatabase:
    """An engine that cannot connect, counting every attempt."""

    def __init__(self) -> None:
        self.engine = make_engine(UNREACHABLE, Timeouts(connect_seconds=1))
        self.attempts = 0
        sa.event.listen(self.engine, "do_connect", self._count)

    def _count(self, *_args: Any) -> None:
        self.attempts += 1

    def break_(self, app: Flask) -> None:
        """From now on every session of `app` fails to reach its database."""
        app.extensions["crm.db"].sessionmaker = sessionmaker(self.engine, expire_on_commit=False)


@pytest.fixture
def broken() -> Any:
    database = BrokenDatabase()
    yield database
    database.engine.dispose()


def assert_failure_page(response: Any, code: int) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == code
    for header in SECURITY_HEADERS:
        assert header in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "Traceback" not in html and "psycopg" not in html and "55629" not in html
    return html


def test_database_down_while_logged_in_gives_503_with_retry_after(
    app: Flask, logged_in, broken: BrokenDatabase
) -> None:
    broken.break_(app)
    response = logged_in.get("/brands/")
    html = assert_failure_page(response, 503)
    assert response.headers["Retry-After"] == "60"
    assert "temporarily unavailable" in html and "try again in a minute" in html
    # One try, by the login check; the page itself asked the database nothing.
    assert broken.attempts == 1


def test_database_down_on_a_form_post_gives_503(app: Flask, logged_in, broken) -> None:
    broken.break_(app)
    response = logged_in.post("/brands/new", data={"name": "Glow Co"})
    assert_failure_page(response, 503)


def test_server_error_page_renders_without_the_database(make_app, logged_in, broken) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-boom-after-outage")
    def boom() -> str:
        broken.break_(app)
        raise RuntimeError("secret internals")

    client = app.test_client()
    client.set_cookie("session", logged_in.get_cookie("session").value)
    response = client.get("/test-boom-after-outage")
    html = assert_failure_page(response, 500)
    assert "Something went wrong on our side" in html and "secret internals" not in html
    # The old page asked for current_user (a query) to draw the navigation.
    assert broken.attempts == 0


@pytest.mark.parametrize(
    "error",
    [
        sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        sa.exc.OperationalError("SELECT 1", {}, RuntimeError("canceling statement")),
    ],
)
def test_a_full_pool_or_a_cancelled_statement_gives_503(make_app, error: Exception) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-busy")
    def busy() -> str:
        raise error

    response = app.test_client().get("/test-busy")
    assert_failure_page(response, 503)
    assert response.headers["Retry-After"] == "60"


def test_a_4xx_page_keeps_the_navigation_while_the_database_works(logged_in) -> None:
    html = logged_in.get("/no/such/page").get_data(as_text=True)
    assert "Log out" in html


def test_a_4xx_page_still_renders_when_the_database_is_down(app, logged_in, broken) -> None:
    broken.break_(app)
    response = logged_in.get("/no/such/page")
    assert_failure_page(response, 404)


def test_statement_timeout_and_connect_timeout_reach_the_driver() -> None:
    engine = make_engine(
        UNREACHABLE, Timeouts(connect_seconds=3, statement_ms=1500, pool_seconds=4)
    )
    try:
        assert engine.pool.timeout() == 4
        args = _connect_kwargs(engine)
    finally:
        engine.dispose()
    assert args["connect_timeout"] == 3
    assert args["options"] == "-c statement_timeout=1500"


def test_migrations_and_scripts_get_no_statement_timeout() -> None:
    engine = make_engine(UNREACHABLE)
    try:
        args = _connect_kwargs(engine)
    finally:
        engine.dispose()
    assert "options" not in args and "connect_timeout" not in args


def test_the_app_passes_its_timeout_settings_to_the_engine(make_app) -> None:
    app = make_app(DATABASE_CONNECT_TIMEOUT=7, DATABASE_STATEMENT_TIMEOUT_MS=2500)
    timeouts = app.extensions["crm.db"].timeouts
    assert (timeouts.connect_seconds, timeouts.statement_ms, timeouts.pool_seconds) == (7, 2500, 10)


def _connect_kwargs(engine: sa.Engine) -> dict[str, Any]:
    captured: dict[str, Any] = {}

    def capture(_dialect, _record, _cargs, cparams) -> Any:
        captured.update(cparams)
        raise sa.exc.OperationalError("captured", {}, RuntimeError("not connecting"))

    sa.event.listen(engine, "do_connect", capture)
    with pytest.raises(sa.exc.OperationalError), engine.connect():
        pass
    return captured


postgres_only = pytest.mark.skipif(
    not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL runs when CRM_TEST_DATABASE_URL is set (CI sets it)",
)


@pytest.mark.postgres_only
@postgres_only
def test_a_query_stuck_behind_a_lock_gives_503_after_the_statement_timeout(
    database_url: str, tmp_path
) -> None:
    from crm import create_app

    app = create_app(app_config(database_url, tmp_path, DATABASE_STATEMENT_TIMEOUT_MS=300))
    holder = make_engine(database_url)
    try:
        with holder.connect() as locker:
            locker.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            response = app.test_client().post(
                "/login", data={"email": "creator@example.com", "password": "wrong"}
            )
            elapsed = time.monotonic() - started
            locker.rollback()
    finally:
        holder.dispose()
        app.extensions["crm.db"].engine.dispose()
    assert_failure_page(response, 503)
    # Without the timeout the request waits for the lock for as long as it is held.
    assert elapsed < 5


def test_only_an_outage_is_a_503_a_broken_query_on_sqlite_stays_a_500() -> None:
    import sqlite3

    from sqlalchemy import exc as sa_exc

    from crm.web import _is_outage

    def wrapped(orig: Exception) -> sa_exc.OperationalError:
        return sa_exc.OperationalError("SELECT 1", {}, orig)

    assert _is_outage(wrapped(sqlite3.OperationalError("database is locked")))
    assert not _is_outage(wrapped(sqlite3.OperationalError("no such table: brands")))
    assert not _is_outage(wrapped(sqlite3.OperationalError('near "SELEC": syntax error')))
    assert _is_outage(wrapped(OSError("connection refused")))  # a server driver's outage
    assert _is_outage(sa_exc.TimeoutError("QueuePool limit reached"))
