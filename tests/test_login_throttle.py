"""Login throttling: counted first and atomically, per account and address, in SQL or Redis."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlalchemy.orm import sessionmaker

from crm import database
from crm.accounts import passwords, services
from crm.accounts.models import ThrottleCount
from crm.accounts.throttle import DatabaseCounter, Limits, RedisCounter, Throttle
from crm.database import make_engine
from tests.factories import TEST_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/3"  # this suite's own Redis database


def _fail(client, email: str, times: int, address: str = "203.0.113.7") -> None:
    for _ in range(times):
        client.post(
            "/login",
            data={"email": email, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": address},
        )


def _login(client, email: str, address: str = "203.0.113.7"):
    return client.post(
        "/login",
        data={"email": email, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_account_locks_for_the_guessing_address_even_with_the_right_password(
    client, user
) -> None:
    _fail(client, user.email, 5)
    response = _login(client, user.email)
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.data


def test_guesses_from_one_address_do_not_lock_the_owner_out_elsewhere(client, user) -> None:
    _fail(client, user.email, 5, address="203.0.113.7")
    assert _login(client, user.email, address="203.0.113.7").status_code == 429
    assert _login(client, user.email, address="198.51.100.1").status_code == 302


def test_guesses_spread_over_many_addresses_hit_the_account_backstop(make_app, user) -> None:
    client = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=6).test_client()
    for n in range(6):
        _fail(client, user.email, 1, address=f"192.0.2.{n + 1}")
    assert _login(client, user.email, address="198.51.100.1").status_code == 429


def test_a_reset_link_clears_the_account_backstop(make_app, user, session) -> None:
    from crm.accounts.resets import start_password_reset

    client = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=6).test_client()
    for n in range(6):
        _fail(client, user.email, 1, address=f"192.0.2.{n + 1}")
    token = start_password_reset(session, user, database.utcnow())
    session.commit()
    new = "a-brand-new-passphrase"
    response = client.post(f"/password/reset/{token}", data={"password": new, "confirm": new})
    assert response.status_code == 302
    response = client.post("/login", data={"email": user.email, "password": new})
    assert response.status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_owner_in(client, user) -> None:
    _fail(client, user.email, 4)
    assert _login(client, user.email).status_code == 302


def test_an_address_locks_after_failures_across_many_accounts(make_app, user) -> None:
    client = make_app(LOGIN_MAX_FAILURES_PER_ADDRESS=6).test_client()
    for n in range(6):
        _fail(client, f"guess{n}@example.com", 1)
    assert _login(client, user.email).status_code == 429
    assert _login(client, user.email, address="198.51.100.9").status_code == 302


def test_the_count_is_shared_between_processes(make_app, user) -> None:
    # Two app instances stand for two gunicorn workers: one database, one count.
    first, second = make_app().test_client(), make_app().test_client()
    _fail(first, user.email, 3)
    _fail(second, user.email, 2)
    assert _login(first, user.email).status_code == 429


def test_failures_expire_with_the_window(client, user, monkeypatch) -> None:
    _fail(client, user.email, 5)
    assert _login(client, user.email).status_code == 429
    later = database.utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    assert _login(client, user.email).status_code == 302


def test_a_refused_attempt_checks_no_password(client, user, monkeypatch) -> None:
    _fail(client, user.email, 5)
    checks: list[str] = []
    monkeypatch.setattr(services, "verify_password", lambda *a: checks.append("x") or True)
    assert _login(client, user.email).status_code == 429
    assert checks == []


def test_a_successful_login_forgives_its_own_attempt(app) -> None:
    counter = DatabaseCounter(app.extensions["crm.db"].sessionmaker, timedelta(minutes=15))
    throttle = Throttle(counter, Limits(per_account_and_address=3))
    for _ in range(2):
        throttle.login_attempt("a@example.com", "1.2.3.4")
    throttle.login_succeeded("a@example.com", "1.2.3.4")
    assert counter.hit(["login:pair:a@example.com|1.2.3.4", "login:address:1.2.3.4"]) == [1, 2]


# The race: many workers guessing at once must get exactly the limit of password checks.


def _hammer(throttle: Throttle, sessions, monkeypatch, attempts: int = 50) -> int:
    """Run `attempts` wrong logins at once, each thread on its own session; count checks."""
    checked: list[int] = []
    lock = threading.Lock()
    real_verify = passwords.verify_password

    def counting_verify(*args):
        with lock:
            checked.append(1)
        # The real hash takes a while (the tests use a fast profile): that window is where
        # check-then-count let parallel guesses through, so it is kept open here.
        time.sleep(0.02)
        return real_verify(*args)

    monkeypatch.setattr(services, "verify_password", counting_verify)
    start = threading.Barrier(attempts)
    email = f"{uuid.uuid4().hex}@example.com"

    def attempt() -> None:
        start.wait()
        with sessions() as session, contextlib.suppress(services.AccountError):
            services.authenticate(session, throttle, email, "wrong-guess", "192.0.2.99", "fast")

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(checked)


@pytest.fixture
def own_engine(database_url: str) -> Iterator[sessionmaker]:
    """Real connections to the test database (a SQLite file or PostgreSQL), not the
    rolled-back test connection: every thread commits its count like a worker does."""
    engine = make_engine(database_url, pool_size=60, max_overflow=0)
    yield sessionmaker(engine, expire_on_commit=False)
    with engine.begin() as connection:
        connection.execute(delete(ThrottleCount))
    engine.dispose()


def test_parallel_wrong_logins_get_only_the_limit_of_checks_in_the_database(
    own_engine, monkeypatch
) -> None:
    throttle = Throttle(DatabaseCounter(own_engine, timedelta(minutes=15)), Limits())
    assert _hammer(throttle, own_engine, monkeypatch) == 5


@pytest.fixture
def redis_client() -> Iterator[object]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"crm-h-accounts:{uuid.uuid4().hex}:"
    client.test_prefix = prefix  # type: ignore[attr-defined]
    yield client
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


def test_parallel_wrong_logins_get_only_the_limit_of_checks_in_redis(
    redis_client, own_engine, monkeypatch
) -> None:
    counter = RedisCounter(redis_client, timedelta(minutes=15), prefix=redis_client.test_prefix)
    assert _hammer(Throttle(counter, Limits()), own_engine, monkeypatch) == 5


def test_redis_counts_when_configured(make_app, user, redis_client) -> None:
    first = make_app(REDIS_URL=REDIS_URL).test_client()
    second = make_app(REDIS_URL=REDIS_URL).test_client()
    address = f"192.0.2.{uuid.uuid4().int % 200 + 1}"
    try:
        _fail(first, user.email, 3, address=address)
        _fail(second, user.email, 2, address=address)
        key = f"crm:throttle:login:pair:{user.email}|{address}"
        assert int(redis_client.get(key)) == 5
        assert 0 < redis_client.ttl(key) <= 15 * 60
        assert _login(first, user.email, address=address).status_code == 429
    finally:
        for key in redis_client.scan_iter(match=f"crm:throttle:*{user.email}*"):
            redis_client.delete(key)
        redis_client.delete(f"crm:throttle:login:address:{address}")


def test_an_unreachable_redis_gives_a_clear_503_and_a_log_line(make_app, user, caplog) -> None:
    # Port 5639 is this suite's own and has no server: connecting is refused at once.
    client = make_app(REDIS_URL="redis://127.0.0.1:5639/0").test_client()
    with caplog.at_level(logging.ERROR):
        response = _login(client, user.email)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert b"Try again in a minute" in response.data
    assert any("Throttle counter unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/register", {"email": "n@example.com", "password": "x" * 12, "confirm": "x" * 12}),
        ("/password/reset", {"email": "n@example.com"}),
    ],
)
def test_every_counted_page_survives_an_unreachable_redis(make_app, path, data) -> None:
    client = make_app(REDIS_URL="redis://127.0.0.1:5639/0").test_client()
    assert client.post(path, data=data).status_code == 503


def test_no_sqlite_lock_is_held_while_the_password_is_checked(
    own_engine, database_url, monkeypatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    import sqlite3

    path = database_url.removeprefix("sqlite:///")
    free: list[bool] = []

    def verify_while_another_writer_tries(*args) -> bool:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if anyone holds the write lock
            other.execute("ROLLBACK")
            free.append(True)
        except sqlite3.OperationalError:
            free.append(False)
        finally:
            other.close()
        return False

    monkeypatch.setattr(services, "verify_password", verify_while_another_writer_tries)
    throttle = Throttle(DatabaseCounter(own_engine, timedelta(minutes=15)), Limits())
    with own_engine() as session, contextlib.suppress(services.AccountError):
        services.find_user_by_email(session, "x@example.com")  # a read left open
        services.authenticate(session, throttle, "x@example.com", "guess", "192.0.2.7", "fast")
    assert free == [True]


def test_rows_of_finished_windows_are_pruned(app, session, monkeypatch) -> None:
    from sqlalchemy import select

    from crm.accounts import throttle as throttle_module

    counter = DatabaseCounter(app.extensions["crm.db"].sessionmaker, timedelta(minutes=15))
    counter.hit(["login:address:192.0.2.1"])
    later = database.utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    monkeypatch.setattr(throttle_module, "PRUNE_ONE_IN", 1)
    assert counter.hit(["login:address:192.0.2.2"]) == [1]
    assert session.scalars(select(ThrottleCount.key)).all() == ["login:address:192.0.2.2"]


def test_the_short_windows_prune_leaves_the_day_counters_rows(app, session, monkeypatch) -> None:
    from sqlalchemy import select

    from crm.accounts import throttle as throttle_module

    sessions = app.extensions["crm.db"].sessionmaker
    daily = DatabaseCounter(sessions, throttle_module.DAY, namespace=throttle_module.DAY_NAMESPACE)
    daily.hit(["inquiry:email:a@example.com"])
    later = database.utcnow() + timedelta(hours=1)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    monkeypatch.setattr(throttle_module, "PRUNE_ONE_IN", 1)
    DatabaseCounter(sessions, timedelta(minutes=15)).hit(["login:address:192.0.2.2"])
    assert daily.hit(["inquiry:email:a@example.com"]) == [2]
    keys = session.scalars(select(ThrottleCount.key).order_by(ThrottleCount.key)).all()
    assert keys == ["day:inquiry:email:a@example.com", "login:address:192.0.2.2"]


def _reset_clears_every_login_count_of_the_account(counter) -> None:
    throttle = Throttle(counter, Limits(per_account_and_address=1))
    for address in ("192.0.2.1", "192.0.2.2"):
        throttle.login_attempt("A@example.com", address)
        assert not throttle.login_attempt("a@example.com", address)
    throttle.login_attempt("other@example.com", "192.0.2.1")
    throttle.clear_account("a@example.com", 7)
    assert throttle.login_attempt("a@example.com", "192.0.2.1")
    assert not throttle.login_attempt("other@example.com", "192.0.2.1")


def test_a_reset_clears_every_login_count_of_the_account_in_redis(redis_client) -> None:
    counter = RedisCounter(redis_client, timedelta(minutes=15), prefix=redis_client.test_prefix)
    _reset_clears_every_login_count_of_the_account(counter)


def test_a_reset_clears_every_login_count_of_the_account_in_the_database(app) -> None:
    counter = DatabaseCounter(app.extensions["crm.db"].sessionmaker, timedelta(minutes=15))
    _reset_clears_every_login_count_of_the_account(counter)


def test_a_count_while_the_request_holds_a_transaction_fails_the_tests_and_is_logged_live(
    app, session, user, caplog
) -> None:
    """On SQLite such a count waits on the request's own lock until it gives up; the tests
    share one connection and would not wait, so there it raises."""
    from crm.accounts import login
    from crm.database import db_session

    with app.test_request_context("/kit/x/inquire", method="POST"):
        db_session().execute(sa_select(1))  # a read begins the request's transaction
        with pytest.raises(RuntimeError, match="began a transaction"):
            login._holds_no_transaction()
        app.testing = False
        try:
            login._holds_no_transaction()
        finally:
            app.testing = True
    assert "began a transaction before a throttle count on POST /kit/x/inquire" in caplog.text
