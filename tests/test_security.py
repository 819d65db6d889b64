"""Headers, CSRF on every state change, escaping, error pages that leak nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask, abort
from werkzeug.routing import Rule

from tests.factories import ID_FACTORIES


def _post_rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if "POST" in (r.methods or set())]


def _url(app: Flask, rule: Rule, ids: dict[str, int]) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: ids.get(arg, 1) for arg in rule.arguments})


def test_pages_carry_the_security_headers(client) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_templates_have_no_inline_script_or_style(app: Flask) -> None:
    from crm.paths import data_dir

    offenders = []
    for path in data_dir("templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
            offenders.append(str(path))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path} (inline event handler)")
    assert not offenders


@pytest.fixture
def csrf_app(make_app) -> Flask:
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_post_route_refuses_a_request_without_csrf_token(csrf_app, session, user) -> None:
    client = csrf_app.test_client()
    own = {name: factory(session, user).id for name, factory in ID_FACTORIES.items()}
    refused = []
    for rule in _post_rules(csrf_app):
        response = client.post(_url(csrf_app, rule, own), data={})
        if response.status_code != 400:
            refused.append(f"{rule.endpoint} -> {response.status_code}")
    assert not refused, "POST without a CSRF token was not refused: " + ", ".join(refused)


def test_a_csrf_failure_is_a_clear_400_page(csrf_app) -> None:
    response = csrf_app.test_client().post("/login", data={"email": "a@b.co", "password": "x"})
    assert response.status_code == 400
    assert b"The form expired" in response.data


def _csrf_login(app: Flask, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": token}
    )
    return client, response


def test_login_works_with_the_csrf_token_from_the_form(csrf_app, user) -> None:
    _client, response = _csrf_login(csrf_app, user.email)
    assert response.status_code == 302


def _get_pages(app: Flask, ids: dict[str, int]) -> list[str]:
    """Every GET page, id parameters filled with the user's own objects."""
    return sorted(
        _url(app, rule, ids)
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint != "static"
        and set(rule.arguments) <= set(ids)
    )


def test_every_post_form_on_every_page_carries_a_csrf_token(csrf_app: Flask, session, user) -> None:
    own = {name: factory(session, user).id for name, factory in ID_FACTORIES.items()}
    client, _response = _csrf_login(csrf_app, user.email)
    missing = []
    post_forms = 0
    pages = _get_pages(csrf_app, own)
    assert "/profile" in pages
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, re.I):
                post_forms += 1
                if 'name="csrf_token"' not in form:
                    missing.append(path)
    assert not missing
    assert post_forms >= len(pages)  # at least the log-out form on each page was checked


def test_logout_is_post_only(logged_in) -> None:
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.get("/dashboard").status_code == 200


def test_creator_text_is_escaped(logged_in, session, user) -> None:
    user.display_name = "<script>alert(1)</script>"
    session.commit()
    html = logged_in.get("/dashboard").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_not_found_page_says_nothing_of_the_insides(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


@pytest.fixture
def failing_app(make_app) -> Flask:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-boom")
    def boom() -> str:
        raise RuntimeError("secret internals: password=hunter2")

    @app.get("/test-forbidden")
    def forbidden() -> str:
        abort(403)

    return app


def test_server_error_page_leaks_nothing(failing_app) -> None:
    response = failing_app.test_client().get("/test-boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"hunter2" not in response.data and b"RuntimeError" not in response.data


def test_forbidden_page(failing_app) -> None:
    response = failing_app.test_client().get("/test-forbidden")
    assert response.status_code == 403
    assert b"Error 403" in response.data


def test_pages_behind_login_redirect_to_login_with_local_next(client) -> None:
    response = client.get("/stats/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_fields_never_render_none_attributes(logged_in) -> None:
    html = logged_in.post("/profile", data={"followers": "-1"}).get_data(as_text=True)
    assert '="None"' not in html
    assert 'aria-invalid="true"' in html  # the field with the error says so
    assert 'aria-describedby="followers-error"' in html
