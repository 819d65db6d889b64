"""Rendering email templates, the creator's own included, in a locked-down Jinja sandbox.

Jinja's SandboxedEnvironment stops templates from reaching Python internals
(`{{ ''.__class__ }}` is refused). A hosted app runs many creators' templates in
one process, so this sandbox also keeps a template from burning CPU or memory:

- only `{{ ... }}`, `{% if %}` and `{% for %}`: no macros, includes, imports or
  `{% set %}` (the ways a short template grows an unbounded amount of text);
- loops go over a context variable or `range(n)` with n <= MAX_RANGE, at most
  MAX_LOOPS loops nested at most MAX_LOOP_DEPTH deep;
- a short list of filters; no calls except `range` and a few string methods;
- `*`, `**`, `%`, `/` and `//` on numbers only, within bounds;
- the output stops at OUTPUT_MAX characters.

Every problem comes back as TemplateProblem with the line it is on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import (
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
    pass_eval_context,
)
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_RANGE = 100
MAX_LOOPS = 10
MAX_LOOP_DEPTH = 2
OUTPUT_MAX = 50_000
SOURCE_MAX = {"subject": 500, "body": 20_000}
_TEMPLATE_FILE = "<template>"

ALLOWED_FILTERS = (
    "capitalize",
    "default",
    "d",
    "first",
    "join",
    "last",
    "length",
    "lower",
    "replace",
    "round",
    "title",
    "trim",
    "truncate",
    "upper",
    "wordcount",
)
ALLOWED_STR_METHODS = frozenset(
    {"capitalize", "endswith", "lower", "lstrip", "rstrip", "startswith", "strip", "title", "upper"}
)
FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.FilterBlock: "filter blocks",
    nodes.With: "with blocks",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Include: "includes",
    nodes.Extends: "extends",
    nodes.Block: "blocks",
    nodes.ScopedEvalContextModifier: "autoescape blocks",
    nodes.EvalContextModifier: "autoescape blocks",
}


class TemplateProblem(Exception):
    """A template that can't be used: what is wrong, and on which line (1-based)."""

    def __init__(self, message: str, line: int | None = None, part: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.part = part

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


def _limited_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() can count at most {MAX_RANGE} steps in an email template.")
    return numbers


@pass_eval_context
def _limited_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    """Jinja's replace, refused when the result would outgrow an email (replace('', long) x2)."""
    text, old, new = str(s), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if count is not None:
        hits = min(hits, max(count, 0))
    if len(text) + hits * (len(new) - len(old)) > OUTPUT_MAX:
        raise SecurityError(
            f"that replace would make the email longer than {OUTPUT_MAX:,} characters."
        )
    return str(DEFAULT_FILTERS["replace"](eval_ctx, text, old, new, count))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class EmailSandbox(SandboxedEnvironment):
    """The sandbox with the limits listed in the module docstring."""

    intercepted_binops = frozenset({"*", "**", "%", "/", "//"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if not (_is_number(left) and _is_number(right)):
            raise SecurityError(f"'{operator}' only works on numbers in an email template.")
        if operator == "**" and (abs(right) > 10 or abs(left) > 1_000_000):
            raise SecurityError("that power is too large for an email template.")
        result = super().call_binop(context, operator, left, right)
        if _is_number(result) and math.isfinite(result) and abs(result) > 10**18:
            raise SecurityError("that number is too large for an email template.")
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", "")
        is_str_method = isinstance(getattr(__obj, "__self__", None), str)
        if __obj is _limited_range or (is_str_method and name in ALLOWED_STR_METHODS):
            return __context.call(__obj, *args, **kwargs)
        raise SecurityError(
            f"calling {name or 'that'}() isn't allowed in an email template; "
            "use a filter such as {{ brand_name|upper }}."
        )


def make_environment() -> EmailSandbox:
    """A fresh sandbox: plain text, unknown names are errors, tidy whitespace around tags."""
    env = EmailSandbox(
        undefined=StrictUndefined,
        autoescape=False,  # plain-text email, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters = {name: DEFAULT_FILTERS[name] for name in ALLOWED_FILTERS}
    env.filters["replace"] = _limited_replace
    env.globals = {"range": _limited_range}
    return env


_ENV = make_environment()


def _iterable_ok(node: nodes.Node) -> bool:
    """A loop may go over a variable (or a part of one) or over range(n)."""
    if isinstance(node, nodes.Name):
        return True
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        return _iterable_ok(node.node)
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "range"
    )


def _check_loops(node: nodes.Node, depth: int, count: list[int]) -> None:
    for child in node.iter_child_nodes():
        inner = depth
        if isinstance(child, nodes.For):
            count[0] += 1
            inner = depth + 1
            if inner > MAX_LOOP_DEPTH:
                raise TemplateProblem(
                    f"Loops can be nested at most {MAX_LOOP_DEPTH} deep.", child.lineno
                )
            if count[0] > MAX_LOOPS:
                raise TemplateProblem(f"Use at most {MAX_LOOPS} loops.", child.lineno)
            if not _iterable_ok(child.iter):
                raise TemplateProblem(
                    "A loop can go over a variable (like videos) or range(n).", child.lineno
                )
        _check_loops(child, inner, count)


def _check_tree(tree: nodes.Template, known: frozenset[str]) -> None:
    for node_type, what in FORBIDDEN_NODES.items():
        found = next(iter(tree.find_all(node_type)), None)
        if found is not None:
            raise TemplateProblem(f"{what} can't be used in email templates.", found.lineno)
    _check_loops(tree, 0, [0])
    unknown = sorted(meta.find_undeclared_variables(tree) - known - {"range"})
    if unknown:
        name = unknown[0]
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), None)
        raise TemplateProblem(f"There is no variable called {name!r}.", line)


def compile_template(source: str, known: frozenset[str], part: str = "body") -> Any:
    """Parse and check `source`; raises TemplateProblem with the line at fault."""
    limit = SOURCE_MAX.get(part, SOURCE_MAX["body"])
    if len(source) > limit:
        raise TemplateProblem(f"Keep the template under {limit:,} characters.")
    try:
        tree = _ENV.parse(source)
        _check_tree(tree, known)
        return _ENV.from_string(tree)
    except TemplateSyntaxError as error:
        raise TemplateProblem(_syntax_message(error), error.lineno) from None


def _syntax_message(error: TemplateSyntaxError) -> str:
    message = error.message or "This isn't valid template syntax."
    return message[0].upper() + message[1:] if message else message


def _error_line(error: BaseException) -> int | None:
    """The template line a rendering error happened on (Jinja rewrites the traceback)."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _runtime_message(error: BaseException) -> str:
    if isinstance(error, SecurityError):
        return f"Not allowed: {error}"
    if isinstance(error, TemplateError):
        text = str(error).replace("'dict object'", "this value")
        return text[0].upper() + text[1:] if text else "This template can't be rendered."
    if isinstance(error, RecursionError):
        return "The template goes round in circles."
    return f"This template can't be rendered: {error}"


def _collect(chunks: Iterator[str]) -> str:
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > OUTPUT_MAX:
            raise TemplateProblem(f"The email would be longer than {OUTPUT_MAX:,} characters.")
        parts.append(chunk)
    return "".join(parts)


def render(template: Any, variables: Mapping[str, Any]) -> str:
    """Render a compiled template; any failure becomes a TemplateProblem with its line."""
    try:
        return _collect(template.generate(dict(variables)))
    except TemplateProblem:
        raise
    except Exception as error:  # a creator's template may fail in any way; never a 500
        raise TemplateProblem(_runtime_message(error), _error_line(error)) from None


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


_BLANK_RUN = re.compile(r"\n{3,}")


def tidy_body(text: str) -> str:
    """No trailing spaces, at most one blank line in a row (left-out sentences leave none)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip() + "\n"


def tidy_subject(text: str) -> str:
    """One line, single spaces."""
    return " ".join(text.split())


def render_email(
    subject: str, body: str, variables: Mapping[str, Any], known: frozenset[str]
) -> RenderedEmail:
    """Compile and render both parts; a TemplateProblem carries `part` ('subject' or 'body')."""
    rendered = {}
    for part, source in (("subject", subject), ("body", body)):
        try:
            rendered[part] = render(compile_template(source, known, part), variables)
        except TemplateProblem as problem:
            problem.part = part
            raise
    return RenderedEmail(tidy_subject(rendered["subject"]), tidy_body(rendered["body"]))
