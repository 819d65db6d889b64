"""The backup page: download all my data, and restore an upload into an empty account only."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from crm.brands.models import Brand
from tests import factories
from tests.backup_account import fill_account
from tests.conftest import TEST_PASSWORD
from tests.factories_brands import make_brand


def _upload(client, data: bytes, name: str = "backup.json"):
    return client.post(
        "/account/backup",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_profile_page_offers_the_download(logged_in):
    page = logged_in.get("/profile").get_data(as_text=True)
    assert 'href="/account/backup.json"' in page and "Download all my data" in page


def test_the_download_is_the_creators_backup_only(logged_in, session, user, other_user):
    fill_account(session, user)
    make_brand(session, other_user, name="Not Yours Ltd")
    response = logged_in.get("/account/backup.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data())
    assert document["format"] == "creator-crm-backup"
    names = {row["name"] for row in document["tables"]["brands"]}
    assert "Glow Labs" in names and "Not Yours Ltd" not in names


def test_an_upload_restores_into_an_empty_account(client, auth, session, user):
    fill_account(session, user)
    auth.login(user.email)
    backup = client.get("/account/backup.json").get_data()
    auth.logout()
    newcomer = factories.make_user(session, email="new@example.com")
    auth.login(newcomer.email, TEST_PASSWORD)
    response = _upload(client, backup)
    assert response.status_code == 302, response.get_data(as_text=True)
    names = session.scalars(select(Brand.name).where(Brand.owner_id == newcomer.id)).all()
    assert "Glow Labs" in names
    told = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "Backup restored" in told and "Your media kit is restored, turned off" in told


def test_a_bad_upload_is_refused_beside_the_field_and_writes_nothing(logged_in, session, user):
    response = _upload(logged_in, b"not json at all")
    assert response.status_code == 400
    assert "not JSON" in response.get_data(as_text=True)
    assert session.scalars(select(Brand).where(Brand.owner_id == user.id)).all() == []


def test_an_account_with_data_is_told_to_use_an_empty_one(logged_in, session, user):
    fill_account(session, user)
    page = logged_in.get("/account/backup").get_data(as_text=True)
    assert "only into an empty account" in page and 'type="file"' not in page
    response = _upload(logged_in, logged_in.get("/account/backup.json").get_data())
    assert response.status_code == 400
    assert "only into an empty account" in response.get_data(as_text=True)


def test_an_upload_over_the_backup_limit_is_a_clear_413(make_app, session, user):
    # Small sizes: a test body over 500 KB goes to a temporary file the 413 leaves open.
    app = make_app(BACKUP_MAX_BYTES=1024)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    response = _upload(client, b"{" + b" " * 4096 + b"}")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert session.scalars(select(Brand).where(Brand.owner_id == user.id)).all() == []


def test_a_backup_larger_than_other_uploads_is_taken(make_app, session, user):
    app = make_app(MAX_UPLOAD_BYTES=1024, BACKUP_MAX_BYTES=1024 * 1024)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    response = _upload(client, b"{" + b" " * 4096 + b"}")
    assert response.status_code == 400
    assert "not a Creator CRM backup" in response.get_data(as_text=True)


def test_the_restore_form_needs_its_csrf_token(make_app, session, user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)  # logged in without the login form's token
    response = _upload(client, b"{}")
    assert response.status_code in (302, 400)
    assert session.scalars(select(Brand).where(Brand.owner_id == user.id)).all() == []
