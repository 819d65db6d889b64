"""Nothing private reaches a brand: every text column and every money column (*_cents) of
the account holds a marker, and every brand-facing page that shows without the brand's own
input (crm.public.BRAND_FACING: the kit, its JSON and PDF, the inquiry form and its sent
page, an approval link's page) is scanned for them.

The walk is generic over the metadata (every String and Text column, every integer *_cents
column, of every table the creator owns), so a column added later is covered without a
line here. Only the columns public by design may show, brand names only for the brands
ticked for the kit, and on an approval page only what that link's deal sends the brand.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

import crm.models  # noqa: F401  (every table on the metadata)
from crm.accounts.services import token_hash
from crm.approvals.models import ApprovalLink
from crm.database import Base
from crm.deals import invoice_pdf
from crm.deals.models import Deliverable
from crm.kit.models import KitBrand, MediaKit
from crm.public import BRAND_FACING
from tests import main_pages

# Public by design: what the kit is for. Brand names: only the ticked brands'.
PUBLIC_COLUMNS = {
    ("users", "display_name"),
    ("users", "tiktok_handle"),
    ("users", "niche"),  # shown as the niche's label, or the key when it is not one
    ("media_kits", "bio"),
    ("media_kits", "slug"),
    ("portfolio_videos", "title"),
    ("portfolio_videos", "url"),
    ("audience_shares", "key"),  # the territory or gender label
}
MARK = re.compile(r"Zq(\d{3})Q(\d+)x")
# A money column's marker: MONEY_MARK_BASE dollars plus its number, and 41 cents
# ($73,0nn.41), found with or without the thousands comma, as dollars or as cents.
MONEY_MARK_BASE = 73_000
MONEY_MARK = re.compile(r"(?<![\d.])73,?0(\d{2})(?=\.?41\b|\b)")
PUBLIC_MONEY = {
    ("media_kits", "ugc_video_cents"),  # the rate card
    ("media_kits", "sponsored_post_cents"),
    ("media_kits", "package_cents"),
    ("media_kits", "retainer_cents"),
}
# The account's private amounts the scan must have marked.
MUST_MARK_MONEY = {
    ("deals", "amount_cents"),
    ("income_entries", "amount_cents"),
    ("pitches", "quoted_cents"),
    ("users", "income_goal_cents"),
}
# An approval page shows the brand its deal's title and each covered deliverable's title,
# brief and draft link: public to that brand by design (checked per row, not per column).
APPROVAL_PAGE_SHOWS = ("title", "brief", "draft_url")
# Brand-facing endpoints that show only after the brand typed something: not scanned here.
NEEDS_THE_BRANDS_INPUT = {
    "inquire.send": "the inquiry the brand filled in (it shows their own words back)",
    "approve.answer": "the brand's approve or revision (it answers with the approval page)",
}
# The account's private text the scan must have marked (proof it is not vacuous).
MUST_MARK = {
    ("users", "email"),
    ("brands", "notes"),
    ("contacts", "email"),
    ("contacts", "name"),
    ("pitches", "body"),
    ("pitches", "subject"),
    ("brand_activities", "text"),
    ("deals", "notes"),
    ("deliverables", "brief"),
    ("income_entries", "note"),
    ("income_entries", "program"),
    ("expenses", "note"),
    ("invoices", "notes"),
    ("invoice_lines", "description"),
    ("invoice_settings", "tax_id"),
    ("invoice_settings", "address"),
    ("invoice_settings", "payment_instructions"),
    ("invoices", "billing_details"),
    ("pitch_email_templates", "body"),
}


def _owned_by(table: sa.Table, owner_id: int) -> Any:
    """A WHERE clause for the creator's rows of `table`, or None when it isn't theirs."""
    if table.name == "users":
        return table.c.id == owner_id
    if "owner_id" in table.c:
        return table.c.owner_id == owner_id
    for key in table.foreign_keys:
        parent = key.column.table
        if parent is not table and "owner_id" in parent.c:
            inner = sa.select(parent.c.id).where(parent.c.owner_id == owner_id)
            return key.parent.in_(inner)
    return None


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [
        column
        for column in table.columns
        if isinstance(column.type, sa.String | sa.Text)
        and not isinstance(column.type, sa.Enum)
        and not column.foreign_keys
        and (column.type.length is None or column.type.length >= 12)
    ]


def _money_columns(table: sa.Table) -> list[sa.Column]:
    return [
        column
        for column in table.columns
        if column.name.endswith("_cents") and isinstance(column.type, sa.Integer)
    ]


def _marked(connection: sa.Connection, table: sa.Table, where: Any, values: dict) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(table.update().where(where).values(values))
    except sa.exc.IntegrityError:
        savepoint.rollback()  # a CHECK on its values (a status, a total): nothing free in it
        return False
    savepoint.commit()
    return True


def _some_marked(connection: sa.Connection, table: sa.Table, where: Any, values: dict) -> bool:
    """Row by row, for a column whose CHECK refuses the marker on some rows (a gifted deal
    has no cash): the rows that take it."""
    ids = connection.scalars(sa.select(table.c.id).where(where)).all()
    results = [_marked(connection, table, table.c.id == row_id, values) for row_id in ids]
    return any(results)


def _mark_everything(connection: sa.Connection, owner_id: int) -> dict[str, dict]:
    """Put "Zq<column>Q<row id>x" in every text column of the creator's rows, and
    $73,0<column>.41 in every money column."""
    columns: dict[int, tuple[str, str]] = {}
    money: dict[int, tuple[str, str]] = {}
    for table in Base.metadata.sorted_tables:
        where = _owned_by(table, owner_id)
        if where is None or "id" not in table.c:
            continue
        for column in _text_columns(table):
            number = len(columns)
            marker = sa.literal(f"Zq{number:03d}Q") + sa.cast(table.c.id, sa.String) + "x"
            if _marked(connection, table, where, {column.name: marker}):
                columns[number] = (table.name, column.name)
        for column in _money_columns(table):
            # Counting down: a later column of a table (a deposit) stays below an earlier one
            # (the amount), as the tables' CHECKs want.
            number = 99 - len(money)
            values = {column.name: (MONEY_MARK_BASE + number) * 100 + 41}
            if _marked(connection, table, where, values) or _some_marked(
                connection, table, where, values
            ):
                money[number] = (table.name, column.name)
    return {"columns": columns, "money": money}


@pytest.fixture
def marked(app, session, user, connection) -> dict[str, Any]:
    """The account full of data, then every text column marked; the kit's slug."""
    ids: dict[str, Any] = {}
    for fill in (
        main_pages.brand_page,
        main_pages.deals,
        main_pages.invoices,
        main_pages.income_year,
        main_pages.live_sessions,
        main_pages.imports,
        main_pages.email_templates,
        main_pages.add_on_policy,
        main_pages.calendar_events,
        main_pages.media_kit,
        main_pages.approvals,
    ):
        fill(session, user, ids)
    session.commit()
    token = ids["approval_token"]
    link = session.scalars(
        sa.select(ApprovalLink).where(ApprovalLink.token_hash == token_hash(token))
    ).one()
    found = _mark_everything(connection, user.id)
    # The link's hash was marked too: put it back so the link opens.
    links = ApprovalLink.__table__
    restore = {"token_hash": token_hash(token)}
    connection.execute(links.update().where(links.c.id == link.id).values(restore))
    session.expire_all()
    ticked = set(session.scalars(sa.select(KitBrand.brand_id).where(KitBrand.owner_id == user.id)))
    slug = session.scalar(sa.select(MediaKit.slug).where(MediaKit.owner_id == user.id))
    shown_rows = {("deals", "title", link.deal_id)}
    for item_id in session.scalars(
        sa.select(Deliverable.id).where(Deliverable.deal_id == link.deal_id)
    ):
        shown_rows |= {("deliverables", column, item_id) for column in APPROVAL_PAGE_SHOWS}
    return {
        **found,
        "ticked": ticked,
        "slug": slug,
        "approval_token": token,
        "approval_rows": shown_rows,
    }


def _leaks(text: str, marked: dict[str, Any], allowed_rows: frozenset = frozenset()) -> set[str]:
    leaks = set()
    for number, row_id in MARK.findall(text):
        table, column = marked["columns"][int(number)]
        if (table, column) in PUBLIC_COLUMNS or (table, column, int(row_id)) in allowed_rows:
            continue
        if (table, column) == ("brands", "name") and int(row_id) in marked["ticked"]:
            continue
        leaks.add(f"{table}.{column} (row {row_id})")
    for number in MONEY_MARK.findall(text):
        table, column = marked["money"].get(int(number), ("?", f"an amount 73,0{number}"))
        if (table, column) not in PUBLIC_MONEY:
            leaks.add(f"{table}.{column}")
    return leaks


def test_the_scan_marks_every_private_column(marked) -> None:
    assert set(marked["columns"].values()) >= MUST_MARK
    assert set(marked["money"].values()) >= MUST_MARK_MONEY


def _brand_pages(marked: dict[str, Any]) -> dict[str, str]:
    """endpoint -> the path a stranger opens (every BRAND_FACING page that needs no input)."""
    slug, token = marked["slug"], marked["approval_token"]
    return {
        "kit.page": f"/kit/{slug}",
        "kit.as_json": f"/kit/{slug}.json",
        "kit.pdf": f"/kit/{slug}.pdf",
        "inquire.form": f"/kit/{slug}/inquire",
        "inquire.sent": f"/kit/{slug}/inquire/sent",
        "approve.page": f"/approve/{token}",
    }


def test_every_brand_facing_page_is_scanned_or_needs_the_brands_input(app, marked) -> None:
    pages = _brand_pages(marked)
    assert set(pages) | set(NEEDS_THE_BRANDS_INPUT) == BRAND_FACING
    urls = app.url_map.bind("crm.test")
    assert {urls.match(path)[0] for path in pages.values()} == set(pages)


def test_no_private_field_appears_on_any_brand_facing_page(app, marked, monkeypatch) -> None:
    rendered: dict[str, str] = {}

    class FakeHTML:
        def __init__(self, string: str, base_url: str, **_options: Any) -> None:
            rendered["html"] = string

        def write_pdf(self) -> bytes:
            return b"%PDF"

    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: type("W", (), {"HTML": FakeHTML}))
    client = app.test_client()  # a stranger: not logged in
    assert MARK.fullmatch(marked["slug"]), "the slug is marked too (it is public)"
    texts = {}
    for endpoint, path in _brand_pages(marked).items():
        response = client.get(path)
        assert response.status_code == 200, path
        texts[endpoint] = rendered["html"] if endpoint == "kit.pdf" else response.get_data(True)
    approval_rows = frozenset(marked["approval_rows"])
    for endpoint, text in texts.items():
        allowed = approval_rows if endpoint == "approve.page" else frozenset()
        leaks = _leaks(text, marked, allowed)
        assert not leaks, f"{endpoint} shows {sorted(leaks)}"
    page = texts["kit.page"]
    shown = {marked["columns"][int(n)] for n, _row in MARK.findall(page)}
    # The scan sees the page: the public fields are there, a ticked brand's name among them.
    assert {("users", "display_name"), ("media_kits", "bio"), ("brands", "name")} <= shown
    assert {marked["money"][int(n)] for n in MONEY_MARK.findall(page)} & PUBLIC_MONEY
    approval = {marked["columns"][int(n)] for n, _row in MARK.findall(texts["approve.page"])}
    assert {("deals", "title"), ("deliverables", "brief")} <= approval


def test_the_scan_finds_a_private_amount_and_another_deals_brief(marked) -> None:
    """The scan can fail: a private amount, or an approval page showing a row off its link."""
    number, _where = next(
        (n, w) for n, w in marked["money"].items() if w == ("deals", "amount_cents")
    )
    assert _leaks(f"<td>$73,0{number:02d}.41</td>", marked) == {"deals.amount_cents"}
    assert _leaks(f'"amount": 730{number:02d}41', marked) == {"deals.amount_cents"}
    brief = next(n for n, w in marked["columns"].items() if w == ("deliverables", "brief"))
    allowed = frozenset(marked["approval_rows"])
    shown = max(row for table, _column, row in allowed if table == "deliverables")
    assert not _leaks(f"Zq{brief:03d}Q{shown}x", marked, allowed)
    assert _leaks(f"Zq{brief:03d}Q{shown + 10_000}x", marked, allowed)
