"""Email templates, the creator's own included, in Liquid with limits built in.

Liquid is made for templates written by people the server doesn't trust: a
template sees only the values it is given, and can't call code. On top of that
this environment sets the limits a shared server needs:

- loops run at most LOOP_LIMIT times in all, blocks nest at most NESTING_MAX deep,
  parentheses at most PARENS_MAX deep;
- the output, and the template's own variables (`assign`), have a size cap;
- only the tags a letter needs (if, unless, case, for, assign, comment) and the
  bounded filters of crm.emails.liquid_filters;
- an unknown placeholder is an error with its line.

These limits count work Liquid does; they can't stop one slow step. That is
what crm.emails.isolation is for: a creator's template renders in a separate
process with a deadline and a memory cap.

Whitespace works as it did with Jinja's trim_blocks/lstrip_blocks: a line that
holds only a tag leaves no line behind, so templates read like the email.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from liquid import Environment, StrictUndefined
from liquid.exceptions import (
    BlockNestingError,
    ContextDepthError,
    LiquidError,
    LiquidSyntaxError,
    LocalNamespaceLimitError,
    LoopIterationLimitError,
    OutputStreamLimitError,
    UndefinedError,
)
from liquid.token import TOKEN_COMMENT, TOKEN_CONTENT, TOKEN_EXPRESSION, TOKEN_TAG, Token

from crm.emails.liquid_filters import OUTPUT_MAX, email_filters

SOURCE_MAX = {"subject": 500, "body": 20_000}
LOOP_LIMIT = 1_000
NESTING_MAX = 8
PARENS_MAX = 8
NAMESPACE_MAX = 100_000  # bytes held by `assign`ed variables
ALLOWED_TAGS = frozenset(
    {"content", "output", "illegal", "if", "unless", "case", "for", "break", "continue"}
    | {"assign", "comment", "#"}
)


class TemplateProblem(Exception):
    """A template that can't be used: what is wrong, and on which line (1-based)."""

    def __init__(self, message: str, line: int | None = None, part: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.part = part

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


class EmptyText(str):
    """An empty value: renders as nothing and counts as false in `{% if %}` (as in Jinja)."""

    __slots__ = ()

    def __liquid__(self) -> None:
        return None


class EmptyList(list[Any]):
    """An empty list that counts as false in `{% if videos %}`."""

    def __liquid__(self) -> None:
        return None


def liquid_values(value: Any) -> Any:
    """Plain values with empty text and empty lists made false, as a creator expects."""
    if isinstance(value, str):
        return value if value else EmptyText()
    if isinstance(value, dict):
        return {key: liquid_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [liquid_values(item) for item in value]
        return items if items else EmptyList()
    return value


def _trim_like_jinja(tokens: Iterator[Token]) -> Iterator[Token]:
    """Drop the newline after a tag and the indent before it (Jinja trim/lstrip_blocks)."""
    previous: Token | None = None
    pending: Token | None = None
    for token in tokens:
        is_tag = token.kind in (TOKEN_TAG, TOKEN_COMMENT)
        if pending is not None:
            if is_tag:
                pending = _lstrip(pending)
            yield pending
            pending = None
        if token.kind == TOKEN_CONTENT:
            if previous is not None and previous.kind in (TOKEN_TAG, TOKEN_COMMENT):
                token = _trim(token)
            pending = token
        else:
            yield token
        if token.kind != TOKEN_EXPRESSION:  # a tag's arguments come as their own token
            previous = token
    if pending is not None:
        yield pending


def _trim(token: Token) -> Token:
    for newline in ("\r\n", "\n"):
        if token.value.startswith(newline):
            return token._replace(
                value=token.value[len(newline) :], start_index=token.start_index + len(newline)
            )
    return token


def _lstrip(token: Token) -> Token:
    head, newline, tail = token.value.rpartition("\n")
    at_line_start = bool(newline) or token.start_index == 0
    if at_line_start and tail.strip(" \t") == "":
        return token._replace(value=head + newline)
    return token


class EmailEnvironment(Environment):
    """Liquid with the limits listed in the module docstring."""

    loop_iteration_limit = LOOP_LIMIT
    output_stream_limit = OUTPUT_MAX
    local_namespace_limit = NAMESPACE_MAX
    context_depth_limit = 10
    block_nesting_limit = NESTING_MAX
    logical_not_operator = True
    logical_parentheses = True
    ternary_expressions = True

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, strict_filters=True, autoescape=False)
        self.tags = {name: tag for name, tag in self.tags.items() if name in ALLOWED_TAGS}
        self.filters = email_filters()

    def tokenizer(self) -> Callable[[str], Iterator[Token]]:
        tokenize = super().tokenizer()
        return lambda source: _trim_like_jinja(tokenize(source))


ENVIRONMENT = EmailEnvironment()


def line_of(source: str, index: int) -> int:
    """The 1-based line of character `index` in `source`."""
    return source.count("\n", 0, max(index, 0)) + 1


_PAREN = re.compile(r"[()]")
_TAG = re.compile(r"{%-?\s*(\w+)(.*?)-?%}", re.S)
_LOGIC = re.compile(r"\b(?:and|or)\b")
_OPENS = frozenset({"if", "unless", "case", "for"})
LOGIC_MAX = 20  # `and` / `or` in one tag


def _check_parentheses(source: str) -> None:
    depth = 0
    for match in _PAREN.finditer(source):
        depth += 1 if match.group() == "(" else -1
        if depth > PARENS_MAX:
            line = line_of(source, match.start())
            raise TemplateProblem(f"Brackets can be nested at most {PARENS_MAX} deep.", line)
        depth = max(depth, 0)


def _check_shape(source: str) -> None:
    """Refuse deep nesting before the parser sees it: a clear error, never a RecursionError."""
    _check_parentheses(source)
    depth = 0
    for tag in _TAG.finditer(source):
        name, expression = tag.group(1), tag.group(2)
        if len(_LOGIC.findall(expression)) > LOGIC_MAX:
            message = f"Use at most {LOGIC_MAX} 'and' / 'or' in one tag."
            raise TemplateProblem(message, line_of(source, tag.start()))
        if name in _OPENS:
            depth += 1
        elif name.startswith("end") and name[3:] in _OPENS:
            depth = max(depth - 1, 0)
        if depth > NESTING_MAX:
            message = f"Blocks (if, for) can be nested at most {NESTING_MAX} deep."
            raise TemplateProblem(message, line_of(source, tag.start()))


LIMIT_MESSAGES: dict[type[LiquidError], str] = {
    BlockNestingError: f"Blocks (if, for) can be nested at most {NESTING_MAX} deep.",
    ContextDepthError: "This template is nested too deeply.",
    LoopIterationLimitError: f"Loops can run at most {LOOP_LIMIT:,} times in one email.",
    OutputStreamLimitError: f"The email would be longer than {OUTPUT_MAX:,} characters.",
    LocalNamespaceLimitError: "The template's own values (assign) grew too large.",
}
_UNDEFINED = re.compile(r"^(.*) is undefined$")


def _message(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "This template is nested too deeply."
    for kind, message in LIMIT_MESSAGES.items():
        if isinstance(error, kind):
            return message
    if isinstance(error, UndefinedError):
        name = _UNDEFINED.match(str(error.message))
        return f"There is no placeholder called {name.group(1) if name else 'that'!r}."
    if isinstance(error, LiquidError):
        text = str(error.message).replace("found end of expression", "the template ended")
        return text[0].upper() + text[1:] if text else "This template can't be used."
    return f"This template can't be rendered: {error}"


def _line(error: BaseException, source: str) -> int | None:
    token = getattr(error, "token", None)
    if token is not None and token.start_index >= 0:
        return line_of(token.source, token.start_index)
    if isinstance(error, LiquidSyntaxError) and source:
        return line_of(source, len(source))  # the template ended before a block did
    return None


def problem_from(error: BaseException, source: str) -> TemplateProblem:
    """A Liquid (or Python) error as a TemplateProblem with its line."""
    return TemplateProblem(_message(error), _line(error, source))


def _check_names(template: Any, source: str, known: frozenset[str]) -> None:
    for name, uses in template.analyze().globals.items():
        if name not in known:
            line = line_of(source, uses[0].span.index) if uses else None
            raise TemplateProblem(f"There is no placeholder called {name!r}.", line)


def compile_template(source: str, known: frozenset[str], part: str = "body") -> Any:
    """Parse and check `source`; raises TemplateProblem with the line at fault."""
    limit = SOURCE_MAX.get(part, SOURCE_MAX["body"])
    if len(source) > limit:
        raise TemplateProblem(f"Keep the template under {limit:,} characters.")
    _check_shape(source)
    try:
        template = ENVIRONMENT.from_string(source)
    except LiquidSyntaxError as error:
        raise problem_from(error, source) from None
    except (LiquidError, RecursionError) as error:
        cause = error.__cause__ if isinstance(error.__cause__, RecursionError) else error
        raise problem_from(cause, source) from None
    _check_names(template, source, known)
    return template


def render(template: Any, variables: Mapping[str, Any]) -> str:
    """Render a compiled template; any failure becomes a TemplateProblem with its line."""
    try:
        return str(template.render(**liquid_values(dict(variables))))
    except MemoryError:
        raise  # the machine's limit, not the template's mistake (isolation reports it)
    except Exception as error:  # a creator's template may fail in any way; never a 500
        raise problem_from(error, "") from None


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


PARTS = ("subject", "body")


def render_part(part: str, source: str, variables: Mapping[str, Any], known: frozenset[str]) -> str:
    """Compile and render one part; a TemplateProblem carries `part`."""
    try:
        return render(compile_template(source, known, part), variables)
    except TemplateProblem as problem:
        problem.part = part
        raise


def tidy(subject: str, body: str) -> RenderedEmail:
    """Both rendered parts, tidied."""
    return RenderedEmail(tidy_subject(subject), tidy_body(body))


def render_email(
    subject: str, body: str, variables: Mapping[str, Any], known: frozenset[str]
) -> RenderedEmail:
    """Compile and render both parts in this process (trusted templates, tests)."""
    return tidy(
        render_part("subject", subject, variables, known),
        render_part("body", body, variables, known),
    )
