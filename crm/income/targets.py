"""The creator's own monthly targets per stream: from 10,000 followers there is no built-in
benchmark, so the month report measures each stream against these instead.

`targets_for` and `save_targets` read and write them; `compare_targets` is the pure
comparison, plain values in, no session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from crm.income.models import AMOUNT_MAX_CENTS, IncomeTarget
from crm.income.services import IncomeError
from crm.market.facts import Market
from crm.money import format_money
from crm.ownership import owned

TargetVerdict = Literal["below", "met"]

# The page's field for a stream: prefixed, so that no stream key meets a form attribute.
FIELD_PREFIX = "target_"


def field_name(stream: str) -> str:
    """The form field (and error field) of `stream`'s target."""
    return f"{FIELD_PREFIX}{stream}"


@dataclass(frozen=True)
class TargetLine:
    """One stream (or the total) against the creator's own target."""

    key: str
    label: str
    amount_cents: int
    target_cents: int

    @property
    def verdict(self) -> TargetVerdict:
        """Below when under the target; met from the target up (the target itself included)."""
        return "below" if self.amount_cents < self.target_cents else "met"

    @property
    def gap_cents(self) -> int:
        """Money missing to the target; negative: over it by that much."""
        return self.target_cents - self.amount_cents

    @property
    def percent(self) -> int | None:
        """How much of the target the amount reached, in whole percent (None: a 0 target)."""
        return self.amount_cents * 100 // self.target_cents if self.target_cents else None

    def sentence(self, currency: str) -> str:
        """'UGC deals: $450 of your $500 target, $50 to go.'"""
        amount = format_money(self.amount_cents, currency)
        target = format_money(self.target_cents, currency)
        if self.gap_cents > 0:
            rest = f"{format_money(self.gap_cents, currency)} to go"
        elif self.gap_cents < 0:
            rest = f"met, {format_money(-self.gap_cents, currency)} over"
        else:
            rest = "met exactly"
        return f"{self.label}: {amount} of your {target} target, {rest}."


@dataclass(frozen=True)
class TargetComparison:
    """The streams with a target (seed order), their total, and income from the others."""

    streams: tuple[TargetLine, ...]
    total: TargetLine | None
    other_cents: int


def compare_targets(
    income: Mapping[str, int], targets: Mapping[str, int], *, market: Market
) -> TargetComparison:
    """Each stream with a target against it (no income counts 0); the total of those streams
    against the sum of the targets, as the benchmark's total sums its own streams."""
    streams = tuple(
        TargetLine(s.key, s.label, income.get(s.key, 0), targets[s.key])
        for s in market.streams
        if s.key in targets
    )
    total = (
        TargetLine(
            "total",
            "Total",
            sum(line.amount_cents for line in streams),
            sum(line.target_cents for line in streams),
        )
        if streams
        else None
    )
    other = sum(cents for key, cents in income.items() if key not in targets)
    return TargetComparison(streams, total, other)


def saved_targets(session: Session, owner_id: int) -> dict[str, tuple[int, str]]:
    """Every target the creator saved: (cents, the currency it was set in) by stream key
    (one query)."""
    rows = session.execute(
        owned(
            IncomeTarget, owner_id, IncomeTarget.stream, IncomeTarget.amount_cents,
            IncomeTarget.currency,
        )
    )  # fmt: skip
    return {stream: (int(cents), currency) for stream, cents, currency in rows}


def targets_for(session: Session, owner_id: int, currency: str) -> dict[str, int]:
    """The creator's targets set in `currency` (the reporting one), in cents by stream key
    (one query); one set in another currency is no target until set again."""
    rows = session.execute(
        owned(IncomeTarget, owner_id, IncomeTarget.stream, IncomeTarget.amount_cents).where(
            IncomeTarget.currency == currency
        )
    )
    return {stream: int(cents) for stream, cents in rows}


def check_targets(targets: Mapping[str, int | None], market: Market) -> None:
    """Refuse an unknown stream, or an amount of 0 or less or over 10 million, by its field."""
    known = {s.key for s in market.streams}
    for key, cents in targets.items():
        if key not in known:
            raise IncomeError(f"{key!r} is not an income stream.", field=field_name(key))
        if cents is None:
            continue
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            raise IncomeError("A target can't be negative.", field=field_name(key))
        if cents == 0:
            raise IncomeError(
                "A target of 0 is always met: leave it empty for no target.",
                field=field_name(key),
            )
        if cents > AMOUNT_MAX_CENTS:
            raise IncomeError(
                "That's over 10 million: check for an extra digit.", field=field_name(key)
            )


def save_targets(
    session: Session,
    owner_id: int,
    currency: str,
    targets: Mapping[str, int | None],
    market: Market,
) -> dict[str, int]:
    """Set every stream's target at once, in `currency` (None clears it), after checking
    them all: all or nothing. Streams left out of `targets` keep theirs. Returns the
    targets in `currency` as saved."""
    check_targets(targets, market)
    rows = {row.stream: row for row in session.scalars(owned(IncomeTarget, owner_id))}
    for key, cents in targets.items():
        row = rows.get(key)
        if cents is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                IncomeTarget(owner_id=owner_id, stream=key, amount_cents=cents, currency=currency)
            )
        else:
            row.amount_cents, row.currency = cents, currency
    session.flush()
    return targets_for(session, owner_id, currency)
