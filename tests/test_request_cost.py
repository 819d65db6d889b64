"""What a request costs besides its page: no Alembic, no ping, no hash in a transaction."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from crm import create_app, database
from crm.accounts import passwords
from crm.database import SlowWorkInTransaction, db_session, end_read
from tests.conftest import TEST_PASSWORD, app_config

on_postgres = pytest.mark.skipif(
    not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL runs when CRM_TEST_DATABASE_URL is set",
)

# Alembic is not imported to serve pages


def test_serving_pages_imports_no_alembic(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    database.upgrade(url)
    # A laptop install (migrate on start) checks the schema is current, without Alembic.
    script = textwrap.dedent(
        f"""
        import sys
        from crm import create_app

        app = create_app({{
            "DATABASE_URL": {url!r}, "SECRET_KEY": "k", "AUTO_MIGRATE": True,
            "INSTANCE_PATH": {str(tmp_path)!r}, "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "fast",
        }})
        client = app.test_client()
        password = "a-long-fresh-passphrase"
        form = {{"email": "a@example.com", "password": password, "confirm": password}}
        assert client.post("/register", data=form).status_code == 302
        for path in ("/dashboard", "/brands/", "/pitches/board", "/stats/"):
            assert client.get(path).status_code == 200, path
        print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_heads_read_from_the_files_are_alembics(database_url) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(database.alembic_config(database_url))
    assert database.migration_heads() == set(script.get_heads())


# The pool: no ping per checkout; a dropped connection costs one request at most


def test_the_pool_does_not_ping_on_checkout() -> None:
    engine = database.make_engine(
        "postgresql+psycopg://postgres@127.0.0.1:1/none", database.Timeouts()
    )
    assert engine.pool._pre_ping is False
    assert engine.pool._recycle == database.POOL_RECYCLE_SECONDS


@on_postgres
def test_the_app_recovers_when_pooled_connections_are_terminated(database_url, tmp_path) -> None:
    app = create_app(app_config(database_url, tmp_path))
    engine = app.extensions["crm.db"].engine
    client = app.test_client()
    page = "/password/reset/not-a-real-token"  # a page that queries, with no login
    try:
        assert client.get(page).status_code == 200
        held = [engine.connect() for _ in range(3)]  # three connections into the pool
        pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in held]
        for connection in held:
            connection.close()
        admin = database.make_engine(database_url)
        with admin.begin() as connection:
            for pid in pids:
                connection.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        admin.dispose()
        statuses = [client.get(page).status_code for _ in range(4)]
    finally:
        engine.dispose()
    # The first request may meet a dead connection (the 503 page); that discards the whole
    # pool, so the other two dead connections fail nobody.
    assert statuses[0] in (200, 503)
    assert statuses[1:] == [200, 200, 200]


# No password hash inside a database transaction


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_hash_while_a_transaction_is_open_is_refused(app, method) -> None:
    with app.test_request_context("/", method=method):
        session = db_session()
        session.execute(sa.select(1))
        with pytest.raises(SlowWorkInTransaction):
            passwords.hash_password("a-long-fresh-passphrase", "fast")
        with pytest.raises(SlowWorkInTransaction):
            passwords.verify_password(None, "a-long-fresh-passphrase", "fast")
        end_read(session)
        assert passwords.verify_password(
            passwords.hash_password("a-long-fresh-passphrase", "fast"),
            "a-long-fresh-passphrase",
            "fast",
        )


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every hash or verification run, each one past the no-transaction check."""
    ran: list[str] = []
    real = passwords.refuse_open_transaction

    def checked(work: str) -> None:
        real(work)
        ran.append(work)

    monkeypatch.setattr(passwords, "refuse_open_transaction", checked)
    return ran


def test_login_hashes_outside_a_transaction(client, user, hashes) -> None:
    form = {"email": user.email, "password": TEST_PASSWORD}
    assert client.post("/login", data=form).status_code == 302
    assert hashes


def test_a_login_for_no_account_hashes_outside_a_transaction(client, hashes) -> None:
    form = {"email": "nobody@example.com", "password": TEST_PASSWORD}
    assert client.post("/login", data=form).status_code == 200
    assert hashes


def test_register_hashes_outside_a_transaction(client, hashes) -> None:
    password = "a-long-fresh-passphrase"
    form = {"email": "new@example.com", "password": password, "confirm": password}
    assert client.post("/register", data=form).status_code == 302
    assert hashes


def test_a_password_change_hashes_outside_a_transaction(logged_in, hashes) -> None:
    new = "a-brand-new-password"
    form = {"current_password": TEST_PASSWORD, "new_password": new, "confirm": new}
    assert logged_in.post("/account/password", data=form).status_code == 302
    assert len(hashes) == 2  # the check of the current one, the hash of the new one


def test_a_reset_hashes_outside_a_transaction(client, session, user, hashes) -> None:
    from crm.accounts.resets import start_password_reset

    token = start_password_reset(session, user, database.utcnow())
    session.commit()
    password = "a-long-fresh-passphrase"
    form = {"password": password, "confirm": password}
    assert client.post(f"/password/reset/{token}", data=form).status_code == 302
    assert hashes


def test_the_user_command_hashes_outside_a_transaction(runner, hashes) -> None:
    args = ["user", "create", "cli@example.com", "--password-stdin"]
    assert runner.invoke(args=args, input="a-long-password\n").exit_code == 0
    assert hashes


def test_the_demo_hashes_outside_a_transaction(runner, hashes) -> None:
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    assert hashes


# At most PASSWORD_HASHES_AT_ONCE hashes at once per process


class HeldHasher:
    """A stand-in hasher whose hashes wait at a gate, counting how many run at once."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.lock = threading.Lock()
        self.running = self.most = 0

    def hash(self, password: str) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.entered.release()
        assert self.gate.wait(timeout=60)
        with self.lock:
            self.running -= 1
        return "hashed"


@pytest.fixture
def held(monkeypatch) -> HeldHasher:
    fake = HeldHasher()
    monkeypatch.setattr(passwords, "hasher", lambda profile="owasp": fake)
    return fake


def _hash_in_thread(app: Flask, outcomes: list[object]) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
                outcomes.append(passwords.hash_password("a-long-fresh-passphrase", "fast"))
            except passwords.HashersBusy as error:
                outcomes.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def threads() -> Iterator[list[threading.Thread]]:
    started: list[threading.Thread] = []
    yield started
    for thread in started:
        thread.join(timeout=60)


def test_hashes_past_the_cap_wait_for_a_slot(make_app, held, threads) -> None:
    app = make_app(PASSWORD_HASHES_AT_ONCE=2, PASSWORD_HASH_WAIT_SECONDS=60)
    outcomes: list[object] = []
    threads.extend(_hash_in_thread(app, outcomes) for _ in range(6))
    for _ in range(2):
        assert held.entered.acquire(timeout=60)  # two are hashing; four wait their turn
    held.gate.set()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["hashed"] * 6
    assert held.most == 2


def test_a_hash_past_the_cap_gives_up_after_the_wait(make_app, held, threads) -> None:
    app = make_app(PASSWORD_HASHES_AT_ONCE=2, PASSWORD_HASH_WAIT_SECONDS=0)
    outcomes: list[object] = []
    threads.extend(_hash_in_thread(app, outcomes) for _ in range(2))
    for _ in range(2):
        assert held.entered.acquire(timeout=60)
    late: list[object] = []
    _hash_in_thread(app, late).join(timeout=60)
    assert len(late) == 1 and isinstance(late[0], passwords.HashersBusy)
    held.gate.set()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["hashed", "hashed"]
    _hash_in_thread(app, late).join(timeout=60)  # slots free again
    assert late[1] == "hashed"


def test_a_login_when_every_slot_is_taken_says_try_again_in_a_moment(make_app, user) -> None:
    app = make_app(PASSWORD_HASHES_AT_ONCE=1, PASSWORD_HASH_WAIT_SECONDS=0)
    slots = threading.BoundedSemaphore(1)
    app.extensions["crm.hash_slots"] = slots
    assert slots.acquire(blocking=False)  # another login is hashing
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Try again in a moment" in response.get_data(as_text=True)
    slots.release()
    response = app.test_client().post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
