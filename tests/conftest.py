"""Test set-up: the schema built once by Alembic, each test in a transaction rolled back."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy.orm import Session, sessionmaker

from crm import create_app
from crm.database import make_engine, upgrade
from tests import factories

TEST_PASSWORD = factories.TEST_PASSWORD

# Property tests check what the code does, not how fast: on a shared CI machine an example
# may take longer than Hypothesis's 200 ms deadline, which would fail a test that is right.
settings.register_profile("crm", deadline=None)
settings.load_profile("crm")


def reset_postgres(url: str) -> None:
    """Empty the test database's public schema (it belongs to the test run)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("CRM_TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def app_config(database_url: str, tmp_path: Any, **overrides: Any) -> dict[str, Any]:
    """The config every test app starts from."""
    config = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "AUTO_MIGRATE": False,
        "PASSWORD_HASH_PROFILE": "fast",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "REDIS_URL": "",
        "SMTP_URL": "",
        # A hosted install with mail must name its address (links in account emails).
        "BASE_URL": "http://crm.test",
    }
    config.update(overrides)
    return config


def bind_to(app: Flask, connection: sa.Connection) -> Flask:
    """Make every session of `app` a savepoint inside the test's transaction."""
    app.extensions["crm.db"].sessionmaker = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return app


@pytest.fixture
def make_app(database_url: str, connection: sa.Connection, tmp_path: Any):
    """Build an app with config overrides, bound to the test's transaction."""

    def build(**overrides: Any) -> Flask:
        return bind_to(create_app(app_config(database_url, tmp_path, **overrides)), connection)

    return build


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session in the test's transaction, outside any request."""
    s = app.extensions["crm.db"].sessionmaker()
    yield s
    s.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def user(session: Session):
    return factories.make_user(session, email="creator@example.com")


@pytest.fixture
def other_user(session: Session):
    return factories.make_user(session, email="someone-else@example.com")


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str = "creator@example.com", password: str = TEST_PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def logged_in(client: FlaskClient, auth: Auth, user) -> FlaskClient:
    """A client logged in as `user`."""
    response = auth.login(user.email)
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def count_queries(connection: sa.Connection):
    """Count SQL statements run on the test connection inside a `with` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
                statements.append(statement)

        sa.event.listen(connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(connection, "before_cursor_execute", record)

    return counting


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, then (with CRM_TEST_DATABASE_URL) a
    scratch PostgreSQL database on the test server, dropped afterwards. For migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    base_url = os.environ.get("CRM_TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        pytest.skip("PostgreSQL runs when CRM_TEST_DATABASE_URL is set (CI sets it)")
    name = f"crm_scratch_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
