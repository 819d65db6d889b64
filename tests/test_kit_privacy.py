"""Nothing private reaches the media kit: every text column of the account holds a marker,
and the kit's page, JSON and PDF are scanned for them.

The walk is generic over the metadata (every String and Text column of every table the
creator owns), so a column added later is covered without a line here. Only the columns
public by design may show, and brand names only for the brands ticked for the kit.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

import crm.models  # noqa: F401  (every table on the metadata)
from crm.database import Base
from crm.deals import invoice_pdf
from crm.kit.models import KitBrand, MediaKit
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


def _mark_everything(connection: sa.Connection, owner_id: int) -> dict[int, tuple[str, str]]:
    """Put "Zq<column>Q<row id>x" in every text column of the creator's rows."""
    columns: dict[int, tuple[str, str]] = {}
    for table in Base.metadata.sorted_tables:
        where = _owned_by(table, owner_id)
        if where is None or "id" not in table.c:
            continue
        for column in _text_columns(table):
            number = len(columns)
            marker = sa.literal(f"Zq{number:03d}Q") + sa.cast(table.c.id, sa.String) + "x"
            savepoint = connection.begin_nested()
            try:
                connection.execute(table.update().where(where).values({column.name: marker}))
            except sa.exc.IntegrityError:
                savepoint.rollback()  # a CHECK on its values (a status): no free text in it
                continue
            savepoint.commit()
            columns[number] = (table.name, column.name)
    return columns


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
    ):
        fill(session, user, ids)
    session.commit()
    columns = _mark_everything(connection, user.id)
    session.expire_all()
    ticked = set(session.scalars(sa.select(KitBrand.brand_id).where(KitBrand.owner_id == user.id)))
    slug = session.scalar(sa.select(MediaKit.slug).where(MediaKit.owner_id == user.id))
    return {"columns": columns, "ticked": ticked, "slug": slug}


def _leaks(text: str, marked: dict[str, Any]) -> set[str]:
    leaks = set()
    for number, row_id in MARK.findall(text):
        table, column = marked["columns"][int(number)]
        if (table, column) in PUBLIC_COLUMNS:
            continue
        if (table, column) == ("brands", "name") and int(row_id) in marked["ticked"]:
            continue
        leaks.add(f"{table}.{column} (row {row_id})")
    return leaks


def test_the_scan_marks_every_private_column(marked) -> None:
    assert set(marked["columns"].values()) >= MUST_MARK


def test_no_private_field_appears_on_the_kit_its_json_or_its_pdf(app, marked, monkeypatch) -> None:
    rendered: dict[str, str] = {}

    class FakeHTML:
        def __init__(self, string: str, base_url: str) -> None:
            rendered["html"] = string

        def write_pdf(self) -> bytes:
            return b"%PDF"

    monkeypatch.setattr(invoice_pdf, "_weasyprint", lambda: type("W", (), {"HTML": FakeHTML}))
    client = app.test_client()  # a stranger: not logged in
    slug = marked["slug"]
    assert MARK.fullmatch(slug), "the slug is marked too (it is public)"
    texts = {}
    for path in (f"/kit/{slug}", f"/kit/{slug}.json", f"/kit/{slug}.pdf"):
        response = client.get(path)
        assert response.status_code == 200, path
        texts[path] = response.get_data(as_text=True) if "pdf" not in path else rendered["html"]
    for path, text in texts.items():
        assert not _leaks(text, marked), f"{path} shows {sorted(_leaks(text, marked))}"
    page = texts[f"/kit/{slug}"]
    shown = {marked["columns"][int(n)] for n, _row in MARK.findall(page)}
    # The scan sees the page: the public fields are there, a ticked brand's name among them.
    assert {("users", "display_name"), ("media_kits", "bio"), ("brands", "name")} <= shown
