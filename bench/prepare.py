"""A filled database per size: built once, then reused while the schema and the fill agree.

SQLite files are cached in the temp folder under a key made of the size, the migration
head (and a hash of the migration files) and FILL_VERSION; PostgreSQL databases carry the
same key in their COMMENT. A mismatch, or `--fresh`, empties and refills.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from bench import fill, tables
from crm import create_app
from crm.database import alembic_config, make_engine, upgrade
from crm.market.current import app_market

# Bump when the fill changes what it writes: cached databases are then refilled.
FILL_VERSION = 7
CACHE = Path(tempfile.gettempdir()) / "crm-bench"
SECRET_KEY = "bench-secret-key"  # noqa: S105 (signs the scratch sessions of the benchmark)


def schema_key(url: str) -> str:
    """The migration head plus a hash of every migration file: a changed schema refills."""
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    digest = hashlib.sha256()
    for path in sorted(Path(script.versions).glob("*.py")):
        digest.update(path.read_bytes())
    heads = "+".join(sorted(script.get_heads()))
    return f"{heads}-{digest.hexdigest()[:10]}"


def label(size: int) -> str:
    """100000 -> '100k' (database and file names)."""
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def app_for(url: str, instance: Path):
    """The app the benchmark measures: production settings, a known secret, no auto-migrate."""
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "AUTO_MIGRATE": False,
            "INSTANCE_PATH": str(instance),
            "REDIS_URL": "",
            "SMTP_URL": "",
        }
    )


def sqlite_url(size: int, others: int, key: str, folder: Path | None = None) -> str:
    folder = folder or CACHE
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'bench-{label(size)}-o{others}-{key}-v{FILL_VERSION}.sqlite3'}"


def _stored_key(url: str) -> str | None:
    """The fill key a database was filled with (None: empty or not ours)."""
    if url.startswith("sqlite"):
        marker = Path(sa.make_url(url).database + ".json")
        return marker.read_text() if marker.exists() else None
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                sa.text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                    " WHERE datname = current_database()"
                )
            )
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()


def _store_key(url: str, key: str) -> None:
    if url.startswith("sqlite"):
        Path(sa.make_url(url).database + ".json").write_text(key)
        return
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = connection.scalar(sa.text("SELECT current_database()"))
        quoted = key.replace("'", "''")
        connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{quoted}'")
    engine.dispose()


def _empty(url: str) -> None:
    """A new SQLite file, or the PostgreSQL database created if missing and emptied."""
    parsed = sa.make_url(url)
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm", ".json"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    if "bench" not in (parsed.database or ""):
        raise SystemExit(
            f"refusing to empty {parsed.database!r}: a bench database's name has 'bench'"
        )
    server = make_engine(
        parsed.set(database="postgres").render_as_string(False), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    server.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _analyze(url: str) -> None:
    if url.startswith("sqlite"):
        # Plain sqlite3: the app's engine wraps every statement in BEGIN, and a checkpoint
        # (the cached file then holds everything) cannot run inside one.
        connection = sqlite3.connect(sa.make_url(url).database, isolation_level=None)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        return
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        # VACUUM too: index-only scans need the visibility map a live database has.
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def _fast_sqlite(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")
    dbapi_connection.execute("PRAGMA cache_size=-262144")
    dbapi_connection.execute("PRAGMA temp_store=MEMORY")


def prepare(url: str, size: int, others: int, fresh: bool, log=print) -> fill.Filled:
    """The database at `url` filled for `size` (reused when its key matches)."""
    key = f"crm-bench size={size} others={others} schema={schema_key(url)} fill={FILL_VERSION}"
    stored = None if fresh else _stored_key(url)
    if stored and stored.startswith(key + " "):
        return fill.Filled(**json.loads(stored[len(key) + 1 :]))
    started = time.perf_counter()
    try:
        _empty(url)
    except sa.exc.OperationalError as error:
        where = sa.make_url(url).render_as_string()
        raise SystemExit(
            f"cannot reach {where} ({error.orig}); --databases sqlite skips it"
        ) from None
    upgrade(url)
    migrated = time.perf_counter()
    categories = [key for key, _label in app_market(app_for(url, CACHE)).category_choices()]
    engine = make_engine(url)
    if url.startswith("sqlite"):
        # A scratch file: no fsync per commit, a big page cache while the indexes grow.
        sa.event.listen(engine, "connect", _fast_sqlite)
    facts = None
    with Session(engine) as session:
        people = fill.creators(size, others)
        owners = [
            fill.create_user(session, who.email, "Maya Lopez" if n == 0 else f"Creator {n}")
            for n, who in enumerate(people)
        ]
        connection = session.connection()
        with tables.indexes_built_after(connection):
            for n, (owner_id, who) in enumerate(zip(owners, people, strict=True)):
                filled = fill.fill_creator(connection, owner_id, who, seed=n, categories=categories)
                facts = facts or filled
        tables.finish(connection)
        session.commit()
    engine.dispose()
    inserted = time.perf_counter()
    _analyze(url)
    assert facts is not None
    _store_key(url, f"{key} {json.dumps(asdict(facts))}")
    log(
        f"filled {label(size)} on {url.split(':')[0].split('+')[0]} in "
        f"{time.perf_counter() - started:.1f} s (migrations {migrated - started:.1f} s, "
        f"rows {inserted - migrated:.1f} s, analyze {time.perf_counter() - inserted:.1f} s)"
    )
    return facts
