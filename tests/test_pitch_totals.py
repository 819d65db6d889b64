"""The kept pitch counters (pitch_totals) always equal a GROUP BY over the pitches.

The triggers of migration 0015 keep them; these tests write pitches every way the app
and its scripts do (ORM, bulk Core inserts and updates, deletes, brand and account
deletes cascading) and compare. They run on SQLite and, with CRM_TEST_DATABASE_URL,
on PostgreSQL.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from crm.accounts.models import User
from crm.brands import services as brands
from crm.brands.models import Brand
from crm.pitches import services, states, totals
from crm.pitches.models import Pitch, PitchStatus, PitchTotal
from tests.factories import make_user
from tests.factories_pitches import NOW, brand_for, make_pitch
from tests.machines import SavepointMachine, run_on

_emails = itertools.count(1)
STATUSES = st.sampled_from(list(PitchStatus))
CURRENCIES = st.sampled_from(["USD", "EUR", "GBP"])
QUOTES = st.none() | st.integers(min_value=0, max_value=2_000_000_00)


def _matches(session) -> None:
    session.flush()
    kept = totals.kept_counters(session)
    assert kept == totals.counted_from_pitches(session)
    negative = session.scalar(sa.select(sa.func.count()).where(PitchTotal.count < 0))
    assert negative == 0


class PitchWrites(SavepointMachine):
    """Random pitch writes by two creators; after each, the counters match the rows."""

    @initialize()
    def two_creators(self) -> None:
        self.begin()
        self.users = [
            make_user(self.session, email=f"totals{next(_emails)}@example.com") for _ in range(2)
        ]
        self.brands = [brand_for(self.session, user) for user in self.users]

    def _pitches(self) -> list[Pitch]:
        owners = [user.id for user in self.users]
        return list(self.session.scalars(sa.select(Pitch).where(Pitch.owner_id.in_(owners))))

    def _pick(self, data: st.DataObject) -> Pitch | None:
        pitches = self._pitches()
        return data.draw(st.sampled_from(pitches)) if pitches else None

    @rule(who=st.integers(0, 1), status=STATUSES, currency=CURRENCIES, quote=QUOTES)
    def create_with_the_orm(self, who: int, status, currency: str, quote) -> None:
        brand = self.brands[who]
        owner = self.session.get(User, brand.owner_id)
        make_pitch(self.session, owner, brand=brand, status=status, currency=currency,
                   quoted_cents=quote)  # fmt: skip

    @rule(who=st.integers(0, 1), rows=st.lists(st.tuples(STATUSES, CURRENCIES, QUOTES), max_size=6))
    def bulk_insert(self, who: int, rows) -> None:
        brand = self.brands[who]
        if rows:
            self.session.execute(
                sa.insert(Pitch),
                [{"owner_id": brand.owner_id, "brand_id": brand.id, "status": status,
                  "currency": currency, "quoted_cents": quote, "created_at": NOW,
                  "updated_at": NOW} for status, currency, quote in rows],
            )  # fmt: skip

    @rule(data=st.data())
    def move_through_the_state_machine(self, data: st.DataObject) -> None:
        pitch = self._pick(data)
        if pitch is not None and states.TRANSITIONS[pitch.status]:
            target = data.draw(st.sampled_from(states.TRANSITIONS[pitch.status]))
            services.transition(self.session, pitch, target, NOW)

    @rule(data=st.data(), quote=QUOTES, currency=CURRENCIES)
    def edit_quote_and_currency(self, data: st.DataObject, quote, currency: str) -> None:
        pitch = self._pick(data)
        if pitch is not None:
            pitch.quoted_cents = quote
            if data.draw(st.booleans()):
                pitch.currency = currency
            self.session.flush()

    @rule(who=st.integers(0, 1), status=STATUSES, quote=QUOTES)
    def bulk_update(self, who: int, status, quote) -> None:
        self.session.execute(
            sa.update(Pitch)
            .where(Pitch.owner_id == self.users[who].id, Pitch.status != status)
            .values(status=status, quoted_cents=quote)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    @rule(data=st.data())
    def delete_a_pitch(self, data: st.DataObject) -> None:
        pitch = self._pick(data)
        if pitch is not None:
            services.delete_pitch(self.session, pitch, NOW)

    @rule(who=st.integers(0, 1))
    def delete_a_brand_with_its_pitches(self, who: int) -> None:
        brands.delete_brand(self.session, self.brands[who])
        self.session.expire_all()
        owner = self.session.get(User, self.users[who].id)
        self.brands[who] = brand_for(self.session, owner)

    @rule()
    def delete_the_second_creator(self) -> None:
        self.session.delete(self.users[1])
        self.session.flush()
        self.session.expire_all()
        self.users[1] = make_user(self.session, email=f"totals{next(_emails)}@example.com")
        self.brands[1] = brand_for(self.session, self.users[1])

    @invariant()
    def counters_match_the_rows(self) -> None:
        _matches(self.session)


def test_counters_equal_a_group_by_after_any_writes(connection, session) -> None:
    run_on(PitchWrites, connection, session, examples=20)


def test_the_board_and_dashboard_read_the_counters_not_the_pitches(
    logged_in, session, user, count_queries
) -> None:
    make_pitch(session, user, status=PitchStatus.SENT, quoted_cents=10_00)
    for path in ("/pitches/board", "/dashboard"):
        with count_queries() as statements:
            assert logged_in.get(path).status_code == 200
        sums = [s for s in statements if "sum(" in s.lower() or "count(" in s.lower()]
        assert all("pitch_totals" in s or "LIMIT" in s for s in sums if "pitches" in s), path


def test_rebuilding_fixes_drifted_counters_and_says_how_many(runner, session, user) -> None:
    brand = brand_for(session, user)
    make_pitch(session, user, brand=brand, status=PitchStatus.SENT, quoted_cents=5_00)
    make_pitch(session, user, brand=brand, status=PitchStatus.WON, quoted_cents=7_00)
    session.execute(sa.update(PitchTotal).values(count=PitchTotal.count + 40))
    session.execute(sa.delete(PitchTotal).where(PitchTotal.status == PitchStatus.WON))
    session.commit()
    result = runner.invoke(args=["pitches", "rebuild-totals"])
    assert result.exit_code == 0, result.output
    assert "2 of them had drifted" in result.output
    session.expire_all()
    _matches(session)
    again = runner.invoke(args=["pitches", "rebuild-totals"])
    assert "they were all right" in again.output


def test_a_brand_deleted_takes_its_pitches_out_of_the_counters(session, user) -> None:
    kept, gone = brand_for(session, user), brand_for(session, user)
    make_pitch(session, user, brand=kept, status=PitchStatus.SENT, quoted_cents=1_00)
    for _ in range(3):
        make_pitch(session, user, brand=gone, status=PitchStatus.SENT, quoted_cents=2_00)
    brands.delete_brand(session, session.get(Brand, gone.id))
    sent = [t for t in totals.status_totals(session, user.id) if t.status == PitchStatus.SENT]
    assert [(t.count, t.quoted_cents) for t in sent] == [(1, 1_00)]
