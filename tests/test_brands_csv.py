"""CSV import and export: all or nothing, line numbers, re-import, formulas, size limit."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from crm.brands import csvfile
from crm.brands.csvfile import neutralise, restore
from crm.brands.import_writing import apply_import, import_brands
from crm.brands.importing import ImportRejected, read_rows
from crm.brands.merging import plan_import
from crm.brands.models import Brand, BrandStatus, BrandTag, Contact
from crm.timeline.models import BrandActivity
from tests.factories_brands import make_brand, make_contact

HEADER = (
    "name,website,tiktok_handle,tiktok_followers,product_category,status,tags,"
    "contact_name,contact_email,contact_role,contact_primary\n"
)
GLOW = 'Glow Theory,glowtheory.com,@glowtheory,3.8K,Beauty & skincare,In talks,"skincare, q4",'
GOOD = (
    HEADER
    + GLOW
    + "Dana Reyes,dana@glowtheory.com,Partnerships,yes\n"
    + GLOW
    + "Sam Okafor,sam@glowtheory.com,Paid social,no\n"
    + "Crumb & Co,,,860,food,contacted,local,,,,\n"
)


def counts(session, user) -> tuple[int, int, int]:
    def count(model) -> int:
        return session.scalar(select(func.count()).where(model.owner_id == user.id)) or 0

    return count(Brand), count(Contact), count(BrandTag)


def run_import(session, user, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    result = import_brands(session, user.id, read_rows(data))
    session.commit()
    return result


def problems_of(text: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as rejected:
        read_rows(text.encode() if isinstance(text, str) else text)
    return [(p.line, p.message) for p in rejected.value.problems]


def test_import_creates_brands_with_contacts_and_tags(session, user) -> None:
    result = run_import(session, user, GOOD)
    assert (result.created, result.updated, result.contacts_added) == (2, 0, 2)
    glow = session.scalars(select(Brand).where(Brand.name == "Glow Theory")).one()
    assert (glow.tiktok_handle, glow.tiktok_followers, glow.product_category) == (
        "glowtheory",
        3_800,
        "beauty",
    )
    assert glow.status == BrandStatus.IN_TALKS
    assert [(c.name, c.is_primary) for c in glow.contacts] == [
        ("Dana Reyes", True),
        ("Sam Okafor", False),
    ]
    crumb = session.scalars(select(Brand).where(Brand.name == "Crumb & Co")).one()
    assert crumb.status == BrandStatus.CONTACTED
    kinds = session.scalars(select(BrandActivity.kind).where(BrandActivity.brand_id == crumb.id))
    assert list(kinds) == ["imported"]


def test_importing_the_same_file_twice_changes_nothing(session, user) -> None:
    run_import(session, user, GOOD)
    before = counts(session, user)
    activities = session.scalar(select(func.count(BrandActivity.id)))
    again = run_import(session, user, GOOD)
    assert (again.created, again.updated, again.unchanged, again.contacts_added) == (0, 0, 2, 0)
    assert counts(session, user) == before
    assert session.scalar(select(func.count(BrandActivity.id))) == activities


def test_rows_match_on_handle_then_domain_then_name(session, user) -> None:
    by_handle = make_brand(session, user, name="Old Name", tiktok_handle="glowtheory")
    by_domain = make_brand(session, user, name="Nest", website="https://www.nestwell.co")
    by_name = make_brand(session, user, name="Crumb & Co")
    text = (
        "name,tiktok_handle,website,tiktok_followers\n"
        "Glow Theory,glowtheory,,100\n"
        "Nestwell Storage,,nestwell.co/shop,200\n"
        "CRUMB & CO,,,300\n"
    )
    result = run_import(session, user, text)
    assert (result.created, result.updated) == (0, 3)
    session.expire_all()
    assert (by_handle.name, by_handle.tiktok_followers) == ("Glow Theory", 100)
    assert (by_domain.name, by_domain.tiktok_followers) == ("Nestwell Storage", 200)
    assert by_name.tiktok_followers == 300
    updates = session.scalars(
        select(BrandActivity.text).where(
            BrandActivity.brand_id == by_domain.id, BrandActivity.kind == "imported"
        )
    ).all()
    assert updates == ["Updated by CSV import: name, website, tiktok followers."]


def test_empty_cells_leave_stored_values_alone(session, user) -> None:
    brand = make_brand(session, user, name="Glow", tiktok_followers=999, notes="Keep me.")
    run_import(session, user, "name,tiktok_followers,notes\nGlow,,\n")
    session.refresh(brand)
    assert (brand.tiktok_followers, brand.notes) == (999, "Keep me.")


def test_import_adds_contacts_to_existing_brands_matching_on_email(session, user) -> None:
    brand = make_brand(session, user, name="Glow")
    make_contact(session, user, brand, name="Dana", email="dana@glow.com")
    text = (
        "name,contact_name,contact_email,contact_role\nGlow,Dana R,DANA@glow.com,CEO\nGlow,Sam,,\n"
    )
    result = run_import(session, user, text)
    assert result.contacts_added == 1
    session.expire_all()
    assert sorted((c.name, c.role) for c in brand.contacts) == [("Dana R", "CEO"), ("Sam", "")]


def test_a_bad_file_writes_nothing_and_names_every_bad_line(session, user) -> None:
    bad = (
        HEADER
        + "Good Brand,,,,,,,,,,\n"
        + ",glow.com,,,,,,,,,\n"
        + "Bad Site,javascript:alert(1),,-5,,,,,,,\n"
        + "Bad Status,,,,,emperor,,,,,\n"
        + "Bad Contact,,,,,,,,not-an-email,,\n"
    )
    problems = problems_of(bad)
    lines = [line for line, _message in problems]
    assert lines == [3, 4, 4, 5, 6, 6]
    messages = " | ".join(message for _line, message in problems)
    assert "name: every row needs the brand's name." in messages
    assert "website: Enter a website" in messages
    assert "tiktok_followers: '-5' is not a follower count." in messages
    assert "status: 'emperor' is not one of: Lead, Contacted" in messages
    assert "contact_email: Enter an email address" in messages
    assert "contact_name: a contact needs a name." in messages
    assert counts(session, user) == (0, 0, 0)


def test_line_numbers_count_lines_in_quoted_cells(session, user) -> None:
    text = 'name,notes\nGlow,"two\nline notes"\n,missing name\n'
    assert problems_of(text) == [(4, "name: every row needs the brand's name.")]


def test_clash_with_stored_data_rolls_everything_back(session, user, logged_in) -> None:
    make_brand(session, user, name="Glow", tiktok_handle="glowtheory")
    text = "name,tiktok_handle\nNew Brand,newbrand\nGlow,otherhandle\n"
    response = logged_in.post(
        "/brands/import", data={"file": (io.BytesIO(text.encode()), "brands.csv")}
    )
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Glow is already saved with @glowtheory, not @otherhandle." in page
    assert counts(session, user)[0] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("name\n", "There are no brands in the file, only a header."),
        ("website\nglow.com\n", "The first line must name the columns"),
        ("name,colour\nGlow,red\n", "Unknown column(s): colour"),
        ("name\nGlow,extra\n", "This row has 2 cells but the header names 1 columns."),
    ],
)
def test_file_shape_problems_are_explained(text: str, message: str) -> None:
    assert any(message in found for _line, found in problems_of(text))


def test_too_many_rows_are_refused() -> None:
    text = "name\n" + "".join(f"Brand {n}\n" for n in range(5_001))
    assert problems_of(text)[-1] == (5_002, "Import at most 5,000 rows at a time.")


def test_excel_files_with_bom_semicolons_or_windows_encoding_import(session, user) -> None:
    run_import(session, user, "\ufeffname;tiktok_followers\nCafé Luna;1 200\n".encode())
    run_import(session, user, "name,notes\nCrème Co,Très bien\n".encode("cp1252"))
    names = sorted(session.scalars(select(Brand.name)))
    assert names == ["Café Luna", "Crème Co"]


def test_header_names_are_forgiving_about_case_and_spaces(session, user) -> None:
    run_import(session, user, "Name,TikTok Handle,Runs TikTok Ads\nGlow,@glow,Yes\n")
    brand = session.scalars(select(Brand)).one()
    assert (brand.tiktok_handle, brand.runs_tiktok_ads) == ("glow", True)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Glow = good", "Glow = good"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe
    assert restore(neutralise(cell)) == cell


def export(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/brands/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_export_neutralises_formulas_in_every_cell(logged_in, session, user) -> None:
    brand = make_brand(session, user, name="=cmd|' /C calc'!A0", notes="-10% off", tags="@tag")
    make_contact(session, user, brand, name="+Anna", role="=1+1")
    header, row = export(logged_in)
    values = dict(zip(header, row, strict=True))
    assert values["name"] == "'=cmd|' /C calc'!A0"
    assert values["notes"] == "'-10% off"
    assert values["tags"] == "'@tag"
    assert (values["contact_name"], values["contact_role"]) == ("'+Anna", "'=1+1")


def test_export_has_one_row_per_contact_and_only_the_creators_brands(
    logged_in, session, user, other_user
) -> None:
    glow = make_brand(session, user, name="Glow")
    make_contact(session, user, glow, name="Dana")
    make_contact(session, user, glow, name="Sam")
    make_brand(session, user, name="Crumb")
    make_brand(session, other_user, name="Secret")
    rows = export(logged_in)[1:]
    assert [(r[0], r[11]) for r in rows] == [("Crumb", ""), ("Glow", "Dana"), ("Glow", "Sam")]


def test_a_large_export_is_sent_in_pieces_as_it_is_read(
    logged_in, session, user, monkeypatch
) -> None:
    for n in range(7):
        brand = make_brand(session, user, name=f"Brand {n}", tags=f"t{n}, shared")
        for name in ("Ann", "Bo")[: 1 + n % 2]:
            make_contact(session, user, brand, name=f"{name} {n}")
    whole = export(logged_in)
    monkeypatch.setattr(csvfile, "EXPORT_BATCH", 3)
    response = logged_in.get("/brands/export.csv")
    assert response.is_streamed
    pieces = [piece for piece in response.response if piece]
    assert len(pieces) >= 4  # the BOM, then one piece per three brands
    assert list(csv.reader(io.StringIO(b"".join(pieces).decode().lstrip("\ufeff")))) == whole
    last = dict(zip(whole[0], whole[-1], strict=True))
    assert len(whole) == 1 + 7 + 3 and (last["name"], last["tags"]) == ("Brand 6", "shared, t6")


def test_a_dropped_download_closes_its_session_at_once(
    logged_in, session, user, monkeypatch
) -> None:
    from crm import downloads

    for n in range(7):
        make_brand(session, user, name=f"Brand {n}")
    monkeypatch.setattr(csvfile, "EXPORT_BATCH", 2)
    handed: list = []
    real = downloads._closing

    def watched(reader, pieces):
        handed.append(reader)
        return real(reader, pieces)

    monkeypatch.setattr(downloads, "_closing", watched)
    response = logged_in.get("/brands/export.csv")
    pieces = iter(response.response)
    next(pieces), next(pieces)
    assert handed[0].in_transaction()  # still reading the rest
    response.close()  # the browser went away: nothing else happens to the response
    assert not handed[0].in_transaction()


def test_export_follows_the_list_filters(logged_in, session, user) -> None:
    make_brand(session, user, name="Glow", status=BrandStatus.CLIENT)
    make_brand(session, user, name="Crumb")
    assert [r[0] for r in export(logged_in, "?status=client")[1:]] == ["Glow"]


def test_an_export_imports_back_without_changes(logged_in, session, user) -> None:
    brand = make_brand(
        session,
        user,
        name="=Tricky",
        website="glow.com",
        tiktok_handle="glow",
        tiktok_followers=1_200,
        runs_tiktok_ads=True,
        status=BrandStatus.IN_TALKS,
        tags="q4, -sale",
        notes="+ notes\nover two lines",
    )
    make_contact(session, user, brand, name="Dana", email="dana@glow.com", role="-")
    # Read whole before the test's session queries: the download reads as it is sent.
    exported = logged_in.get("/brands/export.csv").get_data()
    before = counts(session, user)
    result = run_import(session, user, exported)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert counts(session, user) == before


def test_import_page_upload_shows_a_summary(logged_in, session, user) -> None:
    response = logged_in.post(
        "/brands/import",
        data={"file": (io.BytesIO(GOOD.encode()), "brands.csv")},
        follow_redirects=True,
    )
    assert "Import done: 2 new brands, 0 updated, 0 unchanged, 2 new contacts." in (
        response.get_data(as_text=True)
    )


def test_import_page_lists_bad_lines_and_writes_nothing(logged_in, session, user) -> None:
    text = "name,website\nGood,good.com\n<b>Bad</b>,javascript:x\n"
    response = logged_in.post(
        "/brands/import", data={"file": (io.BytesIO(text.encode()), "brands.csv")}
    )
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 1 problem to fix" in page
    assert '<td class="num">3</td>' in page
    assert counts(session, user) == (0, 0, 0)


def test_import_without_a_file_asks_for_one(logged_in) -> None:
    page = logged_in.post("/brands/import", data={}).get_data(as_text=True)
    assert "Choose a .csv file to import." in page


def test_an_upload_past_the_size_limit_gets_a_clear_error(logged_in, session, user) -> None:
    boundary = "limit"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nname\r\n"
        ).encode()
        + b"x" * (2 * 1024 * 1024 + 1)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    # Raw bytes, not a file tuple: the test client spools big files to a temp file it never closes.
    response = logged_in.post(
        "/brands/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "Uploads can be at most 2 MB." in response.get_data(as_text=True)
    assert counts(session, user) == (0, 0, 0)


def test_the_import_template_downloads_and_imports_as_it_is(logged_in, session, user) -> None:
    response = logged_in.get("/brands/import-template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('"brands-import-template.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffname,website,tiktok_handle")
    assert 'href="/brands/import-template.csv"' in logged_in.get("/brands/import").get_data(
        as_text=True
    )
    imported = logged_in.post(
        "/brands/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), "template.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    brand = session.scalars(select(Brand).where(Brand.owner_id == user.id)).one()
    assert (brand.name, brand.tiktok_handle, brand.contacts[0].email) == (
        "Glow Theory Skincare",
        "glowtheory",
        "dana@glowtheory.com",
    )


def test_an_import_planned_on_stale_data_is_planned_again_before_writing(session, user) -> None:
    rows = read_rows(b"name,tiktok_handle,tiktok_followers\nGlow Theory,glowtheory,100\n")
    plan = plan_import(session, user.id, rows)
    # Between planning (no lock) and writing, another tab saves the same brand.
    twin = make_brand(session, user, name="Glow", tiktok_handle="glowtheory")
    result = apply_import(session, plan)
    session.commit()
    assert (result.created, result.updated) == (0, 1)
    assert counts(session, user)[0] == 1
    session.refresh(twin)
    assert (twin.name, twin.tiktok_followers) == ("Glow Theory", 100)


def test_a_clash_that_appears_after_planning_still_writes_nothing(session, user) -> None:
    brand = make_brand(session, user, name="Glow")
    rows = read_rows(b"name,tiktok_handle\nNew Brand,newbrand\nGlow,glowtheory\n")
    plan = plan_import(session, user.id, rows)
    brand.tiktok_handle = "glowco"
    session.commit()
    with pytest.raises(ImportRejected) as rejected:
        apply_import(session, plan)
    session.rollback()
    assert [p.message for p in rejected.value.problems] == [
        "Glow is already saved with @glowco, not @glowtheory."
    ]
    assert counts(session, user)[0] == 1


def test_import_keeps_the_primary_contact_rule_when_a_row_moves_it(session, user) -> None:
    brand = make_brand(session, user, name="Glow")
    make_contact(session, user, brand, name="Dana", email="dana@glow.com", is_primary=True)
    text = "name,contact_name,contact_email,contact_primary\nGlow,Sam,sam@glow.com,yes\n"
    run_import(session, user, text)
    session.expire_all()
    assert [(c.name, c.is_primary) for c in brand.contacts] == [("Sam", True), ("Dana", False)]
