"""Every form class the app defines, and its fields, for the sweeps over all forms.

A form added later is found without anyone listing it: every module under crm/ is
imported and every FlaskForm subclass defined there is taken, plus the forms built at
run time from the seed: the rates area's add-on policy and the income targets.
"""

from __future__ import annotations

import inspect
import pkgutil
from collections.abc import Iterator
from importlib import import_module

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.core import UnboundField
from wtforms.meta import DefaultMeta

import crm


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_classes(app: Flask) -> list[type[FlaskForm]]:
    """Every FlaskForm subclass under crm/, the run-time built ones included."""
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        import_module(module.name)
    with app.test_request_context():
        from crm.calculators.forms import add_on_policy_form
        from crm.income.forms import targets_form

        built = {type(make(meta={"csrf": False})) for make in (add_on_policy_form, targets_form)}
    found = {cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith("crm.")}
    return sorted(found | built, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def fields(form_class: type[FlaskForm]) -> Iterator[tuple[str, Field]]:
    """(name, field) for each field the form class declares, bound outside any form."""
    meta = DefaultMeta()
    for name, unbound in inspect.getmembers(form_class, lambda v: isinstance(v, UnboundField)):
        yield name, unbound.bind(None, name, _meta=meta)
