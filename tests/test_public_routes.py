"""Every route needs a login but those in crm.public.PUBLIC_ENDPOINTS, which need none.

The sweep walks the URL map, so a route added later is held to it without a line here.
"""

from __future__ import annotations

from flask import Flask, url_for
from werkzeug.routing import Rule

from crm.public import PUBLIC_ENDPOINTS


def _url(app: Flask, rule: Rule) -> str:
    args = {arg: 1 if arg.endswith("id") else "x" for arg in rule.arguments}
    if rule.endpoint == "static":
        args = {"filename": "style.css"}
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def _requests(app: Flask) -> list[tuple[Rule, str, str]]:
    return [
        (rule, method, _url(app, rule))
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) & {"GET", "POST"})
    ]


def _sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and response.location.startswith("/login")


def test_every_route_not_listed_public_sends_a_stranger_to_login(app: Flask) -> None:
    failures = []
    for rule, method, url in _requests(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = app.test_client().open(url, method=method, data={})
        if not (_sent_to_login(response) or response.status_code in (401, 403)):
            failures.append(f"{method} {url} ({rule.endpoint}) -> {response.status_code}")
    assert not failures, "add a login, or list the route in crm/public.py:\n" + "\n".join(failures)


def test_every_public_route_answers_a_stranger_without_a_login_redirect(app: Flask) -> None:
    failures = []
    for rule, method, url in _requests(app):
        if rule.endpoint not in PUBLIC_ENDPOINTS:
            continue
        response = app.test_client().open(url, method=method, data={})
        response.close()  # a file from disk (static) stays open until closed
        if (
            _sent_to_login(response)
            or response.status_code in (401, 403)
            or (response.status_code >= 500)
        ):
            failures.append(f"{method} {url} ({rule.endpoint}) -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_public_list_names_only_routes_that_exist(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PUBLIC_ENDPOINTS) <= endpoints
    assert all(reason.strip() for reason in PUBLIC_ENDPOINTS.values())


def test_the_sweep_sees_both_kinds(app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _method, _url in _requests(app)}
    assert {"kit.page", "calendar.feed", "accounts.login"} <= endpoints
    assert {"dashboard.index", "deals.index", "stats.index"} <= endpoints


def test_the_page_registry_marks_public_exactly_the_listed_routes(app: Flask) -> None:
    from tests.main_pages import MAIN_PAGES

    adapter = app.url_map.bind("localhost")
    ids = {"calendar_token": "x", "kit_slug": "x"}
    wrong = []
    for page in MAIN_PAGES:
        path = page.path.split("?")[0].format_map(_AnyId(ids))
        endpoint = adapter.match(path, method="GET")[0]
        if page.public != (endpoint in PUBLIC_ENDPOINTS):
            wrong.append(f"{page.path}: public={page.public}, crm/public.py says otherwise")
    assert not wrong, "\n".join(wrong)


class _AnyId(dict):
    def __missing__(self, key: str) -> int:
        return 1
