"""The imports pages: upload an export, see what it holds, import it, undo an import.

An upload is kept (crm.imports.pending) between its preview and the creator's "Import", and
read afresh at each step: the pages carry only its hash, and commit trusts nothing else the
browser sends back. A CSV no named source knows gets its columns mapped first; the mapping
is remembered per header layout, so the next file of that layout goes straight to its preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import BinaryIO

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.database import db_session, read_session, utcnow
from crm.dates import show_date
from crm.imports import mappings, pending, services
from crm.imports.committing import commit as commit_import
from crm.imports.committing import undo as undo_import
from crm.imports.forms import ActionForm, CommitForm, MappingForm, UploadForm, mapping_values
from crm.imports.models import Import
from crm.imports.readers.mapped import MAPPING_FIELDS, ColumnMapping, MappedReader, layout_key
from crm.imports.services import ImportRefused, NeedsMapping, Preview, Upload
from crm.imports.totals import preview_totals
from crm.imports.videos import videos_kept_text
from crm.market.current import market
from crm.money import MoneyError, parse_rate
from crm.ownership import get_owned_or_404
from crm.saving import before_slow_work, saving
from crm.uploads import large_upload

bp = Blueprint("imports", __name__, url_prefix="/imports")

Page = str | Response | tuple[str, int]


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every imports page is the creator's own."""


class BadMapping(Exception):
    """Columns picked for a creator's CSV that don't fit it: shown on the mapping page."""

    def __init__(self, error: ImportRefused, header: list[str]) -> None:
        super().__init__(error.message)
        self.error, self.header = error, header


def _streams() -> dict[str, str]:
    return {stream.key: stream.label for stream in market().streams}


@bp.get("/")
def index(form: UploadForm | None = None) -> str:
    session, user = db_session(), creator()
    page = services.import_page(
        session, user.id, request.args.get("cursor") or None, current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "imports/index.html", form=form or UploadForm(), page=page, undo_form=ActionForm()
    )


@bp.post("/preview")
@large_upload("IMPORT_MAX_UPLOAD_BYTES")
def upload() -> Page:
    form = UploadForm()
    if not form.validate_on_submit():
        return index(form), 400
    file = form.file.data
    sha = pending.keep(current_app.instance_path, creator().id, file.stream)
    kept = CommitForm(formdata=None)
    kept.upload.data, kept.name.data = sha, file.filename or "upload"
    kept.source.data = form.source.data or ""
    return _preview_page(kept, None, refused_beside=form)


@bp.post("/map")
def map_columns() -> Page:
    """The columns of a creator's own CSV, picked: its preview read through them."""
    form = MappingForm()
    if not form.validate_on_submit():
        return _expired()
    kept = CommitForm(formdata=None)
    for name in ("upload", "name", "source"):
        kept[name].data = form[name].data
    if "change" in request.form:  # "Change the columns" on a preview: back to the mapping
        return _preview_page(kept, form.values(), change_columns=True)
    return _preview_page(kept, form.values())


@bp.post("/commit")
def commit() -> Page:
    form = CommitForm()
    if not form.validate_on_submit():
        return _preview_page(form, _posted_mapping(form)) if form.upload.data else _expired()
    values = _posted_mapping(form)
    if "again" in request.form:  # "Preview again" with a corrected end date
        return _preview_page(form, values)
    session, user = db_session(), creator()
    path = pending.kept(current_app.instance_path, user.id, form.upload.data)
    if path is None:
        return _expired()
    rates = _rates(form)
    if rates is None:
        return _preview_page(form, values)
    before_slow_work(session)
    with path.open("rb") as data:
        try:
            with read_session() as reader:
                upload, header, mapping = _commit_upload(reader, form, data, values)
            upload = replace(upload, add_videos=form.picked_videos())
        except (NeedsMapping, BadMapping):
            return _preview_page(form, values)
        with saving(form, refusals=(ImportRefused,), show=False) as saved:
            today = creator_today()
            record, found = commit_import(session, user, upload, today, utcnow(), rates)
            if mapping is not None and header is not None:
                mappings.remember(session, user.id, header, mapping)
    if isinstance(saved.refusal, NeedsMapping):  # a CSV of no named source, posted unmapped
        return _preview_page(form, values)
    if not saved:
        return _preview_page(form, values, saved.error)
    pending.drop(current_app.instance_path, user.id, form.upload.data)
    if found.already is not None:
        flash(f"{record.file_name} was imported already: nothing changed.", "info")
    else:
        videos = len(found.videos.updated) + len(found.videos.picked(upload.add_videos))
        flash(_done(record, found, videos), "success")
    return redirect(url_for("imports.index"))


@bp.post("/<int:import_id>/undo")
def undo(import_id: int) -> Response:
    get_owned_or_404(db_session(), Import, import_id, creator().id)
    if ActionForm().validate_on_submit():
        with saving(refusals=(ImportRefused,)) as saved:
            undone = undo_import(db_session(), creator(), import_id, utcnow())
        if saved:
            text = f"Import of {undone.record.file_name} undone"
            text += ": what it replaced is back." if undone.record.entries_replaced else "."
            flash(text + videos_kept_text(undone.videos_kept), "success")
    return redirect(url_for("imports.index"))


def _preview_page(
    form: CommitForm,
    values: Mapping[str, str] | None,
    error: Exception | None = None,
    refused_beside: UploadForm | None = None,
    change_columns: bool = False,
) -> Page:
    """The kept upload's preview (what importing it would do), or its columns to map.

    A file refused right after its upload is said beside the upload form's file field
    (`refused_beside`), the source chosen kept; later, the upload having expired, at the top.
    """
    user = creator()
    before_slow_work()
    path = pending.kept(current_app.instance_path, user.id, form.upload.data or "")
    if path is None:
        return _expired()
    # A big file takes seconds to read: in a read-only session, with no write lock held.
    # Pages render after the block: a page reads in the request's session (the navigation's
    # counts), which must not begin inside the read-only one.
    to_map: tuple[list[str], ImportRefused | None] | None = None
    refusal: str | None = None
    with path.open("rb") as data, read_session() as session:
        try:
            found, header, mapping = _read(session, form, data, values)
            if change_columns and header is not None:
                to_map = (header, None)
        except NeedsMapping as needs:
            to_map = (needs.header, None)
        except BadMapping as bad:
            to_map = (bad.header, bad.error)
        except ImportRefused as refused:
            refusal = refused.message
    if to_map is not None:
        return _mapping_page(form, to_map[0], values, to_map[1])
    if refusal is not None and refused_beside is None:
        return _expired(refusal)
    if refusal is not None and refused_beside is not None:
        pending.drop(current_app.instance_path, user.id, form.upload.data or "")
        refused_beside.file.errors = [refusal]
        return index(refused_beside), 400
    _fill_mapping(form, mapping)
    if error is not None:
        _show(form, error)
    return _render_preview(form, found, mapping, header)


def _render_preview(
    form: CommitForm, found: Preview, mapping: ColumnMapping | None, header: list[str] | None
) -> str:
    currency = creator().currency
    foreign = sorted(found.currencies - {currency})
    if foreign:
        form.rate.label.text = f"Rate for {foreign[0]}"
        form.rate_currency.data = foreign[0]
        form.rate.description = (
            f"How many {currency} one {foreign[0]} was worth. Left empty, the last rate you "
            "used is taken."
        )
    if "tiktok" in found.digest.sources and found.digest.date_to:
        if _ends_on(form) is None:  # read from today: the field shows the day read
            form.ends_on.data = found.digest.date_to
            form.ends_on_read.data = found.digest.date_to.isoformat()
        form.ends_on.description = (
            "TikTok's files give dates without a year: they are read as ending on "
            f"{show_date(found.digest.date_to)}. If the export ends on another day, put it "
            "here and preview again."
        )
    return render_template(
        "imports/preview.html",
        form=form,
        preview=found,
        mapping=mapping,
        header=header,
        streams=_streams(),
        foreign=foreign,
        totals=preview_totals,
    )


def _read(
    session: Session, form: CommitForm, data: BinaryIO, values: Mapping[str, str] | None
) -> tuple[Preview, list[str] | None, ColumnMapping | None]:
    """The kept upload's preview: by the named readers, else through the creator's columns
    (`values` picked now, or those remembered for the header layout) with those columns.

    A CSV no named source knows is refused with its header (NeedsMapping): that one read
    of its head is the header the columns are checked against and remembered under.
    """
    user, today = creator(), creator_today()
    try:
        return services.preview(session, user, _plain(form, data), today), None, None
    except NeedsMapping as needs:
        header = needs.header
    data.seek(0)
    upload, mapping = _mapped(session, form, data, values, header)
    try:
        return services.preview(session, user, upload, today), header, mapping
    except ImportRefused as refused:
        # Read through the creator's columns, nothing came out: the columns are wrong.
        raise BadMapping(refused, header) from None


def _commit_upload(
    session: Session, form: CommitForm, data: BinaryIO, values: Mapping[str, str] | None
) -> tuple[Upload, list[str] | None, ColumnMapping | None]:
    """The Upload to commit: a named export as it is (commit reads it; one no named source
    knows is refused with NeedsMapping), else through the columns the preview used."""
    plain = _plain(form, data)
    if values is None:
        return plain, None, None
    try:
        services.read(plain, creator(), creator_today())
    except NeedsMapping as needs:
        data.seek(0)
        upload, mapping = _mapped(session, form, data, values, needs.header)
        return upload, needs.header, mapping
    except ImportRefused:
        pass  # commit refuses it again, in its own words
    data.seek(0)
    return plain, None, None


def _plain(form: CommitForm, data: BinaryIO) -> Upload:
    return Upload(form.name.data or "upload", data, form.source.data or None, _ends_on(form))


def _ends_on(form: CommitForm) -> date | None:
    """The last day the creator corrected the export to, or None (the field left as read)."""
    given = form.ends_on.data
    if given is None or given.isoformat() == (form.ends_on_read.data or ""):
        return None
    return given


def _mapped(
    session: Session,
    form: CommitForm,
    data: BinaryIO,
    values: Mapping[str, str] | None,
    header: list[str],
) -> tuple[Upload, ColumnMapping]:
    """The upload read through the creator's columns of `header`: BadMapping when the picked
    ones don't fit it, NeedsMapping when none are picked or remembered."""
    if values is not None:
        try:
            mapping = mappings.checked(values, header, _streams())
        except ImportRefused as error:
            raise BadMapping(error, header) from None
    else:
        mapping = mappings.remembered(session, creator().id, header)
    if mapping is None:
        raise NeedsMapping("Say which columns hold what.", header=header)
    mapped = MappedReader(mapping, _streams(), layout_key(header))
    name = form.name.data or "upload"
    return Upload(name, data, None, _ends_on(form), mapped), mapping


def _mapping_page(
    form: CommitForm,
    header: list[str],
    values: Mapping[str, str] | None,
    error: ImportRefused | None,
) -> str:
    mapping_form = MappingForm(formdata=None)
    for name in ("upload", "name", "source"):
        mapping_form[name].data = form[name].data
    mapping_form.set_columns(header, _streams())
    if values is None:  # the first time: the columns whose names say what they hold
        values = mappings.likely(header)
    for name, value in values.items():
        if name in mapping_form:
            mapping_form[name].data = value
    if error is not None and error.field in mapping_form:
        mapping_form[error.field].errors = [error.message]
    elif error is not None:
        flash(error.message, "error")
    return render_template("imports/map.html", form=mapping_form, header=header, streams=_streams())


def _fill_mapping(form: CommitForm, mapping: ColumnMapping | None) -> None:
    """Carry the columns the preview was read with to the Import button."""
    for name in MAPPING_FIELDS:
        form[name].data = (getattr(mapping, name) or "") if mapping is not None else ""


def _posted_mapping(form: CommitForm) -> dict[str, str] | None:
    if not form.day.data:
        return None
    return mapping_values(form)


def _rates(form: CommitForm) -> dict[str, int] | None:
    """The rate typed for the file's other currency ({} when none: the last one used)."""
    text, currency = (form.rate.data or "").strip(), form.rate_currency.data or ""
    if not text or not currency:
        return {}
    try:
        return {currency: parse_rate(text)}
    except MoneyError as error:
        form.rate.errors = [*form.rate.errors, str(error)]
        return None


def _show(form: CommitForm, error: Exception) -> None:
    """A refusal beside its field on the preview (the end date, the rate), else at the top."""
    field = getattr(error, "field", None)
    message = getattr(error, "message", None) or str(error)
    if field in ("ends_on", "rate"):
        form[field].errors = [*form[field].errors, message]
    else:
        flash(message, "error")


def _expired(message: str = "The upload expired: choose the file again.") -> Response:
    flash(message, "error")
    return redirect(url_for("imports.index"))


def _done(record: Import, found: Preview, videos: int) -> str:
    """What an import did, in what the creator imported: days, income, shares, videos."""
    if record.entries_written == 0 and record.entries_replaced:
        return f"Imported {record.file_name}: no change: the same figures as before."
    digest = found.digest
    what = [
        _counted(len(digest.days), "day", "days"),
        _counted(len(found.entries) + len(digest.lines), "income entry", "income entries"),
        _counted(sum(1 for cents in digest.costs.values() if cents > 0), "expense", "expenses"),
        _counted(
            sum(len(s) for s in digest.audience.values()), "audience share", "audience shares"
        ),
        _counted(videos, "portfolio video", "portfolio videos"),
    ]
    said = ", ".join(part for part in what if part) or "its figures"
    text = f"Imported {record.file_name}: {said} imported"
    if record.entries_replaced:
        text += "; they replace what an earlier import had (undo puts it back)"
    return text + "."


def _counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}" if number > 0 else ""
