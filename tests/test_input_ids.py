"""Ids too large for a column: every `<int:...>` route and every query-string number is a 404 or
a normal page, never a database overflow (SQLite: OverflowError; PostgreSQL: out of range).

The sweep walks the URL map, so a route added later is covered without anyone remembering.
"""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

from crm.inputs import INT4_MAX, IdConverter
from tests.factories_brands import make_brand

HUGE = 999999999999999999999999999999


def _int_rules(app: Flask):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(rule._converters[arg], IntegerConverter) for arg in rule.arguments)
    ]


def test_every_int_argument_uses_the_bounded_converter(app: Flask) -> None:
    rules = _int_rules(app)
    assert len(rules) > 20
    loose = [
        f"{rule.endpoint}: <{arg}>"
        for rule in rules
        for arg in rule.arguments
        if isinstance(rule._converters[arg], IntegerConverter)
        and not isinstance(rule._converters[arg], IdConverter)
    ]
    assert not loose


@pytest.mark.parametrize("number", [HUGE, INT4_MAX + 1, 2**63])
def test_a_huge_id_is_404_on_every_route_get_and_post(app: Flask, logged_in, number) -> None:
    failures = []
    for rule in _int_rules(app):
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: number for arg in rule.arguments})
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = logged_in.open(url, method=method, data={})
            if response.status_code != 404:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_largest_id_the_column_holds_still_routes(app: Flask, logged_in) -> None:
    response = logged_in.get(f"/brands/{INT4_MAX}")
    assert response.status_code == 404  # routed to the view, which finds no brand
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        assert adapter.match(f"/brands/{INT4_MAX}") == ("brands.detail", {"brand_id": INT4_MAX})


@pytest.mark.parametrize(
    "url",
    [
        f"/brands/?page={HUGE}",
        "/brands/?page=-3",
        "/brands/?page=abc",
        f"/pitches/?page={HUGE}",
        f"/pitches/?brand_id={HUGE}",
        "/pitches/?brand_id=-1",
        f"/pitches/new?brand_id={HUGE}",
        f"/stats/?page={HUGE}",
        f"/stats/?page={'9' * 5000}",
    ],
)
def test_a_huge_number_in_the_query_string_is_ignored(logged_in, session, user, url) -> None:
    make_brand(session, user)
    response = logged_in.get(url)
    assert response.status_code == 200


def test_a_page_past_the_end_still_shows_the_last_page(logged_in, session, user) -> None:
    make_brand(session, user, name="Only Brand")
    response = logged_in.get("/brands/?page=40")
    assert response.status_code == 200
    assert "Only Brand" in response.get_data(as_text=True)
