"""The email template sandbox: errors with their line, refused internals, bounded work."""

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
    text = render(compile_template("Hi {{ brand_name|upper }}!", NAMES), VALUES)
    assert text == "Hi GLOW THEORY!"


def test_a_syntax_error_names_its_line() -> None:
    problem = problem_for("Hi there,\n\nWe love {{ brand_name }\nThanks")
    assert problem.line == 3
    assert str(problem).startswith("Line 3: ")


def test_an_unclosed_block_is_a_syntax_error_not_a_crash() -> None:
    problem = problem_for("Hi\n{% if followers %}\nno end here")
    assert problem.line is not None
    assert "endif" in problem.message or "end of template" in problem.message.lower()


def test_an_unknown_variable_is_refused_with_its_line() -> None:
    problem = problem_for("Hi\n\n\n{{ brand_nmae }}")
    assert problem.line == 4
    assert "brand_nmae" in problem.message


def test_an_undefined_attribute_is_refused_with_its_line() -> None:
    problem = problem_for("Samples:\n{% for v in videos %}\n{{ v.link }}\n{% endfor %}")
    assert problem.line == 3
    assert "link" in problem.message


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ brand_name.__class__.__init__.__globals__ }}",
        "{{ videos.__class__.__subclasses__() }}",
    ],
)
def test_python_internals_are_refused_by_the_sandbox(source: str) -> None:
    problem = problem_for("Hi,\n" + source)
    assert problem.line == 2
    assert problem.message.startswith("Not allowed")


def test_only_harmless_calls_are_allowed() -> None:
    assert render(compile_template("{{ brand_name.lower() }}", NAMES), VALUES) == "glow theory"
    problem = problem_for("{{ brand_name.ljust(100000000) }}")
    assert "ljust" in problem.message


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ brand_name * 100000000 }}", "only works on numbers"),
        ("{{ '%100000000d' % 1 }}", "only works on numbers"),
        ("{{ 9 ** 99999999 }}", "too large"),
        ("{% for i in range(1000000) %}x{% endfor %}", "at most"),
        ("{{ brand_name|center(100000000) }}", "No filter named"),
        ("{% set x = brand_name %}", "can't be used"),
        ("{% macro m() %}{% endmacro %}", "can't be used"),
        ("{% include 'base.html' %}", "can't be used"),
        ("{% for c in brand_name ~ brand_name %}{% endfor %}", "A loop can go over"),
        ("{{ lipsum(1000) }}", "no variable called 'lipsum'"),
        (
            "{{ '" + "y" * 300 + "'|replace('', '" + "z" * 300 + "') }}",
            "would make the email longer",
        ),
    ],
)
def test_templates_cannot_do_unbounded_work(source: str, words: str) -> None:
    assert words in problem_for(source).message


def test_replace_still_works_within_bounds() -> None:
    source = "{{ brand_name|replace('a', 'A') }}|{{ 'aaaa'|replace('a', 'b', 2) }}"
    assert render(compile_template(source, NAMES), VALUES).startswith(
        VALUES["brand_name"].replace("a", "A") + "|bbaa"
    )


def test_loops_nest_at_most_two_deep() -> None:
    two = "{% for a in range(3) %}{% for b in range(3) %}.{% endfor %}{% endfor %}"
    assert render(compile_template(two, NAMES), VALUES) == "." * 9
    three = (
        "{% for a in range(2) %}{% for b in range(2) %}{% for c in range(2) %}"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    assert "nested" in problem_for(three).message


def test_output_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "OUTPUT_MAX", 50)
    problem = problem_for("{% for a in range(10) %}{{ brand_name }}{% endfor %}")
    assert "longer than" in problem.message


def test_a_template_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(TemplateProblem, match="under"):
        compile_template("x" * (sandbox.SOURCE_MAX["subject"] + 1), NAMES, "subject")


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
