"""Text a database or a mail header can't hold: NUL bytes refused per request and per CSV
cell, one-line fields refusing line breaks (every form, by a sweep), and the send path and
the login redirect safe against a stored or crafted CR/LF."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from crm.accounts import services as accounts
from crm.accounts.login import is_safe_next
from crm.brands.importing import ImportRejected, read_rows
from crm.brands.models import Brand
from crm.emails import smtp
from crm.forms import LineField
from crm.inputs import NUL_MESSAGE, is_one_line
from tests.conftest import TEST_PASSWORD
from tests.forms_census import fields, form_classes


def _brand_count(session, user) -> int:
    return session.scalar(select(func.count(Brand.id)).where(Brand.owner_id == user.id))


def test_a_nul_byte_in_a_form_is_refused_with_a_clear_page(logged_in, session, user) -> None:
    response = logged_in.post("/brands/new", data={"name": "Glow\x00Co", "status": "lead"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert _brand_count(session, user) == 0


@pytest.mark.parametrize(
    "url", ["/brands/?q=a%00b", "/pitches/?status=%00", "/rates/?followers=1%00", "/login?next=%00"]
)
def test_a_nul_byte_in_a_query_string_is_refused(client, logged_in, url) -> None:
    response = logged_in.get(url)
    assert response.status_code == 400
    assert "can&#39;t be saved" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_field_name_or_route_argument_is_refused(logged_in) -> None:
    assert logged_in.post("/profile", data={"x\x00": "1"}).status_code == 400
    assert logged_in.get("/emails/templates/ugc%00pitch").status_code == 400
    assert "NUL" in NUL_MESSAGE


def test_a_nul_byte_in_a_csv_cell_is_a_row_error_with_its_line(session, user) -> None:
    text = "name,notes\nGlow Co,fine\nBad\x00Brand,x\nOther,note\x00here\n"
    with pytest.raises(ImportRejected) as rejected:
        read_rows(text.encode())
    problems = [(p.line, p.message) for p in rejected.value.problems]
    assert problems == [
        (3, "name: contains a NUL character; remove it."),
        (4, "notes: contains a NUL character; remove it."),
    ]


def test_a_control_character_outside_notes_is_a_row_error(session, user) -> None:
    with pytest.raises(ImportRejected) as rejected:
        read_rows(b"name,contact_name,notes\nGlow,Dana\x07Reyes,bell\x07ok\n")
    assert [(p.line, p.message) for p in rejected.value.problems] == [
        (2, "contact_name: contains a control character; remove it.")
    ]


def test_a_csv_upload_with_nul_imports_nothing(logged_in, session, user) -> None:
    text = "name\nGood Brand\nBad\x00Brand\n"
    response = logged_in.post(
        "/brands/import", data={"file": (io.BytesIO(text.encode()), "brands.csv")}
    )
    assert response.status_code == 200
    assert "NUL character" in response.get_data(as_text=True)
    assert _brand_count(session, user) == 0


def _one_line_fields(app: Flask):
    for form_class in form_classes(app):
        for name, field in fields(form_class):
            if isinstance(field, StringField) and not isinstance(
                field, TextAreaField | PasswordField
            ):
                yield f"{form_class.__name__}.{name}", field


@pytest.mark.parametrize("text", ["Glow\r\nBcc: x@evil.example", "Glow\nCo", "a\u2028b", "a\x07b"])
def test_every_single_line_field_of_every_form_refuses_line_breaks(app: Flask, text) -> None:
    """Refused, or folded onto one line by the field itself (the email editor's subject)."""
    accepted = []
    for where, field in _one_line_fields(app):
        field.process(MultiDict({field.name: text}))
        if field.validate(form=None) and not is_one_line(str(field.data or "")):
            accepted.append(where)
    assert not accepted, accepted


def test_the_sweep_sees_the_one_line_fields(app: Flask) -> None:
    names = {where for where, _field in _one_line_fields(app)}
    assert {"ProfileForm.display_name", "BrandForm.name", "PitchForm.subject"} <= names
    assert sum(1 for _w, f in _one_line_fields(app) if isinstance(f, LineField)) >= 15


def test_a_display_name_with_a_line_break_is_refused_beside_the_field(logged_in, user) -> None:
    response = logged_in.post(
        "/profile",
        data={
            "display_name": "Maya\r\nBcc: all@evil.example",
            "niche": "beauty",
            "followers": "1000",
            "ugc_experience": "beginner",
            "currency": "USD",
            "turnaround_days": "5",
            "posts_per_week": "3",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="display_name-error"' in page and "one line" in page


def test_the_profile_service_refuses_a_line_break_in_the_name(session, user) -> None:
    data = accounts.ProfileData("Maya\nLopez", "", "beauty", 10, "beginner", "USD", 5, 3)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.update_profile(session, user, data)
    assert refused.value.field == "display_name"


def _outgoing(**overrides: str) -> smtp.Outgoing:
    values = {
        "from_name": "Maya\r\nBcc: all@evil.example",
        "from_address": "maya@example.com",
        "to_name": "Dana\nReyes",
        "to_address": "dana@glow.co",
        "subject": "Hi\r\nBcc: all@evil.example",
        "body": "Hello",
    }
    values.update(overrides)
    return smtp.Outgoing(**values)


def test_a_stored_line_break_is_folded_out_of_every_header() -> None:
    message = smtp.build_message(smtp.SmtpSettings("127.0.0.1", 25), _outgoing())
    assert message["Subject"] == "Hi Bcc: all@evil.example"
    assert message["To"] == "Dana Reyes <dana@glow.co>"
    assert "\n" not in message["From"] and message["Bcc"] is None
    headers = message.as_string().split("\n\n", 1)[0].splitlines()
    assert not [line for line in headers if line.startswith("Bcc")]
    assert message["From"] == '"Maya Bcc: all@evil.example" <maya@example.com>'


def test_a_stored_address_with_a_line_break_is_a_clear_send_error() -> None:
    settings = smtp.SmtpSettings("127.0.0.1", 25)
    with pytest.raises(smtp.SendError) as refused:
        smtp.build_message(settings, _outgoing(to_address="dana@glow.co\r\nBcc: x@evil.example"))
    assert "line break" in refused.value.message


def test_sending_with_a_stored_crlf_name_goes_out_folded(
    logged_in, session, user, make_app, monkeypatch
) -> None:
    from tests.factories_brands import make_brand, make_contact
    from tests.factories_pitches import make_pitch

    sent = []
    monkeypatch.setattr(smtp, "send", lambda settings, message: sent.append(message))
    user.display_name = "Maya\r\nBcc: all@evil.example"  # stored before this check existed
    session.commit()
    brand = make_brand(session, user)
    contact = make_contact(session, user, brand, name="Dana", email="dana@glow.co")
    pitch = make_pitch(session, user, brand, contact_id=contact.id)
    client = make_app(SMTP_URL="smtp://127.0.0.1:2").test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    data = {"kind": "ugc_pitch", "subject": "Hello", "body": "Hi", "quoted_rate": ""}
    response = client.post(f"/emails/pitches/{pitch.id}/send", data=data)
    assert response.status_code == 302
    (message,) = sent
    assert message["From"] == '"Maya Bcc: all@evil.example" <creator@example.com>'


@pytest.mark.parametrize(
    "target",
    ["/%0d%0aSet-Cookie:x", "/\r\nSet-Cookie:x", "/brands\nx", "/a\tb", "/a\x00", "/a\u2028b"],
)
def test_next_with_a_control_character_is_not_safe(target) -> None:
    from urllib.parse import unquote

    assert not is_safe_next(unquote(target))


def test_login_with_a_crlf_next_redirects_home_not_500(client, user) -> None:
    response = client.post(
        "/login?next=/%0d%0aSet-Cookie:x",
        data={"email": user.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers["Location"]
    assert "x" not in response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("cadence", ["9" * 5_000, "4, ², 7", "٤, 7"])
def test_a_cadence_of_odd_digits_is_refused_beside_the_field(logged_in, cadence) -> None:
    response = logged_in.post("/pitches/settings", data={"cadence": cadence})
    assert response.status_code == 200
    assert 'id="cadence-error"' in response.get_data(as_text=True)
