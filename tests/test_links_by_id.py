"""crm.web.IdUrl and ArgUrl build what url_for builds (every id route; a query argument)."""

from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.inputs import INT4_MAX, IdConverter
from crm.web import ArgUrl, IdUrl


def id_routes(app) -> list[tuple[str, str]]:
    """(endpoint, argument) of every route whose only argument is an id."""
    found = []
    for rule in app.url_map.iter_rules():
        (argument,) = rule.arguments if len(rule.arguments) == 1 else (None,)
        if argument and isinstance(rule._converters[argument], IdConverter):
            found.append((rule.endpoint, argument))
    return sorted(set(found))


def test_there_are_id_routes_to_check(app) -> None:
    assert {("pitches.detail", "pitch_id"), ("brands.detail", "brand_id")} <= set(id_routes(app))


# The app only builds URLs here: nothing in it changes between examples.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(st.lists(st.integers(1, INT4_MAX), min_size=1, max_size=5))
def test_every_id_route_builds_the_url_url_for_builds(app, ids) -> None:
    with app.test_request_context("/"):
        for endpoint, argument in id_routes(app):
            by_id = IdUrl(endpoint, argument)
            assert [by_id(n) for n in ids] == [url_for(endpoint, **{argument: n}) for n in ids]


def test_an_id_is_an_integer_in_the_url(app) -> None:
    with app.test_request_context("/"):
        detail = IdUrl("pitches.detail", "pitch_id")
        with pytest.raises(TypeError):
            detail("1/../../admin")
        with pytest.raises(TypeError):
            detail(3.7)


def test_a_url_where_the_id_could_be_in_two_places_is_refused(app) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError):
        IdUrl("brands.index", "cursor", q=str(INT4_MAX))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6))
def test_an_argument_url_is_the_url_url_for_builds(app, values) -> None:
    with app.test_request_context("/"):
        by_tag = ArgUrl("brands.index", "tag")
        # Twice over: a value seen before gets the URL built the first time.
        built = [by_tag(value) for value in values + values]
        assert built == [url_for("brands.index", tag=value) for value in values + values]
