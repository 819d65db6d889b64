"""For the two-connection tests on PostgreSQL: whether a session waits on a row lock."""

from __future__ import annotations

import time

import sqlalchemy as sa


def waits_on_a_lock(engine: sa.Engine, pid: list[int], wait: float) -> bool:
    """True once the backend whose pid lands in `pid` waits on a lock, within `wait` seconds
    (the pid is filled in by the thread that runs the session, when it has connected)."""
    deadline = time.monotonic() + wait
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            if not pid:
                continue
            waiting = connection.execute(
                sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid[0]},
            ).scalar()
            connection.rollback()  # a fresh snapshot of pg_stat_activity each time
            if waiting == "Lock":
                return True
    return False
