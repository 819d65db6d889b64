"""Configuration: defaults, then CRM_* variables, then the test's dict; the local install."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.config import ConfigError


def test_environment_overrides_defaults_and_the_dict_overrides_both(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CRM_PAGE_SIZE", "40")
    monkeypatch.setenv("CRM_LOGIN_MAX_FAILURES_PER_ACCOUNT", "7")
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "LOGIN_MAX_FAILURES_PER_ACCOUNT": 9, "AUTO_MIGRATE": False}
    )
    assert app.config["PAGE_SIZE"] == 40
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 9
    assert app.config["SMTP_TIMEOUT"] == 10


def test_a_malformed_environment_value_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CRM_PAGE_SIZE", "lots")
    with pytest.raises(ConfigError, match="CRM_PAGE_SIZE must be a whole number"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_a_hosted_database_requires_a_secret_key(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/none")
    with pytest.raises(ConfigError, match="CRM_SECRET_KEY is required"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_a_local_install_keeps_a_generated_secret_key(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_first_start_creates_and_migrates_the_sqlite_file(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    database = tmp_path / "instance" / "crm.sqlite3"
    assert app.config["DATABASE_URL"] == f"sqlite:///{database}"
    assert database.exists()
    tables = sa.inspect(sa.create_engine(app.config["DATABASE_URL"])).get_table_names()
    assert {"users", "stats_snapshots", "alembic_version"} <= set(tables)


def test_sqlite_connections_are_hardened(tmp_path) -> None:
    from crm.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_sqlite_begins_a_transaction_before_reads(tmp_path) -> None:
    from crm.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1").scalar()
        # pysqlite alone would still be in autocommit here; our BEGIN opened a transaction.
        assert connection.connection.dbapi_connection.in_transaction
    engine.dispose()


def test_sqlite_rolls_back_everything_of_a_failed_transaction(tmp_path) -> None:
    from crm.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("half-way")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    engine.dispose()


def test_concurrent_read_then_write_transactions_queue_instead_of_failing(tmp_path) -> None:
    import threading

    from crm.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    first_read = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        first_read.wait()
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO t VALUES (2)")
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=second_writer)
    thread.start()
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM t").scalar()
        first_read.set()
        # Give the second writer time to try: with a plain BEGIN it would commit now and our
        # INSERT below would fail on a stale snapshot; with IMMEDIATE it waits for us.
        thread.join(timeout=0.2)
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2
    engine.dispose()


def test_a_database_at_head_is_not_migrated_again(monkeypatch, tmp_path) -> None:
    from crm import database

    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    create_app({"INSTANCE_PATH": str(tmp_path)})
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    assert database.is_at_head(url)
    calls: list[str] = []
    monkeypatch.setattr(database, "upgrade", lambda url, revision="head": calls.append(url))
    create_app({"INSTANCE_PATH": str(tmp_path)})
    assert calls == []
    database.downgrade(url, "0006")
    assert not database.is_at_head(url)
    create_app({"INSTANCE_PATH": str(tmp_path)})
    assert calls == [url]


def test_every_setting_the_app_reads_is_a_default_with_its_environment_variable() -> None:
    """A setting read as config["X"] or config.get("X", fallback) is in crm.config.DEFAULTS
    (so CRM_X sets it and the default is in one place), unless Flask or Flask-WTF owns it."""
    import re
    from pathlib import Path

    from flask import Flask

    import crm
    from crm.config import DEFAULTS, from_environment

    read = re.compile(r"""config(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""")
    keys = {
        key
        for path in Path(crm.__file__).parent.rglob("*.py")
        for key in read.findall(path.read_text(encoding="utf-8"))
    }
    theirs = set(Flask.default_config) | {"WTF_CSRF_FIELD_NAME"}
    assert "APPROVAL_POSTS_MAX_PER_LINK" in keys  # the scan sees the reads
    assert sorted(keys - set(DEFAULTS) - theirs) == []
    assert from_environment({"CRM_APPROVAL_POSTS_MAX_PER_LINK": "7"}) == {
        "APPROVAL_POSTS_MAX_PER_LINK": 7
    }
