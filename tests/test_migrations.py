"""The schema comes only from Alembic: one head, up from empty, down and up again, no drift."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import crm.models  # noqa: F401  (every table on Base.metadata)
from crm.brands.search import outside_the_models
from crm.database import Base, alembic_config, downgrade, make_engine, upgrade


def test_there_is_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def _drift(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            dialect = connection.dialect.name

            def include_object(_obj, name, _type, _reflected, _compare_to) -> bool:
                return not outside_the_models(name, dialect)

            opts = {"compare_type": True, "include_object": include_object}
            context = MigrationContext.configure(connection, opts=opts)
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        dialect = engine.dialect.name
        names = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if not outside_the_models(name, dialect)}
    finally:
        engine.dispose()


def test_upgrade_from_empty_builds_every_model_table(empty_database: str) -> None:
    upgrade(empty_database)
    assert _tables(empty_database) == set(Base.metadata.tables)


def test_models_match_the_migrations(empty_database: str) -> None:
    upgrade(empty_database)
    assert _drift(empty_database) == []


def test_downgrade_to_base_and_upgrade_again(empty_database: str) -> None:
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
    upgrade(empty_database)
    assert _tables(empty_database) == set(Base.metadata.tables)
    assert _drift(empty_database) == []
