"""The benchmark keeps working: its fill at a tiny size, its link following, one short run.

Not a timing test: nothing here looks at how long anything took.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench import fill, pages, prepare, tables
from bench.client import Timing
from bench.run import main, median_served, median_timing
from bench.serve import Served
from crm.accounts.services import token_hash
from crm.approvals.models import ApprovalLink
from crm.brands.models import Brand, Contact
from crm.brands.search import unsynced_brands
from crm.database import utcnow
from crm.deals.calendar_models import CalendarFeed
from crm.deals.due import week_end
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceSettings, InvoiceStatus
from crm.deals.models import Deal, DealKind, DealStatus, Deliverable, DeliverableStatus
from crm.deals.retainer_models import RetainerMonth
from crm.deals.rights import windows
from crm.emails.models import PitchEmailTemplate
from crm.pitches.models import Pitch, PitchStatus
from crm.timeline.models import BrandActivity

TINY = fill.Creator("tiny@example.com", brands=60, pitches=80, snapshots_every=30, videos=3)


def test_fill_writes_a_realistic_account_through_the_real_tables(connection, user) -> None:
    filled = fill.fill_creator(connection, user.id, TINY, seed=1, categories=["beauty", "other"])
    tables.finish(connection)

    def count(model, *where) -> int:
        query = sa.select(sa.func.count()).select_from(model).where(model.owner_id == user.id)
        return connection.scalar(query.where(*where))

    assert count(Brand) == 60 and count(Pitch) == 80
    assert 60 <= count(Contact) <= 120
    assert count(BrandActivity) >= 60 + 80
    # Only sent pitches wait for a follow-up.
    assert count(Pitch, Pitch.next_followup_on.is_not(None), Pitch.status != PitchStatus.SENT) == 0
    assert count(Pitch, Pitch.status == PitchStatus.SENT) == count(
        Pitch, Pitch.next_followup_on.is_not(None)
    )
    statuses = connection.scalars(
        sa.select(Pitch.status).where(Pitch.owner_id == user.id).distinct()
    ).all()
    assert len(statuses) >= 5
    pitch = connection.execute(sa.select(Pitch).where(Pitch.id == filled.pitch_id)).one()
    assert pitch.owner_id == user.id and pitch.brand_id == filled.brand_id
    assert pitch.status == PitchStatus.SENT and isinstance(pitch.next_followup_on, date)
    # Its email is the first follow-up, from a template of the creator's own, at every size.
    assert pitch.followups_sent == 0
    kinds = connection.scalars(
        sa.select(PitchEmailTemplate.kind).where(PitchEmailTemplate.owner_id == user.id)
    ).all()
    assert "first_followup" in kinds
    # Deals: about one per ten brands, with their work, invoices and rights (below).
    deals_filled(connection, user.id, filled)
    # The search text is the one the app would store, so the bench's searches find what a
    # creator's would.
    with Session(bind=connection) as session:
        assert unsynced_brands(session, user.id) == []


def deals_filled(connection: sa.Connection, owner_id: int, filled: fill.Filled) -> None:
    """The deals the fill wrote hold to what the pages show (the CHECKs already held)."""
    today = utcnow().date()

    def rows(model, *where):
        query = sa.select(model).where(model.owner_id == owner_id, *where)
        return connection.execute(query).all()

    deals = rows(Deal)
    assert len(deals) == 6 and len({deal.status for deal in deals}) >= 2
    work = rows(Deliverable)
    assert len(work) >= 2 * len(deals)
    assert all(d.deal_id in {deal.id for deal in deals} for d in work)
    invoices = rows(Invoice)
    assert invoices and {i.deal_id for i in invoices} <= {d.id for d in deals}
    numbers = [i.number for i in sorted(invoices, key=lambda i: (i.issue_on, i.id))]
    assert numbers == [f"INV-{i.issue_on.year}-{n:04d}" for n, i in enumerate(
        sorted(invoices, key=lambda i: (i.issue_on, i.id)), 1)]  # fmt: skip
    settings = rows(InvoiceSettings)[0]
    assert settings.next_seq == len(invoices) + 1
    lines = connection.execute(
        sa.select(InvoiceLine).where(InvoiceLine.invoice_id.in_([i.id for i in invoices]))
    ).all()
    for invoice in invoices:
        mine = [line for line in lines if line.invoice_id == invoice.id]
        deal = next(d for d in deals if d.id == invoice.deal_id)
        assert 1 <= len(mine) <= 3
        assert sum(line.quantity * line.unit_cents for line in mine) == deal.amount_cents
    assert filled.deal_id in {d.id for d in deals}
    assert filled.invoice_id in {i.id for i in invoices}
    feed = connection.execute(sa.select(CalendarFeed).where(CalendarFeed.owner_id == owner_id))
    assert feed.one().token_hash == token_hash(filled.calendar_token)
    link = connection.execute(sa.select(ApprovalLink).where(ApprovalLink.owner_id == owner_id))
    assert link.one().token_hash == token_hash(filled.approval_token)
    assert all(d.due_on is None or d.due_on <= today + timedelta(days=400) for d in work)


def test_deals_spread_over_statuses_kinds_and_dates_at_a_realistic_size(connection, user) -> None:
    """At 2,000 brands: every status and kind, deliverables overdue and due this week, rights
    ending within 14 days and long ended, invoices in every state, retainer months."""
    who = fill.Creator("mid@example.com", brands=2_000, pitches=2_000, snapshots_every=30, videos=1)
    fill.fill_creator(connection, user.id, who, seed=3, categories=["beauty", "home"])
    today = utcnow().date()
    deals = connection.execute(sa.select(Deal).where(Deal.owner_id == user.id)).all()
    assert 180 <= len(deals) <= 220
    assert {d.status for d in deals} == set(DealStatus)
    assert {d.kind for d in deals} == set(DealKind)
    ends = [w.end for d in deals for w in windows(d) if w.end is not None]
    assert any(today <= end < today + timedelta(days=14) for end in ends)
    assert sum(end < today for end in ends) > len(ends) / 2  # most ended
    work = connection.execute(sa.select(Deliverable).where(Deliverable.owner_id == user.id)).all()
    open_work = [d for d in work if d.status is not DeliverableStatus.POSTED]
    assert any(d.due_on < today for d in open_work)
    assert any(today <= d.due_on <= week_end(today) for d in open_work)
    assert max(d.due_on for d in work) - min(d.due_on for d in work) > timedelta(days=600)
    invoices = connection.execute(sa.select(Invoice).where(Invoice.owner_id == user.id)).all()
    assert {i.status for i in invoices} == set(InvoiceStatus)
    assert any(i.status is InvoiceStatus.SENT and i.due_on < today for i in invoices)
    months = connection.scalar(
        sa.select(sa.func.count())
        .select_from(RetainerMonth)
        .where(RetainerMonth.owner_id == user.id)
    )
    assert months >= 5


def test_brand_names_are_the_same_at_every_size() -> None:
    small, large = fill.brand_names(1_000), fill.brand_names(3_000)
    assert large[:1_000] == small
    assert len(set(large)) == len(large)
    assert fill.numbered_name() in {name.casefold() for name in small}
    assert any(fill.RARE_WORD in name.casefold() for name in small)
    assert any(not name.isascii() for name in small)


def test_the_oldest_page_follows_next_links_or_jumps_by_page_number() -> None:
    keyset = {
        "/pitches/": '<a href="/pitches/?before=3" rel="next">Older</a>',
        "/pitches/?before=3": '<a rel="prev" href="/pitches/"></a>'
        '<a rel="next" href="/pitches/?before=2">',
        "/pitches/?before=2": '<a rel="prev" href="/pitches/?before=3">Newer</a>',
    }  # fmt: skip
    assert pages.oldest_page(keyset.__getitem__, "/pitches/", 100, 25) == "/pitches/?before=2"
    numbered = {"/pitches/?status=sent": '<a href="/pitches/?status=sent&amp;page=2" rel="next">'}
    found = pages.oldest_page(numbered.__getitem__, "/pitches/?status=sent", 100, 25)
    assert found == "/pitches/?status=sent&page=5"
    assert pages.oldest_page(lambda _url: "", "/pitches/", 10, 25) == "/pitches/?page=1"


def test_a_tiny_run_fills_measures_and_writes_results(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(prepare, "CACHE", tmp_path / "cache")
    results = tmp_path / "RESULTS.md"
    argv = ["--sizes", "20,40", "--databases", "sqlite", "--others", "1", "--runs", "1"]
    argv += ["--no-serve", "--only", "pitch list", "--write", str(results), "--title", "smoke"]
    main(argv)
    out = capsys.readouterr().out
    assert "pitch list, oldest page" in out and "queries" in out
    # Each page at both sizes back to back: a machine slowing down mid-run slows both.
    timed = [line.split()[1:4] for line in out.splitlines() if " ms  p95 " in line]
    assert timed[:4] == [["20", "1", "bare"], ["40", "1", "bare"], ["20", "1", "pitch"],
                         ["40", "1", "pitch"]]  # fmt: skip
    text = results.read_text()
    assert "## smoke" in text and "| pitch list |" in text
    speed = re.search(r"machine speed \(bench/speed.py, lower is faster\): ([\d.]+) ms", text)
    assert speed and float(speed.group(1)) > 0
    main([*argv[:-2], "--title", "again"])  # the cached fill, a second section beside the first
    text = results.read_text()
    assert "## smoke" in text and "## again" in text
    assert "filled" not in capsys.readouterr().out
    # One row a page: the same list measured showing less (the app reads CRM_PAGE_SIZE).
    monkeypatch.setenv("CRM_PAGE_SIZE", "25")  # put back as it was (unset) after the test
    main([*argv[:-2], "--title", "one row", "--page-size", "1"])
    text = results.read_text()
    assert "- list pages: 1 rows a page (--page-size)" in text.split("## one row")[1]
    assert _kilobytes(text, "one row", "pitch list") < _kilobytes(text, "again", "pitch list")


def _kilobytes(text: str, title: str, label: str) -> float:
    """The first KB column of `label`'s row in section `title`."""
    section = text.split(f"## {title}\n")[1].split("\n## ")[0]
    lines = section.splitlines()
    header = [
        cell.strip() for cell in next(li for li in lines if li.startswith("| page |")).split("|")
    ]
    row = next(li for li in lines if li.startswith(f"| {label} |")).split("|")
    return float(row[next(n for n, cell in enumerate(header) if cell.startswith("KB"))])


def test_rounds_combine_as_medians_keeping_the_worst_news() -> None:
    def timing(p50: float, status: int = 200, queries: int = 5) -> Timing:
        return Timing("page", "/page", status, p50, p50 * 2, p50 / 2, queries, 10.0)

    combined = median_timing([timing(9.0), timing(30.0, status=500, queries=6), timing(10.0)])
    assert (combined.p50_ms, combined.p95_ms, combined.cpu_ms) == (10.0, 20.0, 5.0)
    assert combined.status == 500 and combined.queries == 6  # a failure or growth is not voted out
    served = median_served([Served("page", rps, 1, rps / 10) for rps in (50.0, 10.0, 40.0)])
    assert (served.rps, served.p50_ms, served.not_200) == (40.0, 4.0, 3)


def test_every_main_page_is_measured_or_excused(app) -> None:
    from tests.main_pages import MAIN_PAGES

    adapter = app.url_map.bind("localhost")

    def endpoint(url: str) -> str:
        return adapter.match(url.split("?")[0], method="GET")[0]

    filled = fill.Filled(
        1, 10, 10, brand_id=1, pitch_id=1, numbered_name="Brand 4", deal_id=1, invoice_id=1,
        calendar_token="t", approval_token="a", kit_slug="k",
    )  # fmt: skip
    measured = {endpoint(page.url(filled)) for page in pages.PAGES}
    names = (
        "brand_id",
        "pitch_id",
        "contact_id",
        "snapshot_id",
        "video_id",
        "entry_id",
        "expense_id",
        "live_id",
        "deal_id",
        "deliverable_id",
        "rights_deal_id",
        "calendar_token",
        "approval_token",
        "kit_slug",
        "invoice_id",
        "won_pitch_id",
    )
    ids = dict.fromkeys(names, 1)
    main = {endpoint(page.url(ids)) for page in MAIN_PAGES}
    assert main - measured - set(pages.NOT_MEASURED) == set()
    assert set(pages.NOT_MEASURED) <= main, "an excuse for a page that is not a main page"
    assert not set(pages.NOT_MEASURED) & measured, "a page both measured and excused"
