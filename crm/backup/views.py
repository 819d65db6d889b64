"""The account's backup page: download all my data, restore a backup into an empty account."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response as BaseResponse

from crm.accounts.login import creator
from crm.backup.export import backup_pieces
from crm.backup.restore import account_is_empty, restore_backup
from crm.database import db_session, utcnow
from crm.downloads import read_while_sent
from crm.saving import saving
from crm.uploads import large_upload

bp = Blueprint("backup", __name__, url_prefix="/account")


class RestoreForm(FlaskForm):
    file = FileField(
        "Backup file",
        validators=[FileRequired("Choose the .json backup file to restore.")],
        render_kw={"accept": ".json,application/json"},
    )


@bp.get("/backup")
@login_required
def page() -> str:
    empty = account_is_empty(db_session(), creator())
    return render_template("backup/page.html", form=RestoreForm(), empty=empty)


@bp.get("/backup.json")
@login_required
def download() -> Response:
    owner, now = creator(), utcnow()
    body = read_while_sent(lambda reader: backup_pieces(reader, owner, now))
    name = f"creator-crm-backup-{now.date().isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/backup")
@large_upload("BACKUP_MAX_BYTES")
@login_required
def restore() -> str | BaseResponse:
    form = RestoreForm()
    owner = creator()
    if form.validate_on_submit():
        with saving(form) as saved:
            restored = restore_backup(db_session(), owner, form.file.data.read())
        if saved:
            flash(f"Backup restored: {restored.total:,} rows are in your account.", "success")
            for note in restored.notes:
                flash(note, "info")
            return redirect(url_for("dashboard.home"))
    empty = account_is_empty(db_session(), owner)
    return render_template("backup/page.html", form=form, empty=empty), 400
