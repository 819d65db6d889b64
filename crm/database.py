"""The database: declarative base, engine set-up, one session per request, migrations."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from crm.paths import data_dir

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the one clock tests can move)."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use crm.database.utcnow()")
        value = value.astimezone(UTC)
        # SQLite keeps no offset; store naive UTC and restore it on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(kind: type[enum.StrEnum], name: str) -> sa.Enum:
    """A string column holding `kind`'s values, checked by a named CHECK constraint."""
    return sa.Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL, a busy timeout and real BEGINs."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, **kwargs)
        _harden_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _harden_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # BEGIN before reads too, so a read-then-write is one transaction. IMMEDIATE takes
        # the write lock up front: two requests at once (a double submit) queue behind the
        # busy timeout instead of failing with "database is locked" when the later one
        # tries to write on a stale snapshot.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The app's engine and session factory, created on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        if self._sessionmaker is None:
            self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        return self._sessionmaker

    @sessionmaker.setter
    def sessionmaker(self, factory: sessionmaker[Session]) -> None:
        self._sessionmaker = factory


def init_app(app: Flask) -> None:
    """Attach the database to the app and close the request's session at teardown."""
    app.extensions["crm.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The session of the current app context (one per request)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["crm.db"].sessionmaker()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic config for `url`, pointing at the packaged migrations."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(data_dir("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`."""
    command.upgrade(alembic_config(url), revision)


def is_at_head(url: str) -> bool:
    """True when the database at `url` already has the newest migration (a cheap check)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    finally:
        engine.dispose()


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at `url` down to `revision`."""
    command.downgrade(alembic_config(url), revision)
