"""Fuzz every form the app shows, and every page's query string: no input gives a 5xx.

Forms are found by walking the URL map and parsing the pages (tests/form_pages.py), so a
new form is fuzzed without anyone listing it; a POST route no page offers a form for is
fuzzed with the field names of every form found. Values come from hypothesis: text with
NUL, CR/LF, huge and unicode strings; numbers huge, negative and not numbers; dates of
year 1, 9999 and garbage. The app runs with TESTING, so an unhandled error raises here.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crm.public import is_public
from tests.factories import ID_FACTORIES, TEST_PASSWORD
from tests.form_pages import FormField, PageForm, crawl, distinct, endpoint_of, start_pages

EXAMPLES_PER_FORM = 8
EXAMPLES_PER_QUERY = 4
FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_TEXT = [
    "",
    "\x00",
    "a\x00b",
    "Glow\r\nBcc: x@evil.example",
    "\r\n",
    "line\u2028break",
    "\x07\x1b[31m",
    "x" * 100_000,
    "9" * 5_000,
    "-1",
    "0001-01-01",
    "{{ 7*7 }}{% for x in range(10**9) %}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00%0d%0a",
    "Zoë 🤳🏽 مرحبا",
    "/%0d%0aSet-Cookie:x",
    "//evil.example",
]
NASTY_NUMBERS = ["", "abc", "1e999", "NaN", "inf", "-0", "1.5", "1,200", "5000000000", "9" * 5_000]
NASTY_DATES = ["", "0001-01-01", "9999-12-31", "garbage", "2026-02-30", "99999-01-01", "-1-1-1"]

text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=300))
numbers = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-5, max_value=5_000).map(str),
)
dates = st.one_of(st.sampled_from(NASTY_DATES), st.dates().map(lambda d: d.isoformat()))
csv_files = st.one_of(
    st.binary(max_size=2_000),
    st.lists(st.lists(text, max_size=16), max_size=6).map(
        lambda rows: (
            "name,notes,tiktok_followers,contact_email\n" + "\n".join(map(",".join, rows))
        ).encode("utf-8", "surrogatepass")
    ),
)


def _value(field: FormField) -> st.SearchStrategy[Any]:
    """A fuzzed value for one field, or its own value now and then (to get past the others)."""
    if field.kind == "file":
        return csv_files.map(lambda data: (io.BytesIO(data), "fuzz.csv"))
    if field.kind in ("number", "range"):
        fuzzed = numbers
    elif field.kind == "date":
        fuzzed = dates
    elif field.kind in ("select", "checkbox", "radio"):
        fuzzed = st.one_of(st.sampled_from(field.options or [""]), text)
    elif field.name.endswith(("_rate", "_id", "followers", "views", "likes", "days")):
        fuzzed = st.one_of(numbers, text)
    else:
        fuzzed = text
    return st.one_of(st.just(field.value), fuzzed) if field.value else fuzzed


def _form_data(form: PageForm) -> st.SearchStrategy[dict[str, Any]]:
    # Each field fuzzed, or left out of the post (as a browser does with unticked boxes).
    return st.fixed_dictionaries(
        {}, optional={name: _value(field) for name, field in form.fields.items()}
    )


# Every form also gets these, in every field at once, whatever hypothesis draws.
ALWAYS = ["\x00", "a\r\nb", "9" * 5_000, "-1", "1e999", "0001-01-01", "9999-12-31", "x" * 100_000]


def _always(form: PageForm) -> list[dict[str, Any]]:
    examples = []
    for value in ALWAYS:
        data: dict[str, Any] = {}
        for name, field in form.fields.items():
            data[name] = (io.BytesIO(value.encode()), "x.csv") if field.kind == "file" else value
        examples.append(data)
    return examples


# Values that pass the checks of a field left empty on its page (a new form): with them,
# one hostile field at a time reaches the service and the database, not only validation.
# Login gets an address with no account, so the client is never logged in by the fuzzing.
BASELINE = {
    "email": "fuzz-new@example.com",
    "password": "a-long-fuzz-passphrase",
    "confirm": "a-long-fuzz-passphrase",
    "new_password": "a-long-fuzz-passphrase",
    "current_password": TEST_PASSWORD,
    "name": "Fuzz Brand",
    "title": "Fuzz video",
    "url": "https://www.tiktok.com/@fuzz/video/1",
    "subject": "Fuzz",
    "body": "Hi",
    "text": "A note",
    "taken_on": "2026-11-01",
    "followers": "1200",
    "views": "5000",
    "amount": "12.50",
    "duration_minutes": "45",
    "diamonds": "4000",
}
# What one hostile field gets, by kind, while every other field keeps a valid value.
ONE_FIELD = {
    "number": ["5000000000", "9" * 30, "-1"],
    "date": ["0001-01-01", "9999-12-31"],
    "select": ["not-a-choice"],
    "text": ["x" * 100_000, "a\r\nb", "5000000000"],
}


def _baseline(form: PageForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.kind == "file":
            continue
        if field.kind == "checkbox":
            if field.value and field.options:
                data[name] = field.options[0]
            continue
        value = field.value or BASELINE.get(name, "")
        if not value and field.kind in ("select", "radio") and field.options:
            value = next((option for option in field.options if option), "")
        data[name] = value
    return data


def _one_field_at_a_time(form: PageForm) -> list[dict[str, Any]]:
    base = _baseline(form)
    examples = [base]
    for name, field in form.fields.items():
        if field.kind in ("file", "checkbox", "radio") or name == "csrf_token":
            continue
        for value in ONE_FIELD.get(field.kind, ONE_FIELD["text"]):
            examples.append({**base, name: value})
    return examples


def _fuzz_form(client: FlaskClient, form: PageForm, failures: list[str]) -> None:
    def post(data: dict[str, Any]) -> None:
        for value in data.values():
            if isinstance(value, tuple):
                value[0].seek(0)
        if form.method == "POST":
            response = client.post(form.action, data=data, content_type=_content_type(data))
        else:
            response = client.get(form.action, query_string=data)
        assert response.status_code < 500, f"{form.method} {form.action} {data!r:.300}"

    for data in _one_field_at_a_time(form):
        try:
            post(data)
        except Exception as error:
            failures.append(f"{form.method} {form.action} (from {form.page}): {error!r:.2000}")
            return

    fuzz = given(data=_form_data(form))(post)
    for data in _always(form):
        fuzz = example(data=data)(fuzz)
    try:
        FUZZ(fuzz)()
    except Exception as error:
        failures.append(f"{form.method} {form.action} (from {form.page}): {error!r:.2000}")


def _content_type(data: dict[str, Any]) -> str:
    if any(isinstance(value, tuple) for value in data.values()):
        return "multipart/form-data"
    return "application/x-www-form-urlencoded"


@pytest.fixture
def app(make_app) -> Flask:
    """The app with the inquiry limits out of reach: every visitor of the sweep comes from one
    address, and past 5 inquiries each further one is a 429 before its form is read, so the
    form would never be fuzzed (tests/test_inquiries.py holds the limits themselves)."""
    return make_app(INQUIRY_MAX_PER_ADDRESS=1_000_000, INQUIRY_MAX_PER_KIT=1_000_000)


@pytest.fixture
def own_ids(session, user) -> dict[str, int]:
    return {name: factory(session, user).id for name, factory in ID_FACTORIES.items()}


@pytest.fixture
def link_pages(app: Flask, session, other_user) -> list[str]:
    """Pages only an emailed link opens: a live reset link, a live sign-up link, a brand's
    approval link (a submitted draft on it), and a creator's media kit (its inquiry form)."""
    from crm import database
    from crm.accounts.resets import sign_up_token, start_password_reset
    from tests.factories_approvals import make_link, submitted
    from tests.factories_kit import make_kit

    reset = start_password_reset(session, other_user, database.utcnow())
    session.commit()
    sign_up = sign_up_token(app.config["SECRET_KEY"], "fuzz-link@example.com")
    approval = make_link(session, other_user, deliverable=submitted(session, other_user)).token
    kit = make_kit(session, other_user).slug
    return [
        f"/password/reset/{reset}",
        f"/register/finish/{sign_up}",
        f"/approve/{approval}",
        f"/kit/{kit}",
    ]


@pytest.fixture
def valid_forms(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The form classes that were submitted with values they accepted."""
    from flask_wtf import FlaskForm

    accepted: set[str] = set()
    real = FlaskForm.validate_on_submit

    def recording(self: FlaskForm, *args: Any, **kwargs: Any) -> bool:
        valid = real(self, *args, **kwargs)
        if valid:
            accepted.add(type(self).__qualname__)
        return valid

    monkeypatch.setattr(FlaskForm, "validate_on_submit", recording)
    return accepted


def _last(form: PageForm) -> bool:
    # Deleting and logging out first would leave the other forms nothing to work on.
    return any(word in form.action for word in ("/delete", "/logout", "/reset", "/ghost"))


def _discover(
    app: Flask, clients: list[FlaskClient], ids: dict[str, int], extra: tuple[str, ...] = ()
) -> list[PageForm]:
    """Forms seen by each client in turn; the first client is taken as not logged in."""
    found: list[PageForm] = []
    for number, client in enumerate(clients):
        forms, _reached = crawl(app, client, [*start_pages(app, ids), *extra])
        for form in forms:
            form.public = number == 0 and len(clients) > 1
        found.extend(forms)
    return sorted(distinct(app, found), key=_last)


def _unoffered_posts(app: Flask, forms: list[PageForm], ids: dict[str, int]) -> list[PageForm]:
    """POST routes no page has a form for: fuzzed with every field name seen anywhere."""
    from flask import url_for

    offered = {endpoint_of(app, form.action, "POST") for form in forms if form.method == "POST"}
    # No file fields: a multipart body past 500 KB goes to a temporary file the test
    # client never closes; the import form is fuzzed with its file on its own.
    every_field = {name: f for form in forms for name, f in form.fields.items() if f.kind != "file"}
    missing = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in (rule.methods or set()) and rule.endpoint not in offered:
                args = {arg: ids.get(arg, "ugc_pitch") for arg in rule.arguments}
                url = url_for(rule.endpoint, **args)
                missing.append(PageForm("(url map)", "POST", url, dict(every_field)))
    return missing


def test_the_discovery_finds_the_forms_of_every_area(app: Flask, logged_in, own_ids) -> None:
    forms = _discover(app, [logged_in], own_ids)
    endpoints = {endpoint_of(app, form.action, form.method) for form in forms}
    assert {
        "brands.new",
        "brands.import_csv",
        "stats.new_snapshot",
        "pitches.new",
        "accounts.profile",
        "rates.calculators",
        "emails.edit_template",
        "brands.index",
    } <= endpoints, sorted(endpoints)


# Forms no page of a test account submits with accepted values, and why that is right.
NEVER_VALID = {
    "FilterForm": "GET filters; read with .data, never validate_on_submit()",
    "CalculatorForm": "a GET form: the rates page calls validate() on the query string",
    "MonthForm": "the income report's GET month picker, read with validate()",
    "DueSortForm": "the Due list's GET sort, read with validate()",
    "InvoiceForm": "the base of the new and edit invoice forms, never shown itself",
    "DealFromPitchForm": "its page opens for a won pitch only and the sweep's pitch is a "
    "draft; tests/test_deals_views.py submits it valid",
    "SendInvoiceForm": "shown only with SMTP set up; tests/test_invoice_email.py sends it",
    "KeptUploadForm": "the base of the import steps, never shown itself",
    "CommitForm": "shown only after an upload, which the sweep can't make (a file field); "
    "tests/test_imports_pages.py imports through it",
    "MappingForm": "shown only after an upload of an unknown CSV; tests/test_imports_pages.py "
    "maps one",
    "RestoreForm": "its only field is a file, which the sweep can't make; "
    "tests/test_backup_pages.py restores through it",
}


def test_no_fuzzed_form_gives_a_5xx(
    app: Flask, logged_in, own_ids, link_pages, valid_forms
) -> None:
    from tests.forms_census import form_classes

    forms = _discover(app, [app.test_client(), logged_in], own_ids, tuple(link_pages))
    forms += _unoffered_posts(app, forms, own_ids)
    assert len(forms) >= 25, [form.action for form in forms]
    failures: list[str] = []
    # Every public route that takes a POST (crm/public.py) is found by a visitor's crawl.
    public_posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and is_public(rule.endpoint)
    }
    assert "accounts.login" in public_posts
    assert public_posts <= {
        endpoint_of(app, form.action, form.method) for form in forms if form.public
    }
    for form in forms:
        # A fresh visitor per public form: a sign-up that succeeds logs its client in.
        _fuzz_form(app.test_client() if form.public else logged_in, form, failures)
    assert not failures, "\n\n".join(failures)
    never = {cls.__qualname__ for cls in form_classes(app)} - valid_forms - set(NEVER_VALID)
    assert not never, f"never submitted with values they accept: {sorted(never)}"


def test_no_fuzzed_public_form_gives_a_5xx_with_mail_on(make_app, valid_forms) -> None:
    app = make_app(SMTP_URL="smtp://127.0.0.1:9")  # nothing listens: mail fails, pages don't
    forms = [form for form in _discover(app, [app.test_client()], {}) if form.public is False]
    failures: list[str] = []
    for form in forms:
        _fuzz_form(app.test_client(), form, failures)
    assert not failures, "\n\n".join(failures)
    assert "EmailOnlyForm" in valid_forms


QUERY_NAMES = ["page", "brand_id", "q", "status", "kind", "next", "sort", "followers", "tag"]


def test_no_fuzzed_query_string_gives_a_5xx(app: Flask, logged_in, own_ids) -> None:
    _forms, reached = crawl(app, logged_in, start_pages(app, own_ids))
    pages = sorted({page.split("?", 1)[0] for page in reached})
    strategy = st.fixed_dictionaries(
        {}, optional={name: st.one_of(text, numbers, dates) for name in QUERY_NAMES}
    )
    failures: list[str] = []
    for page in pages:
        _fuzz_query(logged_in, page, strategy, failures)
    assert len(pages) >= 15, pages
    assert not failures, "\n\n".join(failures)


def _fuzz_query(client: FlaskClient, page: str, strategy: Any, failures: list[str]) -> None:
    @settings(FUZZ, max_examples=EXAMPLES_PER_QUERY)
    @given(query=strategy)
    def get(query: dict[str, str]) -> None:
        response = client.get(page, query_string=query)
        assert response.status_code < 500, f"GET {page} {query!r:.300}"

    try:
        get()
    except Exception as error:  # reported with the page it came from
        failures.append(f"GET {page}: {error!r:.2000}")
