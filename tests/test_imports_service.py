"""The import service: preview writes nothing, commit writes all or nothing, undo restores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.imports import committing, keeping, services
from crm.imports.models import DailyStats, FollowerShare, Import, ImportReplaced
from crm.imports.services import ImportRefused
from crm.income.models import Expense, ExpenseCategory, IncomeEntry
from crm.ownership import owned
from tests.factories_brands import make_brand
from tests.factories_imports import NOW, TODAY, fake_files, make_import, stream_upload, upload
from tests.factories_income import make_income

pytestmark = pytest.mark.usefixtures("fake_files")
assert fake_files  # the fixture, imported for usefixtures

OCT1, OCT2, OCT3 = date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)


def _income(session: Session, owner_id: int) -> list[tuple[date, str, int, str]]:
    return [
        (e.earned_on, e.note, e.amount_cents, e.status.value)
        for e in session.scalars(
            owned(IncomeEntry, owner_id).order_by(IncomeEntry.earned_on, IncomeEntry.note)
        )
    ]


def _count(session: Session, model, owner_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.owner_id == owner_id))


def test_preview_sums_and_writes_nothing(session, user) -> None:
    found = services.preview(
        session,
        user,
        upload(
            "ltk",
            "E,2025-10-01,LTK,Nordstrom,USD,842,paid",
            "E,2025-10-03,LTK,Gap,USD,100,open",
            "?Payment",
            "C,2025-10-02,LTK,USD,150",
        ),
        TODAY,
    )
    table = found.digest.tables[0]
    assert (found.source, table.rows, table.skipped) == ("ltk", 3, 1)
    assert table.first_skipped[0].reason == "Not a row: Payment"
    assert (found.digest.date_from, found.digest.date_to) == (OCT1, OCT3)
    assert table.totals == {"LTK": {"USD": 942}, "LTK fees": {"USD": 150}}
    assert found.already is None and found.replacements == []
    assert _count(session, Import, user.id) == 0
    assert _count(session, IncomeEntry, user.id) == 0


def test_identical_lines_are_separate_sales_summed_per_day_and_retailer(session, user) -> None:
    sale = "E,2025-10-01,LTK,Nordstrom,USD,842,paid"
    make_import(session, user, "ltk", sale, sale, sale, "E,2025-10-01,LTK,Gap,USD,500,paid")
    assert _income(session, user.id) == [
        (OCT1, "Gap", 500, "paid"),
        (OCT1, "Nordstrom", 3 * 842, "paid"),
    ]
    entry = session.scalars(owned(IncomeEntry, user.id)).first()
    assert (entry.stream, entry.program, entry.paid_on) == ("affiliate", "LTK", OCT1)


def test_open_and_closed_sales_become_expected_and_paid_entries(session, user) -> None:
    make_import(
        session,
        user,
        "ltk",
        "E,2025-10-01,LTK,Gap,USD,300,paid",
        "E,2025-10-01,LTK,Gap,USD,200,open",
    )
    assert _income(session, user.id) == [(OCT1, "Gap", 200, "expected"), (OCT1, "Gap", 300, "paid")]


def test_a_retailers_returns_are_netted_into_the_days_sales(session, user) -> None:
    make_import(
        session,
        user,
        "ltk",
        "E,2025-10-01,LTK,Gap,USD,1000,paid",
        "E,2025-10-01,LTK,Zara,USD,-300,paid",
        "E,2025-10-02,LTK,Gap,USD,-400,paid",  # a day of returns only
        "E,2025-10-03,LTK,Gap,USD,900,paid",
    )
    rows = _income(session, user.id)
    assert sum(cents for *_, cents, _ in rows) == 1000 - 300 - 400 + 900
    assert all(cents > 0 for *_, cents, _ in rows)
    assert rows[0] == (OCT1, "Gap; less returns at Zara", 700, "paid")
    assert rows[1][0] == OCT3 and rows[1][2] == 500


def test_a_fee_becomes_an_expense(session, user) -> None:
    make_import(session, user, "ltk", "C,2025-10-02,LTK,USD,150", "C,2025-10-02,LTK,USD,50")
    expense = session.scalars(owned(Expense, user.id)).one()
    assert (expense.spent_on, expense.amount_cents, expense.category) == (
        OCT2,
        200,
        ExpenseCategory.FEES,
    )


def test_own_csv_lines_become_income_in_their_stream_with_the_brand_matched_by_name(
    session, user, other_user
) -> None:
    glow = make_brand(session, user, name="Glow Labs")
    make_brand(session, other_user, name="Lumen")  # someone else's: never matched
    make_import(
        session, user, "csv-abc",
        "I,2025-10-01,ugc,glow labs,USD,5000,3 videos",
        "I,2025-10-01,ugc,glow labs,USD,2500,3 videos",  # alike in all: one entry, summed
        "I,2025-10-02,brand,Lumen,USD,9000,",
    )  # fmt: skip
    entries = session.scalars(owned(IncomeEntry, user.id).order_by(IncomeEntry.earned_on)).all()
    assert [(e.stream, e.amount_cents, e.brand_id, e.note) for e in entries] == [
        ("ugc", 7500, glow.id, "3 videos"),
        ("brand", 9000, None, "Lumen"),  # no brand of theirs by that name: kept in the note
    ]
    assert all(e.status.value == "paid" and e.paid_on == e.earned_on for e in entries)


def test_the_same_file_twice_changes_nothing(session, user) -> None:
    lines = ("E,2025-10-01,LTK,Gap,USD,300,paid", "D,2025-10-01,views=10")
    first = make_import(session, user, "ltk", *lines)
    again = services.preview(session, user, upload("ltk", *lines), TODAY)
    assert again.already is not None and again.already.id == first.id
    record, _ = committing.commit(session, user, stream_upload("ltk", *lines), TODAY, NOW)
    assert record.id == first.id
    assert _count(session, Import, user.id) == 1
    assert _income(session, user.id) == [(OCT1, "Gap", 300, "paid")]


def test_an_overlapping_export_replaces_the_days_it_covers(session, user) -> None:
    first = make_import(
        session,
        user,
        "ltk",
        "E,2025-10-01,LTK,Gap,USD,100,paid",
        "E,2025-10-02,LTK,Gap,USD,200,open",
    )
    later = ("E,2025-10-02,LTK,Gap,USD,250,paid", "E,2025-10-03,LTK,Gap,USD,50,open")
    found = services.preview(session, user, upload("ltk", *later), TODAY)
    [replacing] = found.replacements
    assert replacing.earlier.id == first.id
    assert (replacing.date_from, replacing.date_to) == (OCT2, OCT2)
    assert replacing.before == {"LTK": {"USD": 200}}
    assert replacing.after == {"LTK": {"USD": 250}}
    second = make_import(session, user, "ltk", *later)
    assert _income(session, user.id) == [
        (OCT1, "Gap", 100, "paid"),
        (OCT2, "Gap", 250, "paid"),
        (OCT3, "Gap", 50, "expected"),
    ]
    assert (second.entries_written, second.entries_replaced) == (2, 1)


def test_another_sources_import_is_not_replaced(session, user) -> None:
    make_import(session, user, "amazon", "E,2025-10-01,Amazon Associates,,USD,100,paid")
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,200,paid")
    assert sorted(c for *_, c, _ in _income(session, user.id)) == [100, 200]


def test_a_typed_in_entry_is_never_replaced(session, user) -> None:
    make_income(session, user, earned_on=OCT1, amount_cents=999, stream="affiliate")
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,150,paid")
    assert sorted(c for *_, c, _ in _income(session, user.id)) == [150, 999]


def test_undo_restores_what_the_import_replaced(session, user) -> None:
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid", "C,2025-10-01,LTK,USD,9")
    before = _income(session, user.id)
    second = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,130,paid")
    committing.undo(session, user, second.id, NOW)
    session.commit()
    assert _income(session, user.id) == before
    assert session.scalars(owned(Expense, user.id)).one().amount_cents == 9
    assert second.undone_at is not None


def test_undoing_twice_is_refused(session, user) -> None:
    record = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    committing.undo(session, user, record.id, NOW)
    with pytest.raises(ImportRefused, match="already undone"):
        committing.undo(session, user, record.id, NOW)


def test_an_import_a_later_one_replaced_undoes_without_touching_it(session, user) -> None:
    first = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    second = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,130,paid")
    committing.undo(session, user, first.id, NOW)
    assert _income(session, user.id) == [(OCT1, "Gap", 130, "paid")]
    committing.undo(session, user, second.id, NOW)
    assert _income(session, user.id) == []


def test_an_undone_file_can_be_imported_again(session, user) -> None:
    record = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    committing.undo(session, user, record.id, NOW)
    again = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    assert again.id != record.id
    assert _income(session, user.id) == [(OCT1, "Gap", 100, "paid")]


def test_another_creators_import_cant_be_undone(session, user, other_user) -> None:
    record = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    with pytest.raises(ImportRefused, match="no import"):
        committing.undo(session, other_user, record.id, NOW)
    assert record.undone_at is None
    assert len(_income(session, user.id)) == 1


def test_another_creators_imports_are_neither_replaced_nor_already(session, user, other_user):
    lines = ("E,2025-10-01,LTK,Gap,USD,100,paid",)
    make_import(session, user, "ltk", *lines)
    found = services.preview(session, other_user, upload("ltk", *lines), TODAY)
    assert found.already is None and found.replacements == []
    make_import(session, other_user, "ltk", *lines)
    assert len(_income(session, user.id)) == 1 == len(_income(session, other_user.id))


def test_a_file_unreadable_half_way_writes_nothing(session, user) -> None:
    bad = upload("ltk", "E,2025-10-01,LTK,Gap,USD,100,paid", "BOOM")
    with pytest.raises(ImportRefused, match="ends in the middle"):
        committing.commit(session, user, bad, TODAY, NOW)
    assert _count(session, Import, user.id) == 0 == _count(session, IncomeEntry, user.id)


def test_a_file_that_is_no_export_is_refused(session, user) -> None:
    from crm.imports.services import Upload

    with pytest.raises(ImportRefused, match="not a file we can read"):
        services.preview(session, user, Upload("x.csv", b"hello\n"), TODAY)


def test_a_failure_while_writing_writes_nothing(session, user, monkeypatch) -> None:
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    real = keeping.insert_rows

    def fail_on_days(session_, kind, rows):
        if kind == "day":
            raise RuntimeError("disk full")
        real(session_, kind, rows)

    monkeypatch.setattr(keeping, "insert_rows", fail_on_days)
    with pytest.raises(RuntimeError):
        committing.commit(
            session,
            user,
            upload("ltk", "E,2025-10-01,LTK,Gap,USD,300,paid", "D,2025-10-01,views=5"),
            TODAY,
            NOW,
        )
    assert _income(session, user.id) == [(OCT1, "Gap", 100, "paid")]
    assert _count(session, Import, user.id) == 1
    assert _count(session, ImportReplaced, user.id) == 0


def test_a_foreign_currency_needs_a_rate(session, user) -> None:
    user.currency = "EUR"
    bad = upload("ltk", "E,2025-10-01,LTK,Gap,USD,1000,paid")
    with pytest.raises(ImportRefused, match="rate for USD") as refused:
        committing.commit(session, user, bad, TODAY, NOW)
    assert refused.value.field == "rate"
    committing.commit(session, user, bad, TODAY, NOW, rates={"USD": 920_000})
    entry = session.scalars(owned(IncomeEntry, user.id)).one()
    assert (entry.amount_cents, entry.reporting_cents, entry.reporting_currency) == (
        1000,
        920,
        "EUR",
    )


def test_a_date_out_of_range_is_refused(session, user) -> None:
    late = (TODAY + timedelta(days=4000)).isoformat()
    with pytest.raises(ImportRefused, match="A row is dated"):
        committing.commit(session, user, upload("ltk", f"E,{late},LTK,Gap,USD,1,paid"), TODAY, NOW)
    assert _count(session, Import, user.id) == 0


def _day(session: Session, owner_id: int, day: date) -> DailyStats:
    return session.scalars(owned(DailyStats, owner_id).where(DailyStats.day == day)).one()


def test_a_followers_file_keeps_the_views_another_gave(session, user) -> None:
    make_import(session, user, "tiktok", "D,2025-10-01,views=100,likes=7", name="Overview.csv")
    followers = make_import(
        session, user, "tiktok", "D,2025-10-01,followers=900", name="FollowerHistory.csv"
    )
    day = _day(session, user.id, OCT1)
    assert (day.views, day.likes, day.followers, day.shares) == (100, 7, 900, None)
    committing.undo(session, user, followers.id, NOW)
    session.expire_all()
    day = _day(session, user.id, OCT1)
    assert (day.views, day.followers) == (100, None)


def test_undo_removes_the_days_it_made(session, user) -> None:
    record = make_import(session, user, "tiktok", "D,2025-10-01,views=1", "D,2025-10-02,views=2")
    committing.undo(session, user, record.id, NOW)
    assert _count(session, DailyStats, user.id) == 0


def test_a_later_stats_export_shows_views_before_and_after(session, user) -> None:
    make_import(session, user, "tiktok", "D,2025-10-01,views=100", "D,2025-10-02,views=50")
    found = services.preview(
        session, user, upload("tiktok", "D,2025-10-02,views=80", "D,2025-10-03,views=5"), TODAY
    )
    [replacing] = found.replacements
    assert replacing.before["views"] == {"views": 50}
    assert replacing.after["views"] == {"views": 80}


def test_audience_shares_are_replaced_per_dimension_and_undone(session, user) -> None:
    make_import(session, user, "tiktok", "A,gender,Female,0.6", "A,gender,Male,0.4",
                "A,territory,US,0.5")  # fmt: skip
    later = make_import(session, user, "tiktok", "A,gender,Female,0.7", "A,gender,Male,0.3")

    def shares() -> dict[tuple[str, str], int]:
        rows = session.scalars(owned(FollowerShare, user.id))
        return {(r.dimension, r.key): r.share_millionths for r in rows}

    assert shares() == {
        ("gender", "Female"): 700_000,
        ("gender", "Male"): 300_000,
        ("territory", "US"): 500_000,
    }
    committing.undo(session, user, later.id, NOW)
    assert shares()[("gender", "Female")] == 600_000


def test_import_list_is_newest_first_and_only_mine(session, user, other_user) -> None:
    first = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,1,paid")
    second = make_import(session, user, "ltk", "E,2025-11-01,LTK,Gap,USD,1,paid")
    make_import(session, other_user, "ltk", "E,2025-10-05,LTK,Gap,USD,1,paid")
    page = services.import_page(session, user.id, None, 10)
    assert [r.id for r in page.items] == [second.id, first.id]


def test_a_year_of_days_and_1500_sales_commit_whole(session, user) -> None:
    # How long it takes is measured by bench/imports.py, not asserted here.
    start_day = date(2025, 1, 1)
    days = [f"D,{start_day + timedelta(days=n)},views={n},followers={n}" for n in range(365)]
    sales = [
        f"E,{start_day + timedelta(days=n % 60)},LTK,Brand{n % 7},USD,{100 + n},"
        f"{'paid' if n % 3 else 'open'}"
        for n in range(1500)
    ]
    committing.commit(session, user, upload("tiktok", *days), TODAY, NOW)
    committing.commit(session, user, upload("ltk", *sales), TODAY, NOW)
    session.flush()
    assert _count(session, DailyStats, user.id) == 365
    total = session.scalar(owned(IncomeEntry, user.id, func.sum(IncomeEntry.amount_cents)))
    assert total == sum(100 + n for n in range(1500))


def test_deleting_an_account_with_imports_goes_through(session, user) -> None:
    from sqlalchemy import delete

    from crm.accounts.models import User

    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid", "C,2025-10-01,LTK,USD,9")
    second = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,120,paid")
    assert second.entries_replaced == 2
    session.execute(delete(User).where(User.id == user.id))
    session.flush()
    assert session.scalar(select(func.count()).select_from(Import)) == 0


def test_an_import_whose_replaced_rows_are_gone_is_not_undone(session, user) -> None:
    # As after a restore from a backup, which doesn't carry what an import replaced.
    make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,100,paid")
    second = make_import(session, user, "ltk", "E,2025-10-01,LTK,Gap,USD,120,paid")
    session.execute(ImportReplaced.__table__.delete())
    with pytest.raises(ImportRefused, match="came from a backup"):
        committing.undo(session, user, second.id, NOW)
    assert _income(session, user.id) == [(OCT1, "Gap", 120, "paid")]
