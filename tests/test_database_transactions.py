"""SQLite transactions: reads take no write lock, writes never fail on a stale snapshot.

These tests run on an app with its own SQLite file, migrated by crm.database.upgrade (the
shared test connection is one transaction and cannot show locking); threads are ordered by
events, never by sleeps.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import text, update

from crm import create_app
from crm.accounts.models import User
from crm.brands.models import Brand
from crm.database import (
    READ_ONLY,
    WriteInReadTransaction,
    db_session,
    end_read,
    upgrade,
)
from tests.conftest import app_config

WAIT = 10  # seconds an event may take before the test gives up (never reached when green)


class FileDatabase:
    """A migrated SQLite file, an app on it, and a counter table to read and write."""

    def __init__(self, template: Path, tmp_path: Path, busy_timeout_ms: int) -> None:
        self.path = tmp_path / "crm.sqlite3"
        self.url = f"sqlite:///{self.path}"
        shutil.copyfile(template, self.path)
        self.app = create_app(app_config(self.url, tmp_path))
        engine = self.app.extensions["crm.db"].engine
        # Runs after the app's own connect hook: a locked writer fails fast, not in 5 s.
        sa.event.listen(engine, "connect", lambda conn, _r: conn.execute(_busy(busy_timeout_ms)))
        with sqlite3.connect(self.path) as raw:
            raw.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
            raw.execute("INSERT INTO counter VALUES (0)")

    def run(self, method: str, work: Callable[[Any], Any]) -> Any:
        """Run `work(session)` as a request with `method` would, in this thread."""
        with self.app.test_request_context("/", method=method):
            return work(db_session())

    def value(self) -> int:
        with sqlite3.connect(self.path) as raw:
            return int(raw.execute("SELECT n FROM counter").fetchone()[0])


def _busy(milliseconds: int) -> str:
    return f"PRAGMA busy_timeout={int(milliseconds)}"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test works on a copy."""
    path = tmp_path_factory.mktemp("migrated") / "crm.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def file_db(migrated: Path, tmp_path: Path) -> Iterator[FileDatabase]:
    database = FileDatabase(migrated, tmp_path, busy_timeout_ms=100)
    yield database
    database.app.extensions["crm.db"].engine.dispose()


@pytest.fixture
def patient_db(migrated: Path, tmp_path: Path) -> Iterator[FileDatabase]:
    """Writers wait for each other as in production (the 5 s busy timeout)."""
    database = FileDatabase(migrated, tmp_path, busy_timeout_ms=5000)
    yield database
    database.app.extensions["crm.db"].engine.dispose()


def read(session: Any) -> int:
    return int(session.execute(text("SELECT n FROM counter")).scalar_one())


def increment(session: Any) -> None:
    session.execute(text("UPDATE counter SET n = n + 1"))
    session.commit()


class Thread(threading.Thread):
    """A thread that keeps its exception for the test to re-raise."""

    def __init__(self, target: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self._work, self.error = target, None

    def run(self) -> None:
        try:
            self._work()
        except BaseException as error:
            self.error = error

    def finish(self) -> None:
        self.join(WAIT)
        assert not self.is_alive()
        if self.error is not None:
            raise self.error


def hold_read_open(db: FileDatabase, *, read_only: bool | None) -> tuple[Thread, Any, list]:
    """A GET that reads, then keeps its transaction open until `release` is set.

    `read_only=None` lets the request method decide, as every view does.
    """
    reading, release, seen = threading.Event(), threading.Event(), []

    def long_read() -> None:
        with db.app.test_request_context("/", method="GET"):
            session = db_session(read_only=read_only)
            seen.append(read(session))
            reading.set()
            assert release.wait(WAIT)
            seen.append(read(session))  # the same snapshot, whatever was committed since

    thread = Thread(long_read)
    thread.start()
    assert reading.wait(WAIT)
    return thread, release, seen


def test_a_long_read_lets_other_reads_and_a_write_through(file_db: FileDatabase) -> None:
    reader, release, seen = hold_read_open(file_db, read_only=None)
    try:
        assert file_db.run("GET", read) == 0
        file_db.run("POST", increment)  # would wait for the reader, then fail, under IMMEDIATE
        assert file_db.run("GET", read) == 1
    finally:
        release.set()
        reader.finish()
    assert seen == [0, 0]
    assert file_db.value() == 1


def test_counter_case_a_read_that_takes_the_write_lock_blocks_the_writer(
    file_db: FileDatabase,
) -> None:
    # The old mode: every transaction, reads included, began IMMEDIATE.
    reader, release, _seen = hold_read_open(file_db, read_only=False)
    try:
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            file_db.run("POST", increment)
    finally:
        release.set()
        reader.finish()


def test_two_read_then_write_requests_both_succeed(patient_db: FileDatabase) -> None:
    first_read, second_read = threading.Event(), threading.Event()

    def first(session: Any) -> None:
        value = read(session)
        first_read.set()
        # Under IMMEDIATE the second request cannot read before this one commits, so it
        # never signals; were writes deferred, it reads now and its write must then fail.
        second_read.wait(0.5)
        session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
        session.commit()

    def second(session: Any) -> None:
        value = read(session)  # waits for the first writer's commit, then sees it
        second_read.set()
        session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
        session.commit()

    one = Thread(lambda: patient_db.run("POST", first))
    one.start()
    assert first_read.wait(WAIT)
    two = Thread(lambda: patient_db.run("POST", second))
    two.start()
    one.finish()
    two.finish()
    assert patient_db.value() == 2  # no "database is locked", no lost update


def test_counter_case_deferred_read_then_write_fails_on_a_stale_snapshot(
    file_db: FileDatabase,
) -> None:
    # What plain BEGIN (deferred) for writes would do: the busy timeout cannot help.
    one = sqlite3.connect(file_db.path, isolation_level=None, timeout=5)
    two = sqlite3.connect(file_db.path, isolation_level=None, timeout=5)
    try:
        one.execute("BEGIN")
        two.execute("BEGIN")
        one.execute("SELECT n FROM counter").fetchone()
        two.execute("SELECT n FROM counter").fetchone()
        one.execute("UPDATE counter SET n = n + 1")
        one.execute("COMMIT")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            two.execute("UPDATE counter SET n = n + 1")
    finally:
        one.close()
        two.close()


def test_a_raw_write_in_a_get_fails_on_the_database_itself(file_db: FileDatabase) -> None:
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        file_db.run("GET", increment)
    file_db.run("POST", increment)  # the pooled connection is writable again for a POST
    assert file_db.value() == 1


def test_a_get_that_changes_rows_fails_loudly(app: Flask, user: User) -> None:
    with app.test_request_context("/", method="GET"):
        session = db_session()
        session.get(User, user.id).display_name = "Changed in a GET"
        with pytest.raises(WriteInReadTransaction):
            session.flush()
    with app.test_request_context("/", method="HEAD"), pytest.raises(WriteInReadTransaction):
        db_session().execute(update(Brand).values(notes="x"))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_write(app: Flask, method: str) -> None:
    with app.test_request_context("/", method=method):
        assert db_session().info[READ_ONLY] is False


def test_code_outside_a_request_writes_unless_it_asks_to_read(app: Flask) -> None:
    with app.app_context():
        assert db_session().info[READ_ONLY] is False
    with app.app_context():
        assert db_session(read_only=True).info[READ_ONLY] is True
        with pytest.raises(RuntimeError):
            db_session(read_only=False)


def test_a_post_can_commit_early_and_write_again_in_a_new_transaction(
    file_db: FileDatabase,
) -> None:
    outside: list[int] = []

    def view(session: Any) -> None:
        increment(session)
        session.commit()
        # The lock is free during the slow part: another request writes meanwhile.
        other = Thread(lambda: file_db.run("POST", increment))
        other.start()
        other.finish()
        outside.append(file_db.value())
        increment(session)  # a new IMMEDIATE transaction, seeing the other write

    file_db.run("POST", view)
    assert outside == [2]
    assert file_db.value() == 3


def test_end_read_frees_the_lock_for_slow_work_after_a_read(file_db: FileDatabase) -> None:
    during: list[int] = []

    def view(session: Any) -> None:
        read(session)  # a POST's first query took the write lock
        end_read(session)
        other = Thread(lambda: file_db.run("POST", increment))
        other.start()
        other.finish()  # "database is locked" here if end_read kept the transaction
        during.append(read(session))

    file_db.run("POST", view)
    assert during == [1]


def test_end_read_refuses_a_transaction_that_changed_rows(file_db: FileDatabase) -> None:
    counter = sa.table("counter", sa.column("n"))

    def view(session: Any) -> None:
        session.execute(sa.update(counter).values(n=counter.c.n + 1))  # not committed
        with pytest.raises(RuntimeError, match="commit them first"):
            end_read(session)

    file_db.run("POST", view)


def test_another_request_writes_while_an_import_is_checked_and_matched(
    file_db: FileDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.brands import transfer_views
    from tests import factories
    from tests.conftest import TEST_PASSWORD

    with file_db.app.app_context():
        factories.make_user(db_session(), email="creator@example.com")
    client = file_db.app.test_client()
    client.post("/login", data={"email": "creator@example.com", "password": TEST_PASSWORD})
    real_plan, during = transfer_views.plan_import, []

    def plan_while_another_writes(session: Any, owner_id: int, rows: Any) -> Any:
        other = Thread(lambda: file_db.run("POST", increment))
        other.start()
        other.finish()  # "database is locked" here if the import held the write lock
        during.append(file_db.value())
        return real_plan(session, owner_id, rows)

    monkeypatch.setattr(transfer_views, "plan_import", plan_while_another_writes)
    upload = {"file": (io.BytesIO(b"name\nGlow\nNest\n"), "brands.csv")}
    response = client.post("/brands/import", data=upload)
    assert response.status_code == 302
    assert during == [1]


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL runs when CRM_TEST_DATABASE_URL is set (CI sets it)",
)
def test_a_raw_write_in_a_get_fails_on_postgresql_too(database_url: str, tmp_path: Path) -> None:
    app = create_app(app_config(database_url, tmp_path))
    no_op = text("UPDATE users SET display_name = display_name WHERE false")

    def write(session: Any) -> None:
        session.execute(no_op)
        session.commit()

    try:
        get = app.test_request_context("/", method="GET")
        with get, pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            write(db_session())
        with app.test_request_context("/", method="POST"):
            write(db_session())  # the same pooled connection writes again for a POST
    finally:
        app.extensions["crm.db"].engine.dispose()
