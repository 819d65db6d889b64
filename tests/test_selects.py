"""Selects render through crm.forms.QuickSelect: the same HTML as WTForms', options built once."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField
from wtforms.widgets import Select

from crm import forms
from crm.accounts.forms import timezone_choices

CRM = Path(forms.__file__).parent

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
attributes = st.dictionaries(
    st.sampled_from(["data-x", "class", "disabled", "title"]),
    st.one_of(texts, st.booleans()),
    max_size=2,
)
values = st.one_of(texts, st.integers(-5, 5), st.booleans())
groups = st.one_of(st.none(), st.sampled_from(["A", "B & <C>"]))
# Markup labels beside equal plain ones: the cache must keep "<b>" and Markup("<b>") apart.
labels = st.one_of(st.none(), texts, texts.map(Markup), st.just("<b>"), st.just(Markup("<b>")))
choice_lists = st.lists(
    st.builds(SelectChoice, values, labels, attributes, groups),
    max_size=8,
)


def rendered(widget: Select, choices: list[SelectChoice], data: object, **kwargs: object) -> str:
    class OneSelect(Form):
        pick = WTFormsSelectField(choices=choices, coerce=lambda value: value)

    form = OneSelect()
    form.pick.data = data
    form.pick.widget = widget
    return str(widget(form.pick, **kwargs))


@given(choice_lists, st.one_of(values, st.none()), st.booleans())
def test_quick_select_renders_what_wtforms_renders(choices, data, twice):
    expected = rendered(Select(), choices, data)
    quick = rendered(forms.QuickSelect(), choices, data)
    if twice:  # from the cache the second time
        quick = rendered(forms.QuickSelect(), choices, data)
    assert quick == expected


@given(choice_lists, st.one_of(values, st.none()))
def test_quick_select_passes_render_arguments_through(choices, data):
    arguments = {"class": "wide", "aria-invalid": "true"}
    assert rendered(forms.QuickSelect(), choices, data, **arguments) == rendered(
        Select(), choices, data, **arguments
    )


def test_an_unhashable_attribute_is_rendered_afresh():
    choices = [SelectChoice("a", "A", {"data-list": ["x"]})]
    assert rendered(forms.QuickSelect(), choices, "a") == rendered(Select(), choices, "a")


def test_every_select_in_the_app_is_the_quick_one():
    # A form field declared from wtforms' own SelectField (or a widget from its Select)
    # would render 600 zones option by option again: only crm/forms.py may name them.
    offenders = []
    for path in CRM.rglob("*.py"):
        if path == Path(forms.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                names = {alias.name for alias in node.names}
                if names & {"SelectField", "Select"}:
                    offenders.append(f"{path.relative_to(CRM)}: from {node.module} import ...")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"SelectField", "Select"}
                and isinstance(node.value, ast.Name)
                and node.value.id in {"wtforms", "widgets"}
            ):
                offenders.append(f"{path.relative_to(CRM)}:{node.lineno}")
    assert offenders == []


def test_zones_keep_their_groups_and_a_stored_alias():
    zones = timezone_choices("US/Pacific")
    assert zones[0].optgroup == "UTC"
    assert {"Europe", "America", "Asia"} <= {choice.optgroup for choice in zones}
    assert zones[-1].value == "US/Pacific" and zones[-1].optgroup == "Other"
    # The alias is added to this form's list only, never to the kept one.
    assert timezone_choices(None)[-1].value != "US/Pacific"
