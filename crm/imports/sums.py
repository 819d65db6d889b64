"""Earnings summed into income entries, with returns netted so that no entry is negative.

An income entry holds an amount above 0 (the income table's CHECK, the forms' rule). A
retailer's returns can outweigh its sales on a day, so a day's negative sums are netted into
the same day's largest sum of that program (the note says so); a day whose returns outweigh
all its sales carries the rest to the next day of that program, or back to the previous
one. Totals are never changed: the sum of the entries is the sum of the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from crm.imports.digest import EarningKey
from crm.money import format_money

NOTE_MAX = 500


@dataclass
class EntrySum:
    """One income entry to write: a day's earnings of one program, retailer, currency."""

    day: date
    program: str
    currency: str
    paid: bool
    cents: int
    note: str


ChainKey = tuple[str, str, bool]  # program, currency, paid


def entry_sums(earnings: dict[EarningKey, int]) -> tuple[list[EntrySum], list[str]]:
    """The entries for these sums, and a warning for every return carried to another day."""
    chains: dict[ChainKey, dict[date, list[EntrySum]]] = defaultdict(lambda: defaultdict(list))
    for key, cents in earnings.items():
        if cents == 0:
            continue  # a sale and its return: nothing earned
        note = key.retailer
        entry = EntrySum(key.day, key.program, key.currency, key.paid, cents, note)
        chains[(key.program, key.currency, key.paid)][key.day].append(entry)
    entries: list[EntrySum] = []
    warnings: list[str] = []
    for chain_key, days in sorted(chains.items()):
        entries.extend(_chain(chain_key, days, warnings))
    entries.sort(key=lambda e: (e.day, e.program, e.currency, e.paid, e.note))
    return entries, warnings


def _chain(key: ChainKey, days: dict[date, list[EntrySum]], warnings: list[str]) -> list[EntrySum]:
    """One program's days in order, each netted; an all-returns day carried onwards."""
    program, currency, _paid = key
    kept: list[list[EntrySum]] = []
    carry: list[EntrySum] = []
    for day in sorted(days):
        group = carry + days[day]
        carry = []
        if sum(e.cents for e in group) <= 0:
            carry = group
            continue
        kept.append(_net(day, group))
    # Returns left at the end go back into the days before, as far as they must.
    while carry and kept:
        last = kept.pop()
        group = last + carry
        carry = [] if sum(e.cents for e in group) > 0 else group
        if not carry:
            kept.append(_net(last[0].day, group))
    total = sum(e.cents for e in carry)
    if total:
        warnings.append(
            f"{program} returns of {format_money(-total, currency)} outweigh every sale in "
            "the file: not written as income."
        )
    for group, day in ((g, g[0].day) for g in kept):
        moved = {e.day for e in group} - {day}
        if moved:
            warnings.append(
                f"{program}: returns of {', '.join(str(d) for d in sorted(moved))} outweighed "
                f"that day's sales and are counted on {day}."
            )
    return [entry for group in kept for entry in _fold(group)]


def _net(day: date, group: list[EntrySum]) -> list[EntrySum]:
    """The group to be written on `day`: its sales first (the first entry names the day)."""
    return sorted(group, key=lambda e: (e.day != day, -e.cents))


def _fold(group: list[EntrySum]) -> list[EntrySum]:
    """Net the group's returns into its smallest sales first, so the largest retailers keep
    an entry of their own; every entry left is above 0 (the group's total is)."""
    day = group[0].day
    positives = sorted((e for e in group if e.cents > 0), key=lambda e: e.cents)
    owed = sum(e.cents for e in group if e.cents <= 0)
    netted = sorted({e.note or "other retailers" for e in group if e.cents <= 0})
    while owed < 0:
        smallest = positives[0]
        if smallest.cents + owed > 0 or len(positives) == 1:
            smallest.cents += owed
            others = [n for n in netted if n != smallest.note]
            less = ", ".join(others)
            if len(smallest.note) + len(less) + 20 > NOTE_MAX:  # too many to name
                less = f"{len(others)} other retailers"
            if others:
                smallest.note = f"{smallest.note}; less returns at {less}".strip("; ")
            break
        owed += smallest.cents
        netted.append(positives.pop(0).note or "other retailers")
    for entry in positives:
        entry.day = day
    return positives
