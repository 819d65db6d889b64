"""Login throttling per account and per address, counted where every process sees it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from crm.accounts import throttle as throttle_module
from crm.accounts.throttle import DatabaseCounter, LoginThrottle, RedisCounter
from tests.factories import TEST_PASSWORD


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


def test_an_account_locks_after_its_failures_even_with_the_right_password(client, user) -> None:
    _fail(client, user.email, 5)
    response = _login(client, user.email, address="198.51.100.1")
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.data


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
    later = throttle_module.utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(throttle_module, "utcnow", lambda: later)
    assert _login(client, user.email).status_code == 302


def test_a_successful_login_clears_the_account_count(session) -> None:
    counter = DatabaseCounter(session, timedelta(minutes=15))
    throttle = LoginThrottle(counter, max_per_account=3, max_per_address=100)
    throttle.failed("a@example.com", "1.2.3.4")
    throttle.failed("a@example.com", "1.2.3.4")
    throttle.succeeded("a@example.com")
    assert counter.count(LoginThrottle.account_key("a@example.com")) == 0
    assert counter.count(LoginThrottle.address_key("1.2.3.4")) == 2


@pytest.fixture
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


def test_redis_counts_when_configured(make_app, user, redis_url) -> None:
    import redis

    prefix_email = f"{uuid.uuid4().hex}@example.com"
    first = make_app(REDIS_URL=redis_url).test_client()
    second = make_app(REDIS_URL=redis_url).test_client()
    client_redis = redis.Redis.from_url(redis_url)
    try:
        _fail(first, prefix_email, 3, address="192.0.2.50")
        _fail(second, prefix_email, 2, address="192.0.2.50")
        key = "crm:login:" + LoginThrottle.account_key(prefix_email)
        assert int(client_redis.get(key)) == 5
        assert 0 < client_redis.ttl(key) <= 15 * 60
    finally:
        client_redis.delete(
            "crm:login:" + LoginThrottle.account_key(prefix_email),
            "crm:login:" + LoginThrottle.address_key("192.0.2.50"),
        )


def test_redis_counter_locks_the_login(make_app, user, redis_url) -> None:
    import redis

    client = make_app(REDIS_URL=redis_url).test_client()
    counter = RedisCounter(redis.Redis.from_url(redis_url), timedelta(minutes=15))
    try:
        _fail(client, user.email, 5, address="192.0.2.51")
        assert _login(client, user.email, address="192.0.2.52").status_code == 429
    finally:
        counter.clear(LoginThrottle.account_key(user.email))
        counter.clear(LoginThrottle.address_key("192.0.2.51"))
        counter.clear(LoginThrottle.address_key("192.0.2.52"))
