"""The imports pages: upload, preview, import, map a creator's own CSV, undo."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.dates import show_date
from crm.imports.models import ColumnMappingKept, Import
from crm.income.models import IncomeEntry
from crm.ownership import owned
from tests.factories_brands import make_brand
from tests.page_text import field_error, input_value
from tests.test_import_ltk import HEADER, ltk_line

LTK = HEADER + ltk_line("11/3/25", commission="$8.42") + ltk_line("11/3/25", commission="$1.58")
OWN = 'Paid on,Client,Amount,Memo\n2025-11-03,Glow Labs,"$1,250.00",3 videos\n'


def _upload(client, text: str, name: str = "export.csv", source: str = ""):
    data = {"file": (io.BytesIO(text.encode()), name), "source": source}
    return client.post("/imports/preview", data=data, content_type="multipart/form-data")


def _hidden(page: str) -> dict[str, str]:
    """The hidden fields a preview or mapping page carries to its next step."""
    return dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page)
                + re.findall(r'<input[^>]*type="hidden"[^>]*name="(\w+)"[^>]*value="([^"]*)"',
                             page))  # fmt: skip


def _entries(session, owner_id: int) -> list[tuple[int, str]]:
    rows = session.scalars(owned(IncomeEntry, owner_id).order_by(IncomeEntry.id))
    return [(e.amount_cents, e.stream) for e in rows]


def test_an_upload_is_previewed_and_nothing_is_written_until_imported(
    logged_in, session, user
) -> None:
    response = _upload(logged_in, LTK)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "LTK earnings" in page and "$10" in page and "Nov 3, 2025" in page
    assert _entries(session, user.id) == []
    done = logged_in.post("/imports/commit", data=_hidden(page), follow_redirects=True)
    assert "Imported export.csv" in done.get_data(as_text=True)
    assert _entries(session, user.id) == [(1000, "affiliate")]


def test_the_same_file_again_says_so_and_changes_nothing(logged_in, session, user) -> None:
    logged_in.post("/imports/commit", data=_hidden(_upload(logged_in, LTK).get_data(as_text=True)))
    again = _upload(logged_in, LTK).get_data(as_text=True)
    assert "You imported this file already" in again and ">Import</button>" not in again
    logged_in.post("/imports/commit", data=_hidden(again))
    assert len(_entries(session, user.id)) == 1


def test_a_file_that_is_no_export_is_refused_beside_the_field(logged_in, session, user) -> None:
    data = {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "photo.csv"), "source": "ltk"}
    response = logged_in.post("/imports/preview", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "photo.csv is a PNG image" in field_error(page, "file")
    assert "flash-error" not in page and "Nothing imported yet" in page
    # The source chosen stays chosen.
    assert re.search(
        r'<option[^>]*selected[^>]*value="ltk"|<option[^>]*value="ltk"[^>]*selected', page
    )


OVERVIEW = "Date,Video Views,Profile Views,Likes,Comments,Shares\nApril 12,100,5,9,1,0\n"


def test_the_wrong_source_says_what_the_file_looks_like(logged_in) -> None:
    response = _upload(logged_in, OVERVIEW, name="Overview.csv", source="ltk")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "file") == (
        "This looks like a TikTok Studio export, not LTK: choose TikTok Studio or Recognise "
        "it for me."
    )


def test_a_windows_csv_of_income_is_read_with_a_warning(logged_in, session, user) -> None:
    text = "Datum,Beschreibung,Betrag\n2025-10-03,Café collaboration Zoë,150.00\n"
    data = {"file": (io.BytesIO(text.encode("cp1252")), "income.csv"), "source": ""}
    mapping = _hidden(
        logged_in.post("/imports/preview", data=data, content_type="multipart/form-data").get_data(
            as_text=True
        )
    )
    mapping |= {"day": "Datum", "amount": "Betrag", "note": "Beschreibung",
                "day_order": "ymd", "decimal": ".", "default_stream": "ugc"}  # fmt: skip
    page = logged_in.post("/imports/map", data=mapping).get_data(as_text=True)
    assert "read as Western (Windows) text: check the accents below." in page
    logged_in.post("/imports/commit", data=_hidden(page))
    entry = session.scalars(owned(IncomeEntry, user.id)).one()
    assert (entry.amount_cents, entry.note) == (15000, "Café collaboration Zoë")


def test_a_zip_member_that_is_no_table_is_named(logged_in) -> None:
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("random.bin", bytes(range(256)) * 4)
    data = {"file": (io.BytesIO(packed.getvalue()), "junk.zip"), "source": ""}
    response = logged_in.post("/imports/preview", data=data, content_type="multipart/form-data")
    assert field_error(response.get_data(as_text=True), "file") == (
        "junk.zip holds random.bin, which isn't a CSV or Excel file."
    )


def test_no_file_chosen_is_refused_beside_the_field(logged_in) -> None:
    response = logged_in.post("/imports/preview", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "file") == "Choose the file you downloaded."


def test_an_upload_may_be_larger_than_other_forms_but_not_without_end(app, logged_in) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100  # every other form
    app.config["IMPORT_MAX_UPLOAD_BYTES"] = 2000
    assert _upload(logged_in, LTK * 3).status_code == 200  # past 100 bytes, under 2,000
    assert _upload(logged_in, LTK * 40).status_code == 413
    big = logged_in.post("/brands/import", data={"file": (io.BytesIO(b"x" * 500), "b.csv")},
                         content_type="multipart/form-data")  # fmt: skip
    assert big.status_code == 413


def test_an_own_csv_is_mapped_previewed_imported_and_its_mapping_remembered(
    logged_in, session, user
) -> None:
    glow = make_brand(session, user, name="Glow Labs")
    mapping_page = _upload(logged_in, OWN, name="payments.csv").get_data(as_text=True)
    assert "Which column holds what?" in mapping_page and "<code>Paid on</code>" in mapping_page
    choice = _hidden(mapping_page) | {"day": "Paid on", "amount": "Client", "day_order": "ymd",
                                      "decimal": ".", "default_stream": "ugc"}  # fmt: skip
    wrong = logged_in.post("/imports/map", data=choice).get_data(as_text=True)
    assert "Which column holds what?" in wrong  # "Glow Labs" is no amount: nothing to import
    choice |= {"amount": "Amount", "brand": "Client", "note": "Memo"}
    preview = logged_in.post("/imports/map", data=choice).get_data(as_text=True)
    assert "Your CSV of income" in preview and "$1,250" in preview
    logged_in.post("/imports/commit", data=_hidden(preview))
    entry = session.scalars(owned(IncomeEntry, user.id)).one()
    assert (entry.amount_cents, entry.stream, entry.brand_id, entry.note) == (
        125000, "ugc", glow.id, "3 videos")  # fmt: skip
    assert session.scalar(owned(ColumnMappingKept, user.id, func.count())) == 1
    # The next file of the same columns goes straight to its preview.
    later = OWN.replace("2025-11-03", "2025-11-04")
    assert "Your CSV of income" in _upload(logged_in, later).get_data(as_text=True)


def test_picking_no_date_column_is_refused_beside_the_field(logged_in) -> None:
    mapping_page = _upload(logged_in, OWN).get_data(as_text=True)
    choice = _hidden(mapping_page) | {"day": "", "amount": "Amount", "day_order": "ymd",
                                      "decimal": ".", "default_stream": "ugc"}  # fmt: skip
    page = logged_in.post("/imports/map", data=choice).get_data(as_text=True)
    assert field_error(page, "day") == "Pick the column that holds the date."


def test_an_import_is_listed_and_undone(logged_in, session, user) -> None:
    logged_in.post("/imports/commit", data=_hidden(_upload(logged_in, LTK).get_data(as_text=True)))
    record = session.scalars(owned(Import, user.id)).one()
    listed = logged_in.get("/imports/").get_data(as_text=True)
    assert "export.csv" in listed and f"/imports/{record.id}/undo" in listed
    logged_in.post(f"/imports/{record.id}/undo", follow_redirects=True)
    assert _entries(session, user.id) == []
    assert "undone" in logged_in.get("/imports/").get_data(as_text=True)


def test_another_creators_upload_hash_reaches_nothing(
    logged_in, auth, session, user, other_user
) -> None:
    hidden = _hidden(_upload(logged_in, LTK).get_data(as_text=True))
    auth.logout()
    auth.login(other_user.email)
    response = logged_in.post("/imports/commit", data=hidden, follow_redirects=True)
    assert "The upload expired" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Import)) == 0


def test_an_upload_is_read_once_for_its_preview_or_its_columns(logged_in, monkeypatch) -> None:
    from crm.imports import files

    opened: list[str] = []
    real = files.open_upload

    def counting(name, data, source):
        opened.append(name)
        return real(name, data, source)

    monkeypatch.setattr(files, "open_upload", counting)
    assert "LTK earnings" in _upload(logged_in, LTK, name="ltk.csv").get_data(as_text=True)
    assert opened == ["ltk.csv"]
    # A CSV no named source knows: the one read names its columns to map.
    mapping_page = _upload(logged_in, OWN, name="own.csv").get_data(as_text=True)
    assert "<code>Paid on</code>" in mapping_page and "<code>Memo</code>" in mapping_page
    assert opened == ["ltk.csv", "own.csv"]


def test_an_own_csv_sent_to_import_unmapped_asks_for_its_columns(logged_in, session, user) -> None:
    mapping_page = _upload(logged_in, OWN).get_data(as_text=True)
    page = logged_in.post("/imports/commit", data=_hidden(mapping_page)).get_data(as_text=True)
    assert "Which column holds what?" in page
    assert _entries(session, user.id) == []


IG_REACH = 'sep=,\n"Reach"\n"Date","Primary"\n"2025-10-31T00:00:00","1245"\n'.encode("utf-16")
IG_POSTS = (
    '"Post ID,""Account ID"",""Account username"",Description,Permalink,Date,Views"\n'
    '"1,2,me,""Hi"",https://instagram.test/p/1,2025-10-31,5"\n'
).encode("utf-8-sig")
YOUTUBE = (
    b"Content,Video title,Video publish time,Duration,Views,Watch time (hours)\n"
    b'Total,,,,181,2.4\nabc,My short,"Aug 28, 2025",9,181,2.4\n'
)
NOT_IMPORTED = (
    ": Creator CRM imports TikTok Studio, LTK, Amazon and TikTok Shop files, and income CSVs."
)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (IG_REACH, "an Instagram analytics export"),
        (IG_POSTS, "an Instagram analytics export"),
        (YOUTUBE, "a YouTube Studio export"),
    ],
)
@pytest.mark.parametrize("source", ["", "ltk"])
def test_other_platforms_exports_are_named_and_refused(logged_in, data, kind, source) -> None:
    form = {"file": (io.BytesIO(data), "export.csv"), "source": source}
    response = logged_in.post("/imports/preview", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "file") == f"This is {kind}{NOT_IMPORTED}"


SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no ../shared/samples here")
@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("instagram-meta/vsbperoto_IG_REACH_utf16.csv", "an Instagram analytics export"),
        ("instagram-meta/vsbperoto_IG_VIEWS_utf16.csv", "an Instagram analytics export"),
        ("instagram-meta/vsbperoto_INSTAGRAM_RAW_posts.csv", "an Instagram analytics export"),
        ("instagram-meta/vsbperoto_Follows_semicolon_resaved.csv", "a Facebook analytics export"),
        ("youtube-studio/table_data.csv", "a YouTube Studio export"),
        ("youtube-studio/chart_data_head40.csv", "a YouTube Studio export"),
    ],
)
def test_the_real_instagram_and_youtube_exports_are_refused(logged_in, relative, kind) -> None:
    form = {"file": (io.BytesIO((SAMPLES / relative).read_bytes()), "export.csv"), "source": ""}
    response = logged_in.post("/imports/preview", data=form, content_type="multipart/form-data")
    assert field_error(response.get_data(as_text=True), "file") == f"This is {kind}{NOT_IMPORTED}"


def _selected(page: str, name: str) -> str | None:
    """The option a <select name=...> shows chosen."""
    select_ = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select_, name
    chosen = re.search(
        r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
        select_.group(1),
    )
    return (chosen.group(1) or chosen.group(2)) if chosen else None


@pytest.mark.parametrize(
    ("header", "day", "note", "amount"),
    [
        ("Date,Description,Total", "Date", "Description", "Total"),
        ("fecha;descripción;importe", "fecha", "descripción", "importe"),
        ("Datum,Beschreibung,Betrag (EUR)", "Datum", "Beschreibung", "Betrag (EUR)"),
    ],
)
def test_the_mapping_page_picks_the_columns_their_names_say(logged_in, header, day, note, amount):
    page = _upload(logged_in, f"{header}\n2025-10-03{header[4] if ';' in header else ','}x,1\n")
    text = page.get_data(as_text=True)
    assert "Which column holds what?" in text
    assert (_selected(text, "day"), _selected(text, "note"), _selected(text, "amount")) == (
        day, note, amount)  # fmt: skip
    # No arbitrary stream: Other, until the creator picks; the help names no code keys.
    assert _selected(text, "default_stream") == "other"
    assert _selected(text, "status") == "paid"
    help_text = re.search(r"Its columns:(.*?)</p>", text, re.S).group(1)
    assert "Creator Rewards" in help_text and "creator_rewards" not in help_text


def test_a_mapped_preview_shows_its_first_lines_and_goes_back_to_the_columns(
    logged_in, session, user
) -> None:
    text = "Date,Description,Total\n" + "".join(
        f"2025-10-0{n},Collab {n},{n}0.00\n" for n in range(1, 8)
    )
    mapping = _hidden(_upload(logged_in, text).get_data(as_text=True))
    mapping |= {"day": "Date", "note": "Description", "amount": "Total", "day_order": "ymd",
                "decimal": ".", "default_stream": "ugc", "status": "expected"}  # fmt: skip
    preview = logged_in.post("/imports/map", data=mapping).get_data(as_text=True)
    assert "The first lines, as read" in preview
    assert [f"Collab {n}" in preview for n in range(1, 8)] == [True] * 5 + [False] * 2
    assert "not paid yet" in preview and "Change the columns" in preview
    back = logged_in.post("/imports/map", data=_hidden(preview) | {"change": "1"})
    page = back.get_data(as_text=True)
    assert "Which column holds what?" in page
    assert (_selected(page, "amount"), _selected(page, "status")) == ("Total", "expected")
    logged_in.post("/imports/commit", data=_hidden(preview))
    statuses = {e.status.value for e in session.scalars(owned(IncomeEntry, user.id))}
    assert statuses == {"expected"}
    # The next file of these columns is read with them, and says so, with the way back.
    again = _upload(logged_in, text.replace("2025-10-0", "2025-11-0")).get_data(as_text=True)
    assert "Date from <strong>Date</strong>" in again and "Change the columns" in again


def test_the_last_day_field_shows_the_day_read_and_left_so_changes_nothing(
    logged_in, session, user
) -> None:
    from crm.imports.models import DailyStats

    page = _upload(logged_in, OVERVIEW, name="Overview.csv").get_data(as_text=True)
    read_as = input_value(page, "ends_on")
    assert read_as is not None and read_as.endswith("-04-12")
    assert f"read as ending on {show_date(date.fromisoformat(read_as))}" in page
    # A year earlier, previewed again: the field keeps the correction.
    earlier = f"{int(read_as[:4]) - 1}-04-12"
    again = logged_in.post(
        "/imports/commit", data=_hidden(page) | {"ends_on": earlier, "again": "1"}
    )
    corrected = again.get_data(as_text=True)
    assert input_value(corrected, "ends_on") == earlier
    logged_in.post("/imports/commit", data=_hidden(corrected) | {"ends_on": earlier})
    assert [d.day.isoformat() for d in session.scalars(owned(DailyStats, user.id))] == [earlier]


def test_the_imports_list_keeps_each_date_whole_and_taps_are_40px(logged_in) -> None:
    page = _upload(logged_in, LTK).get_data(as_text=True)
    assert "Cancel</a>" in page
    logged_in.post("/imports/commit", data=_hidden(page))
    listing = logged_in.get("/imports/").get_data(as_text=True)
    assert (
        '<span class="nowrap">Nov 3, 2025</span> – <span class="nowrap">Nov 3, 2025</span>'
        in listing
    )
    css = (Path(__file__).resolve().parents[1] / "crm" / "static" / "style.css").read_text()
    assert ".nowrap { white-space: nowrap; }" in css
    # A small button (Undo) and plain links among actions (Cancel), breadcrumbs: 2.5rem tall.
    assert re.search(
        r"\.tap, \.actions > a:not\(\.button\), \.eyebrow a \{[^}]*min-height: 2\.5rem", css
    )
    assert re.search(
        r"@media \(max-width: 759px\), \(pointer: coarse\) \{\s*"
        r"\.button\.small \{ min-height: 2\.5rem; \}",
        css,
    )


def test_the_last_day_left_as_read_imports_as_read(logged_in, session, user) -> None:
    from crm.imports.models import DailyStats

    page = _upload(logged_in, OVERVIEW, name="Overview.csv").get_data(as_text=True)
    read_as = input_value(page, "ends_on")
    logged_in.post("/imports/commit", data=_hidden(page) | {"ends_on": read_as})
    assert [d.day.isoformat() for d in session.scalars(owned(DailyStats, user.id))] == [read_as]


def _flash(page: str) -> str:
    """The last success message the page shows."""
    found = re.findall(r'class="flash flash-success"[^>]*>(.*?)</', page, re.S)
    return " ".join(found[-1].split()) if found else ""


def test_what_an_import_did_is_said_in_days_and_no_change_as_such(logged_in) -> None:
    page = _upload(logged_in, OVERVIEW, name="Overview.csv").get_data(as_text=True)
    # Warnings under their table's name, not each prefixed with it.
    assert '<h3 class="small">TikTok Studio: Overview</h3>' in page
    assert "TikTok Studio: Overview: " not in page
    done = logged_in.post("/imports/commit", data=_hidden(page), follow_redirects=True)
    assert _flash(done.get_data(as_text=True)) == "Imported Overview.csv: 1 day imported."
    # The same figures in other bytes.
    same = _upload(logged_in, OVERVIEW + "\n", name="Overview again.csv").get_data(as_text=True)
    assert "Covers days you imported before" in same
    assert "the same figures as your earlier import: nothing changes" in same
    again = logged_in.post("/imports/commit", data=_hidden(same), follow_redirects=True)
    text = again.get_data(as_text=True)
    assert _flash(text) == "Imported Overview again.csv: no change: the same figures as before."
    assert "no change: the same figures as before</span>" in text  # in the list too


def test_undo_says_what_came_back_only_when_something_did(logged_in, session, user) -> None:
    logged_in.post("/imports/commit", data=_hidden(_upload(logged_in, LTK).get_data(as_text=True)))
    record = session.scalars(owned(Import, user.id)).one()
    undone = logged_in.post(f"/imports/{record.id}/undo", follow_redirects=True)
    assert _flash(undone.get_data(as_text=True)) == "Import of export.csv undone."


def test_a_tab_not_used_says_why(logged_in) -> None:
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("Overview.csv", OVERVIEW)
        archive.writestr("Viewers.csv", "Date,Total Viewers,New Viewers\nApril 12,5,3\n")
    data = {"file": (io.BytesIO(packed.getvalue()), "tiktok.zip"), "source": ""}
    page = logged_in.post("/imports/preview", data=data, content_type="multipart/form-data")
    assert "Not used: viewers per day aren&#39;t kept" in page.get_data(as_text=True)


def test_the_backup_page_speaks_of_accounts_not_servers(logged_in) -> None:
    page = logged_in.get("/account/backup").get_data(as_text=True)
    assert "move your data from another Creator CRM account" in page and "server" not in page


def test_the_mapping_page_renders_after_the_read_only_session_has_ended(
    logged_in, monkeypatch
) -> None:
    """The page reads in the request's session (the navigation's counts): begun inside the
    read-only session, it would read under that session's transaction. Here every session
    shares the test's connection, so such a read ended with "no such savepoint"."""
    from crm import database
    from crm.imports import views

    inside: list[bool] = []
    real_read, real_page = database.read_session, views._mapping_page
    reading = [False]

    class Reading:
        def __init__(self) -> None:
            self.inner = real_read()

        def __enter__(self):
            reading[0] = True
            return self.inner.__enter__()

        def __exit__(self, *exc):
            reading[0] = False
            return self.inner.__exit__(*exc)

    def page(*args, **kwargs):
        inside.append(reading[0])
        return real_page(*args, **kwargs)

    monkeypatch.setattr(views, "read_session", Reading)
    monkeypatch.setattr(views, "_mapping_page", page)
    response = _upload(logged_in, "Paid on,Client,Amount,Memo\n")  # a header alone: to map
    assert response.status_code == 200
    assert inside == [False]
    assert logged_in.get("/imports/").status_code == 200
