"""Hypothesis state machines that write to the test's database, each run in a savepoint.

A machine's first step opens a savepoint on the test's connection (`begin`), so each run
starts from what the test began with and a failed write leaves nothing for the next run.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import run_state_machine_as_test as run_machine


class SavepointMachine(RuleBasedStateMachine):
    # Set by run_on: the test's connection, and a session on it.
    connection: Any = None
    session: Any = None

    def begin(self) -> None:
        self.savepoint = self.connection.begin_nested()

    def teardown(self) -> None:
        self.session.rollback()
        self.session.expunge_all()
        if getattr(self, "savepoint", None) is not None and self.savepoint.is_active:
            self.savepoint.rollback()


def run_on(
    machine: type[SavepointMachine], connection: Any, session: Any, examples: int = 20
) -> None:
    """Run `machine` `examples` times, up to as many steps each, on the test's database."""
    machine.connection = connection
    machine.session = session
    run_machine(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=examples,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
