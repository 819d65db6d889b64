"""The creator's add-on policy: read, save and reset their own percentages."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from crm.add_on_policy.models import AddOnUplift
from crm.market.facts import Market
from crm.ownership import owned, owned_delete
from crm.rates.addons import FEE_MOST, MAX_PERCENT, AddOnPolicy, check_percent, policy_from
from crm.rates.errors import RatesError


def saved_percents(session: Session, owner_id: int) -> dict[str, int]:
    """The percentages the creator has set, by add-on key."""
    rows = session.scalars(owned(AddOnUplift, owner_id))
    return {row.add_on: row.percent for row in rows}


def add_on_policy(session: Session, owner_id: int, market: Market) -> AddOnPolicy:
    """The creator's policy: their saved percentages over the seed's starting values."""
    return policy_from(saved_percents(session, owner_id), market=market)


def fee_percents(session: Session, owner_id: int, market: Market) -> dict[str, int]:
    """The policy's fees (a percent of a deal, by key): the creator's over the seed's 0."""
    saved = saved_percents(session, owner_id)
    return {fee.key: saved.get(fee.key, fee.default_percent) for fee in market.fees}


def save_add_on_policy(
    session: Session, owner_id: int, percents: Mapping[str, int], market: Market
) -> AddOnPolicy:
    """Store one percentage per add-on or fee; refuses unknown keys and values out of range
    (an uplift 0 to 500, a fee 0 to 100: it is a part of the deal)."""
    known = {a.key for a in market.add_ons}
    fees = {a.key for a in market.fees}
    for key, percent in percents.items():
        if key not in known | fees:
            raise RatesError(f"{key!r} is not an add-on.", field=key)
        check_percent(key, percent, most=FEE_MOST if key in fees else MAX_PERCENT)
    rows = {row.add_on: row for row in session.scalars(owned(AddOnUplift, owner_id))}
    for key, percent in percents.items():
        if key in fees and not percent:
            # A fee of 0 is not set: no row, as before the creator set one.
            if key in rows:
                session.delete(rows[key])
            continue
        row = rows.get(key) or AddOnUplift(owner_id=owner_id, add_on=key, percent=percent)
        row.percent = percent
        session.add(row)
    session.flush()
    return add_on_policy(session, owner_id, market)


def reset_add_on_policy(session: Session, owner_id: int) -> None:
    """Forget the creator's percentages: the starting values apply again."""
    session.execute(owned_delete(AddOnUplift, owner_id))
    session.flush()
