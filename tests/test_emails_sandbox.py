"""Email templates in Liquid: errors with their line, out-of-reach internals, bounded work."""

from __future__ import annotations

import pytest

from crm.emails import sandbox
from crm.emails.kinds import EmailKind, TemplateFileError, default_template, parse_template_file
from crm.emails.sandbox import TemplateProblem, compile_template, render, render_email
from crm.emails.wording import KNOWN

VALUES = {
    "brand_name": "Glow Theory",
    "videos": [{"title": "Fridge review", "url": "https://example.com/v/1", "views": "10 views"}],
    "followers": "",
}
NAMES = frozenset(VALUES)


def problem_for(source: str) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        render(compile_template(source, NAMES), VALUES)
    return caught.value


def test_a_plain_template_renders_its_values() -> None:
    text = render(compile_template("Hi {{ brand_name | upcase }}!", NAMES), VALUES)
    assert text == "Hi GLOW THEORY!"


def test_empty_values_count_as_missing_in_if() -> None:
    source = "{% if followers %}F{% else %}no F{% endif %} {% if videos %}V{% endif %}"
    assert render(compile_template(source, NAMES), VALUES) == "no F V"
    empty = {**VALUES, "videos": []}
    assert render(compile_template(source, NAMES), empty) == "no F "


def test_a_syntax_error_names_its_line() -> None:
    problem = problem_for("Hi there,\n\nWe love {{ brand_name }\nThanks")
    assert problem.line == 3
    assert str(problem).startswith("Line 3: ")


def test_an_unclosed_block_is_a_syntax_error_not_a_crash() -> None:
    problem = problem_for("Hi\n{% if followers %}\nno end here")
    assert problem.line is not None
    assert "endif" in problem.message


def test_an_unknown_placeholder_is_refused_with_its_line_before_rendering() -> None:
    with pytest.raises(TemplateProblem) as caught:
        compile_template("Hi\n\n\n{{ brand_nmae }}", NAMES)
    assert caught.value.line == 4
    assert "brand_nmae" in caught.value.message


def test_an_undefined_attribute_is_refused_with_its_line() -> None:
    problem = problem_for("Samples:\n{% for v in videos %}\n{{ v.link }}\n{% endfor %}")
    assert problem.line == 3
    assert "link" in problem.message


@pytest.mark.parametrize(
    "source",
    ["{{ brand_name.__class__ }}", "{{ videos.__class__.__subclasses__ }}", "{{ ''.__class__ }}"],
)
def test_python_internals_are_out_of_reach(source: str) -> None:
    problem = problem_for("Hi,\n" + source)
    assert problem.line == 2


@pytest.mark.parametrize("tag", ["include 'base.html'", "render 'x'", "capture x", "cycle 1, 2"])
def test_only_the_tags_a_letter_needs_exist(tag: str) -> None:
    problem = problem_for("Hi\n{% " + tag + " %}")
    assert problem.line == 2
    assert "Unexpected tag" in problem.message


# The payloads in Liquid, one per class of attack: each is refused by a limit with
# its line, before it does the work (in process, so these are fast).
@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ 1 | round: 1000000000000 }}", "decimal places"),
        ("{{ 7 | times: 99999999999999 }}", "stay below"),
        ("{{ 999999 | times: 999999 | times: 999999 }}", "stay below"),
        ("{{ (1..100000000) | join: ',' }}", "at most 1,000 items"),
        (
            "{% assign r = (1..1000) | join: ',' %}{{ r | split: ',' | join: r }}",
            "longer than an email",
        ),
        ("{% for i in (1..100000000) %}{% endfor %}", "Loops can run at most"),
        (
            "{% for i in (1..1000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}",
            "Loops can run at most",
        ),
        (
            "{% assign s = 'ab' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}",
            "longer than an email",
        ),
        (
            "{% assign s = 'ab' %}"
            "{% for i in (1..60) %}{% assign s = s | prepend: s %}{% endfor %}",
            "longer than an email",
        ),
        (
            "{% for i in (1..999) %}{{ brand_name | append: brand_name | append: brand_name }}"
            "{{ brand_name | append: brand_name | append: brand_name }}{% endfor %}",
            "longer than 50,000",
        ),
        (
            "{{ 'y' | replace: '', '" + "z" * 300 + "' | replace: '', '" + "z" * 300 + "' }}",
            "longer",
        ),
        ("{{ brand_name | center: 100000000 }}", "Unknown filter"),
    ],
)
def test_templates_cannot_do_unbounded_work(source: str, words: str) -> None:
    problem = problem_for("Hi,\n" + source)
    assert words in problem.message
    assert problem.line == 2


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{% if brand_name %}\n" * 50 + "x" + "{% endif %}" * 50, "nested at most"),
        ("{% for v in videos %}\n" * 50 + "{% endfor %}" * 50, "nested at most"),
        ("{{ " + "(" * 2000 + "brand_name" + ")" * 2000 + " }}", "nested at most"),
        ("{% if " + " and ".join(["brand_name"] * 1200) + " %}x{% endif %}", "at most 20"),
        ("{{ brand_name " + "| upcase " * 2000 + "}}", ""),
    ],
)
def test_pathological_nesting_is_a_clear_error_never_a_recursion_error(
    source: str, words: str
) -> None:
    try:
        render(compile_template(source, NAMES), VALUES)
    except TemplateProblem as problem:
        assert words in problem.message
        assert problem.line is not None
    else:
        assert not words  # a long flat chain of filters is fine


def test_filters_still_work_within_bounds() -> None:
    source = (
        "{{ brand_name | replace: 'o', '0' }}|{{ 'a,b' | split: ',' | join: ' & ' }}"
        "|{{ 2.456 | round: 1 }}"
    )
    assert render(compile_template(source, NAMES), VALUES) == "Gl0w The0ry|a & b|2.5"


def test_a_template_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(TemplateProblem, match="under"):
        compile_template("x" * (sandbox.SOURCE_MAX["subject"] + 1), NAMES, "subject")


def test_a_line_with_only_a_tag_leaves_no_line_behind() -> None:
    source = "Samples:\n{% for v in videos %}\n  - {{ v.title }}\n{% endfor %}\nBye"
    assert render(compile_template(source, NAMES), VALUES) == "Samples:\n  - Fridge review\nBye"


def test_left_out_sentences_leave_no_gaps_or_trailing_spaces() -> None:
    rendered = render_email(
        "  Hello   {{ brand_name }} ",
        "Hi,   \n\n{% if followers %}\nI have {{ followers }}.\n{% endif %}\n\n\n\nThanks,\n",
        VALUES,
        NAMES,
    )
    assert rendered.subject == "Hello Glow Theory"
    assert rendered.body == "Hi,\n\nThanks,\n"


def test_a_problem_says_which_part_it_is_in() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render_email("Fine", "Line one\n{{ oops }}", VALUES, NAMES)
    assert caught.value.part == "body"
    assert caught.value.line == 2


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_built_in_template_compiles_with_the_documented_variables(kind: EmailKind) -> None:
    source = default_template(kind)
    assert source.subject and source.body
    compile_template(source.subject, KNOWN, "subject")
    compile_template(source.body, KNOWN)


def test_a_template_file_needs_a_subject_line_then_a_blank_line() -> None:
    parsed = parse_template_file("Subject: Hi {{ brand_name }}\n\nBody\n", "t.txt")
    assert parsed.subject == "Hi {{ brand_name }}"
    assert parsed.body == "Body\n"
    with pytest.raises(TemplateFileError, match="Subject"):
        parse_template_file("Hello\n\nBody", "t.txt")
    with pytest.raises(TemplateFileError, match="blank line"):
        parse_template_file("Subject: x\nBody", "t.txt")
