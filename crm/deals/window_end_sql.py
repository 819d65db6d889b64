"""A rights window's last day as SQL (start + days - 1, start as day 1, as
crm.deals.rights.window_end computes it), one expression for the queries and the indexes.

An expression index serves a query only when the query's expression is the index's own, so
both are built from `WindowEnd`: it compiles to `date(start, '+' || (days - 1) || ' days')` on
SQLite and to `(start + (days - 1))` on PostgreSQL (a date plus an integer is a date), in a
SELECT and in CREATE INDEX alike. Migration 0030 writes the same text per dialect.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class WindowEnd(ColumnElement[date]):
    """The last day of a window of `days` days from `start` (start as day 1), as SQL."""

    inherit_cache = True
    _traverse_internals = [
        ("start", InternalTraversal.dp_clauseelement),
        ("days", InternalTraversal.dp_clauseelement),
    ]
    type = Date()

    def __init__(self, start: Any, days: Any) -> None:
        self.start = start
        self.days = days


def sqlite_window_end(start: str, days: str) -> str:
    return f"date({start}, '+' || ({days} - 1) || ' days')"


def postgresql_window_end(start: str, days: str) -> str:
    return f"({start} + ({days} - 1))"


@compiles(WindowEnd, "sqlite")
def _window_end_on_sqlite(element: WindowEnd, compiler: Any, **kw: Any) -> str:
    start, days = compiler.process(element.start, **kw), compiler.process(element.days, **kw)
    return sqlite_window_end(start, days)


@compiles(WindowEnd)
def _window_end_elsewhere(element: WindowEnd, compiler: Any, **kw: Any) -> str:
    start, days = compiler.process(element.start, **kw), compiler.process(element.days, **kw)
    return postgresql_window_end(start, days)
