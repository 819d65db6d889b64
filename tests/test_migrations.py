"""The schema comes only from Alembic: one head, up from empty, down and up again, no drift."""

from __future__ import annotations

import warnings

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
            with warnings.catch_warnings():
                # SQLite's reflection (and so Alembic) skips expression indexes:
                # test_expression_indexes_match_the_models compares those.
                warnings.filterwarnings("ignore", r".*expression-based index", sa.exc.SAWarning)
                warnings.filterwarnings("ignore", r".*expression-based index", UserWarning)
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


def _expression_indexes() -> list[sa.Index]:
    return [
        index
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, sa.Column) for e in index.expressions)
    ]


def _index_definition(connection: sa.Connection, name: str) -> str:
    """The database's own text of index `name` (PostgreSQL normalises it; SQLite keeps it)."""
    if connection.dialect.name == "postgresql":
        query = "SELECT pg_get_indexdef(to_regclass(:name))"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    found = connection.execute(sa.text(query), {"name": name}).scalar()
    assert found, f"no index {name}"
    return " ".join(str(found).replace(name, "IX").split())


def test_expression_indexes_match_the_models(empty_database: str) -> None:
    """Each expression index the migrations build is the models' one, text for text: the
    model's CREATE INDEX run under another name reads back the same."""
    assert _expression_indexes(), "the rights windows' end indexes are on the models"
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            for index in _expression_indexes():
                ddl = str(sa.schema.CreateIndex(index).compile(dialect=connection.dialect))
                connection.exec_driver_sql(ddl.replace(index.name, "twin_of_model"))
                model = _index_definition(connection, "twin_of_model")
                connection.exec_driver_sql("DROP INDEX twin_of_model")
                assert _index_definition(connection, index.name) == model, index.name
            transaction.rollback()
    finally:
        engine.dispose()
