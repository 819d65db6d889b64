"""The kept income month sums (income_month_sums) always equal a GROUP BY over the entries.

The triggers of migration 0037 keep them; these tests write entries every way the app and
its scripts do (the service, bulk Core inserts and updates, deletes, an account deleted
with its entries) and compare, and check that the pages reading them show the entries'
figures. They run on SQLite and, with CRM_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from crm.accounts.models import User
from crm.income import listing, services, sums
from crm.income.models import IncomeEntry, IncomeMonthSum, IncomeStatus
from crm.income.year import year_summary
from crm.market.seed import installed_market
from tests.factories import make_user
from tests.factories_income import TODAY, make_income
from tests.machines import SavepointMachine, run_on

_emails = itertools.count(1)
# Days over three months and across a year's end, so entries move between month rows.
DAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 2, 28))
STREAMS = st.sampled_from(["ugc", "affiliate", "live"])
STATUSES = st.sampled_from(list(IncomeStatus))
CENTS = st.integers(min_value=1, max_value=5_000_000_00)
# The profile's currency, or another one (entries kept under the currency they were saved in).
CURRENCIES = st.sampled_from(["USD", "EUR"])


def _matches(session) -> None:
    session.flush()
    assert sums.kept_sums(session) == sums.counted_from_entries(session)
    negative = session.scalar(
        sa.select(sa.func.count()).where(
            (IncomeMonthSum.entries < 0) | (IncomeMonthSum.earned_cents < 0)
        )
    )
    assert negative == 0


def _data(day: date, stream: str, status: IncomeStatus, cents: int) -> services.EntryData:
    paid_on = day if status is IncomeStatus.PAID else None
    return services.EntryData(day, cents, "USD", stream, status, paid_on=paid_on)


class EntryWrites(SavepointMachine):
    """Random income writes by two creators; after each, the kept sums match the rows."""

    @initialize()
    def two_creators(self) -> None:
        self.begin()
        self.users = [
            make_user(self.session, email=f"sums{next(_emails)}@example.com") for _ in range(2)
        ]

    def _entries(self) -> list[IncomeEntry]:
        owners = [user.id for user in self.users]
        statement = sa.select(IncomeEntry).where(IncomeEntry.owner_id.in_(owners))
        return list(self.session.scalars(statement.order_by(IncomeEntry.id)))

    def _pick(self, data: st.DataObject) -> IncomeEntry | None:
        entries = self._entries()
        return data.draw(st.sampled_from(entries)) if entries else None

    @rule(who=st.integers(0, 1), day=DAYS, stream=STREAMS, status=STATUSES, cents=CENTS)
    def save_through_the_service(self, who: int, day, stream, status, cents) -> None:
        owner = self.session.get(User, self.users[who].id)
        services.save_entry(
            self.session, owner, None, _data(day, stream, status, cents), TODAY, installed_market()
        )

    @rule(data=st.data(), day=DAYS, stream=STREAMS, status=STATUSES, cents=CENTS)
    def edit_through_the_service(self, data, day, stream, status, cents) -> None:
        entry = self._pick(data)
        if entry is not None:
            owner = self.session.get(User, entry.owner_id)
            services.save_entry(
                self.session,
                owner,
                entry,
                _data(day, stream, status, cents),
                TODAY,
                installed_market(),
            )

    @rule(
        who=st.integers(0, 1),
        rows=st.lists(st.tuples(DAYS, STREAMS, STATUSES, CENTS, CURRENCIES), max_size=6),
    )
    def bulk_insert(self, who: int, rows) -> None:
        if rows:
            self.session.execute(
                sa.insert(IncomeEntry),
                [
                    {
                        "owner_id": self.users[who].id,
                        "earned_on": day,
                        "amount_cents": cents,
                        "currency": currency,
                        "reporting_cents": cents,
                        "reporting_currency": currency,
                        "stream": stream,
                        "status": status,
                    }
                    for day, stream, status, cents, currency in rows
                ],
            )

    @rule(who=st.integers(0, 1), status=STATUSES, day=DAYS, stream=STREAMS)
    def bulk_update(self, who: int, status, day, stream) -> None:
        """The creator's entries of one stream marked and moved to one day (across months)."""
        self.session.execute(
            sa.update(IncomeEntry)
            .where(IncomeEntry.owner_id == self.users[who].id, IncomeEntry.stream == stream)
            .values(status=status, earned_on=day)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    @rule(data=st.data())
    def delete_an_entry(self, data: st.DataObject) -> None:
        entry = self._pick(data)
        if entry is not None:
            services.delete_entry(self.session, entry)

    @rule()
    def delete_the_second_creator(self) -> None:
        self.session.delete(self.session.get(User, self.users[1].id))
        self.session.flush()
        self.session.expire_all()
        self.users[1] = make_user(self.session, email=f"sums{next(_emails)}@example.com")

    @invariant()
    def sums_match_the_rows(self) -> None:
        _matches(self.session)


def test_kept_sums_equal_a_group_by_after_any_writes(connection, session) -> None:
    run_on(EntryWrites, connection, session, examples=20)


def test_the_year_and_every_months_totals_read_the_kept_sums(session, user, count_queries) -> None:
    """What the pages show is the entries' figures, read from income_month_sums."""
    make_income(session, user, earned_on=date(2026, 3, 4), amount_cents=100_00, stream="ugc")
    make_income(
        session,
        user,
        earned_on=date(2026, 3, 9),
        amount_cents=50_00,
        stream="ugc",
        status=IncomeStatus.PAID,
        paid_on=date(2026, 3, 9),
    )
    make_income(session, user, earned_on=date(2026, 5, 1), amount_cents=7_00, stream="affiliate")
    with count_queries() as statements:
        year = year_summary(session, user, 2026)
    assert [s for s in statements if "income_entries" in s] == []
    march, may = year.months[2], year.months[4]
    assert (march.by_stream, march.earned_cents, march.paid_cents) == (
        {"ugc": 150_00},
        150_00,
        50_00,
    )
    assert may.by_stream == {"affiliate": 7_00}
    every = listing.totals(session, user.id, listing.IncomeFilters(), user.currency, TODAY)
    assert (every.count, every.earned_cents, every.paid_cents) == (3, 157_00, 50_00)
    ugc_march = listing.IncomeFilters(month=(2026, 3), stream="ugc")
    one = listing.totals(session, user.id, ugc_march, user.currency, TODAY)
    assert (one.count, one.earned_cents, one.outstanding_cents) == (2, 150_00, 100_00)


def test_rebuilding_fixes_drifted_sums_and_says_how_many(runner, session, user) -> None:
    make_income(session, user, earned_on=date(2026, 3, 4), stream="ugc")
    make_income(session, user, earned_on=date(2026, 4, 4), stream="affiliate")
    session.execute(sa.update(IncomeMonthSum).values(earned_cents=IncomeMonthSum.earned_cents + 9))
    session.execute(sa.delete(IncomeMonthSum).where(IncomeMonthSum.stream == "affiliate"))
    session.commit()
    result = runner.invoke(args=["income", "rebuild-sums"])
    assert result.exit_code == 0, result.output
    assert "2 of them had drifted" in result.output
    session.expire_all()
    _matches(session)
    again = runner.invoke(args=["income", "rebuild-sums"])
    assert "they were all right" in again.output
