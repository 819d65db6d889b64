"""Earnings summed into entries: totals kept, no entry at or below 0 (pure, no database)."""

from __future__ import annotations

from datetime import date

from crm.imports.digest import EarningKey
from crm.imports.sums import entry_sums

D1, D2, D3 = date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)


def _key(day: date, retailer: str = "Gap", paid: bool = True) -> EarningKey:
    return EarningKey(day, "LTK", retailer, "USD", paid)


def test_a_last_day_of_returns_is_netted_back_into_the_day_before() -> None:
    entries, warnings = entry_sums({_key(D1): 1000, _key(D2): 300, _key(D3): -400})
    assert sum(e.cents for e in entries) == 900
    assert all(e.cents > 0 for e in entries)
    assert {e.day for e in entries} <= {D1, D2}
    assert any("2025-10-03" in w for w in warnings)


def test_returns_outweighing_every_sale_are_not_written_and_said() -> None:
    entries, warnings = entry_sums({_key(D1): 100, _key(D2): -400})
    assert entries == []
    assert warnings == ["LTK returns of $3 outweigh every sale in the file: not written as income."]


def test_paid_and_expected_money_never_net_into_each_other() -> None:
    entries, _ = entry_sums({_key(D1, paid=True): 500, _key(D1, "Zara", paid=False): -100})
    assert [(e.paid, e.cents) for e in entries] == [(True, 500)]


def test_a_sale_and_its_return_on_one_day_leave_no_entry() -> None:
    entries, warnings = entry_sums({_key(D1): 0, _key(D2, "Zara"): 250})
    assert [(e.day, e.note, e.cents) for e in entries] == [(D2, "Zara", 250)]
    assert warnings == []
