"""The database: declarative base, engine set-up, one session per request, migrations."""

from __future__ import annotations

import ast
import enum
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, sessionmaker

from crm.config import DEFAULTS
from crm.paths import data_dir

if TYPE_CHECKING:  # Alembic is imported only to migrate: no page needs it.
    from alembic.config import Config as AlembicConfig

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


# Execution option on the engine a read session is bound to; the "begin" listener reads it.
READ_ONLY = "crm_read_only"
# Requests that only read: their transactions take no write lock (and must not write).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Timeouts:
    """How long PostgreSQL may take before a request gives up (0 means no limit)."""

    connect_seconds: int = DEFAULTS["DATABASE_CONNECT_TIMEOUT"]
    statement_ms: int = DEFAULTS["DATABASE_STATEMENT_TIMEOUT_MS"]
    pool_seconds: int = DEFAULTS["DATABASE_POOL_TIMEOUT"]


# Below the idle cut-off of the usual proxies and firewalls (often an hour).
POOL_RECYCLE_SECONDS = 30 * 60


class WriteInReadTransaction(RuntimeError):
    """A read-only session (a GET request) tried to write: make the route a POST."""


class SlowWorkInTransaction(RuntimeError):
    """Slow work (a password hash) ran while a session held a transaction: end it first."""


def make_engine(url: str, timeouts: Timeouts | None = None, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and real BEGINs, PostgreSQL timeouts.

    Without `timeouts` (migrations, scripts) nothing is cut short: a migration that
    rewrites a large table may rightly run for minutes. The app passes its settings.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, **kwargs)
        _harden_sqlite(engine)
        return engine
    timeouts = timeouts or Timeouts(connect_seconds=0, statement_ms=0, pool_seconds=0)
    connect_args: dict[str, Any] = {}
    if timeouts.connect_seconds:
        connect_args["connect_timeout"] = timeouts.connect_seconds
    if timeouts.statement_ms:
        # Lock waits count too: a row held by a stuck session ends in a clean error.
        connect_args["options"] = f"-c statement_timeout={timeouts.statement_ms}"
    kwargs.setdefault("connect_args", connect_args)
    if timeouts.pool_seconds:
        kwargs.setdefault("pool_timeout", timeouts.pool_seconds)
    # No ping on every checkout (a round trip per request). A connection the server or a
    # firewall dropped fails its first statement; SQLAlchemy sees a disconnect, discards
    # every pooled connection opened before it, and that one request gets the 503 page:
    # the next one connects afresh. Recycling old connections keeps that rare.
    kwargs.setdefault("pool_recycle", POOL_RECYCLE_SECONDS)
    return sa.create_engine(url, **kwargs)


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
        # A real BEGIN before reads too, so a read-then-write is one transaction.
        if connection.get_execution_options().get(READ_ONLY):
            # Deferred: with WAL, readers neither wait for the writer nor block it.
            # query_only makes a stray write fail at once instead of taking the lock.
            connection.exec_driver_sql("PRAGMA query_only=ON")
            connection.exec_driver_sql("BEGIN")
        else:
            # IMMEDIATE takes the write lock up front: two writers (a double submit) queue
            # behind the busy timeout instead of one failing with "database is locked"
            # when it tries to write on a stale snapshot.
            connection.exec_driver_sql("PRAGMA query_only=OFF")
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Session, "before_flush")
def _refuse_flush_in_read(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise WriteInReadTransaction("a GET request changed rows; only POST views may write")


@event.listens_for(Session, "do_orm_execute")
def _refuse_dml_in_read(state: ORMExecuteState) -> None:
    writes = state.is_insert or state.is_update or state.is_delete
    if state.session.info.get(READ_ONLY) and writes:
        raise WriteInReadTransaction("a GET request ran an INSERT, UPDATE or DELETE")
    if writes:
        state.session.info[_WROTE] = True  # end_read() must not drop a bulk UPDATE


class Database:
    """The app's engines and session factories, created on first use."""

    def __init__(self, url: str, timeouts: Timeouts | None = None) -> None:
        self.url = url
        self.timeouts = timeouts
        self._engine: Engine | None = None
        self._factories: dict[bool, sessionmaker[Session]] = {}

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url, self.timeouts)
        return self._engine

    def factory(self, read_only: bool) -> sessionmaker[Session]:
        """The session factory for read (deferred) or write (IMMEDIATE) transactions."""
        if read_only not in self._factories:
            bind = self.engine
            if read_only:
                options: dict[str, Any] = {READ_ONLY: True}
                if bind.dialect.name == "postgresql":
                    # BEGIN READ ONLY: PostgreSQL refuses a stray write in a GET, too.
                    options["postgresql_readonly"] = True
                bind = bind.execution_options(**options)
            self._factories[read_only] = sessionmaker(bind, expire_on_commit=False)
        return self._factories[read_only]

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        return self.factory(read_only=False)

    @sessionmaker.setter
    def sessionmaker(self, factory: sessionmaker[Session]) -> None:
        # Tests bind every session to one connection; the write guard still applies.
        self._factories = {False: factory, True: factory}


def init_app(app: Flask) -> None:
    """Attach the database to the app and close the request's session at teardown."""
    timeouts = Timeouts(
        connect_seconds=app.config["DATABASE_CONNECT_TIMEOUT"],
        statement_ms=app.config["DATABASE_STATEMENT_TIMEOUT_MS"],
        pool_seconds=app.config["DATABASE_POOL_TIMEOUT"],
    )
    app.extensions["crm.db"] = Database(app.config["DATABASE_URL"], timeouts)
    app.teardown_appcontext(_close_session)


def db_session(read_only: bool | None = None) -> Session:
    """The session of the current app context (one per request).

    A GET, HEAD or OPTIONS request reads: its transactions begin deferred and may not
    write. Every other request, and code outside a request (CLI, scripts), writes: each
    transaction begins IMMEDIATE on SQLite, holding the write lock until it ends. A POST
    view with slow work commits first (`session.commit()`), does the slow work without
    touching the session, and its next query begins a new short write transaction;
    `end_read(session)` does the same for a transaction that only read.
    """
    if "db_session" not in g:
        if read_only is None:
            read_only = has_request_context() and request.method in READ_METHODS
        factory = current_app.extensions["crm.db"].factory(read_only)
        g.db_session = factory(info={READ_ONLY: read_only})
    elif read_only is not None and g.db_session.info[READ_ONLY] != read_only:
        raise RuntimeError("this app context already has a session of the other kind")
    return g.db_session


_WROTE = "crm.wrote"


def end_read(session: Session) -> None:
    """End a transaction that only read, before slow work (a password hash, a creator's
    template), so no lock is held meanwhile; the next query begins a new transaction.

    A transaction that changed anything must be committed instead: ending it here would
    drop the changes, so that is refused loudly.
    """
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        raise RuntimeError("end_read() on a transaction with changes: commit them first")
    session.rollback()


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


# The app's sessions (a request's, a command's, a side session: made with READ_ONLY in
# their info) of this thread that hold a transaction (a connection in a BEGIN).
_holding = threading.local()


def _sessions_holding() -> weakref.WeakSet[Session]:
    if not hasattr(_holding, "sessions"):
        _holding.sessions = weakref.WeakSet()
    return cast("weakref.WeakSet[Session]", _holding.sessions)


@event.listens_for(Session, "after_begin")
def _note_begin(session: Session, _transaction: Any, _connection: Any) -> None:
    if READ_ONLY in session.info:
        _sessions_holding().add(session)


@event.listens_for(Session, "after_transaction_end")
def _note_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _sessions_holding().discard(session)


def refuse_open_transaction(work: str) -> None:
    """Raise when a session of this thread holds a transaction (call before slow work).

    Held through a password hash, a transaction keeps SQLite's write lock (every other
    writer waits) or a PostgreSQL connection and snapshot for a quarter of a second.
    """
    if any(session.in_transaction() for session in _sessions_holding()):
        raise SlowWorkInTransaction(f"{work} inside a database transaction: end_read() first")


@contextmanager
def read_session() -> Iterator[Session]:
    """A short read-only session beside the request's, closed after the block.

    A POST that reads a lot before it writes (the brands import) commits the request's
    session, reads here with no write lock, then writes in the request's session.
    """
    with _side_session(read_only=True) as session:
        yield session


@contextmanager
def _side_session(read_only: bool) -> Iterator[Session]:
    session = current_app.extensions["crm.db"].factory(read_only)(info={READ_ONLY: read_only})
    try:
        yield session
    finally:
        session.close()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic config for `url`, pointing at the packaged migrations."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(data_dir("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def is_at_head(url: str) -> bool:
    """True when the database at `url` already has the newest migration (a cheap check).

    Read without Alembic (about 200 ms to import, on every `crm` command and laptop start):
    the heads from the migration files' `revision` lines, the current one from its table.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return False
            current = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return set(current.scalars()) == migration_heads()
    finally:
        engine.dispose()


def migration_heads() -> set[str]:
    """The revisions no other migration revises, read from the files without running them."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (data_dir("migrations") / "versions").glob("*.py"):
        found = dict(_module_constants(path, ("revision", "down_revision")))
        revisions.add(found["revision"])
        down = found.get("down_revision")
        revised.update([down] if isinstance(down, str) else down or ())
    return revisions - revised


def _module_constants(path: Path, names: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            yield target.id, ast.literal_eval(value)


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at `url` down to `revision`."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)
