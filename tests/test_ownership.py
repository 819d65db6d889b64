"""Ownership in one place: every route that takes an object id 404s for anyone else's object.

The sweep walks the app's URL map, so a route added later is covered without anyone
remembering to: its id parameter needs a factory in tests/factories*.py, or this fails.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from tests.factories import ID_FACTORIES


def _id_routes(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(rule._converters[arg], IntegerConverter) for arg in rule.arguments)
    ]


def test_every_id_parameter_has_a_factory(app: Flask) -> None:
    missing = {
        f"{rule.endpoint}: <{arg}>"
        for rule in _id_routes(app)
        for arg in rule.arguments
        if arg not in ID_FACTORIES
    }
    assert not missing, f"add factories to tests/factories*.py ID_FACTORIES for {sorted(missing)}"


def test_the_sweep_sees_routes(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in _id_routes(app)}
    assert {"stats.edit_snapshot", "stats.delete_video"} <= endpoints


@pytest.fixture
def foreign_objects(session, other_user):
    """One object of each kind, owned by the other user."""
    return {name: factory(session, other_user).id for name, factory in ID_FACTORIES.items()}


def test_another_users_objects_are_404_on_every_route(
    app: Flask, logged_in, foreign_objects
) -> None:
    failures = []
    for rule in _id_routes(app):
        args = {arg: foreign_objects[arg] for arg in rule.arguments if arg in foreign_objects}
        if len(args) != len(rule.arguments):
            continue  # reported by test_every_id_parameter_has_a_factory
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = logged_in.open(url, method=method, data={})
            if response.status_code != 404:
                failures.append(f"{method} {url} ({rule.endpoint}) -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_owner_can_reach_their_objects(app: Flask, logged_in, session, user) -> None:
    own = {name: factory(session, user).id for name, factory in ID_FACTORIES.items()}
    failures = []
    for rule in _id_routes(app):
        if "GET" not in (rule.methods or set()):
            continue
        args = {arg: own[arg] for arg in rule.arguments if arg in own}
        if len(args) != len(rule.arguments):
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        response = logged_in.get(url)
        if response.status_code == 404:
            failures.append(f"GET {url} ({rule.endpoint}) -> 404 for the owner")
    assert not failures, "\n".join(failures)
