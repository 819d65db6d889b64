"""emails: creators' templates move from the old Jinja dialect to Liquid

Each stored subject and body is converted construct by construct. A template
using something that has no faithful Liquid equivalent (truncate, round,
title, `{% set %}`, ...) is kept exactly as written and flagged old_syntax: the
app then uses the built-in template for that email and the editor shows the
creator their old text with a note, so nothing is lost and no email silently
changes.

The converter lives here, frozen: it must never change with the app.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import liquid
import sqlalchemy as sa
from alembic import op
from jinja2 import Environment, TemplateSyntaxError, nodes

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECT_MAX = 500


class Unconvertible(Exception):
    """No faithful Liquid for this construct."""


# The variables as they were in 0007 (printing a list or a true/false differs in Liquid).
_LISTS = frozenset({"videos", "rates", "add_ons"})
_BOOLEANS = frozenset({"beats_most", "videos_match", "tiktok_shop", "last_followup"})
_SAME_FILTERS = {"upper": "upcase", "lower": "downcase", "capitalize": "capitalize",
                 "trim": "strip", "first": "first", "last": "last",
                 "length": "size", "count": "size"}  # fmt: skip
_LOOP = {"index": "index", "index0": "index0", "first": "first", "last": "last",
         "length": "length", "revindex": "rindex", "revindex0": "rindex0"}  # fmt: skip
_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "lteq": "<=", "gteq": ">="}
_BLOCK = re.compile(r"{{(-?)(.*?)(-?)}}|{%(-?)\s*(\w+)(.*?)(-?)%}|{#(-?)(.*?)(-?)#}", re.S)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JINJA = Environment(trim_blocks=True, lstrip_blocks=True)


class _Liquid(liquid.Environment):
    """The Liquid dialect of 0008: `not`, brackets and `a if b else c` in outputs."""

    logical_not_operator = True
    logical_parentheses = True
    ternary_expressions = True


_LIQUID = _Liquid()


def _const(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        for quote in ("'", '"'):
            if quote not in value:
                return f"{quote}{value}{quote}"
    raise Unconvertible("constant")


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name) and node.name != "loop":
        return node.name
    if isinstance(node, nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "loop":
            if node.attr not in _LOOP:
                raise Unconvertible("loop attribute")
            return f"forloop.{_LOOP[node.attr]}"
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        key = node.arg.value
        if isinstance(key, int) and not isinstance(key, bool):
            return f"{_path(node.node)}[{key}]"
        if isinstance(key, str) and _IDENTIFIER.match(key):
            return f"{_path(node.node)}.{key}"
    raise Unconvertible("path")


def _simple(node: nodes.Node) -> str:
    """A constant or a path to a value."""
    if isinstance(node, nodes.Const):
        return _const(node.value)
    return _path(node)


def _filter(node: nodes.Filter) -> str:
    if node.kwargs or node.dyn_args or node.dyn_kwargs or node.node is None:
        raise Unconvertible("filter arguments")
    base, args = _value(node.node), [_simple(a) for a in node.args]
    if node.name in _SAME_FILTERS and not args:
        return f"{base} | {_SAME_FILTERS[node.name]}"
    if node.name == "join" and len(args) <= 1:
        return f"{base} | join: {args[0] if args else _const('')}"
    if node.name == "replace" and len(args) == 2:
        return f"{base} | replace: {args[0]}, {args[1]}"
    if node.name in ("default", "d") and len(args) == 2 and args[1] == "true":
        return f"{base} | default: {args[0]}"
    if node.name in ("default", "d") and len(args) == 1 and isinstance(node.node, nodes.Name):
        return base  # every 0007 variable is always defined: default() never applied
    raise Unconvertible(f"filter {node.name}")


def _value(node: nodes.Node) -> str:
    if isinstance(node, nodes.Filter):
        return _filter(node)
    return _simple(node)


def _appended(node: nodes.Node) -> str:
    """`a ~ b ~ c` as `a | append: b | append: c` (each part a constant or a path)."""
    if not isinstance(node, nodes.Concat):
        return _value(node)
    first, *rest = node.nodes
    return " | ".join([_simple(first), *(f"append: {_simple(part)}" for part in rest)])


def _output(node: nodes.Node) -> list[str]:
    """One `{{ }}` as the Liquid outputs that print the same text."""
    if isinstance(node, nodes.Concat):
        return [text for part in node.nodes for text in _output(part)]
    if isinstance(node, nodes.Or):
        chosen = _path(node.left)
        return [f"{chosen} if {chosen} else {_appended(node.right)}"]
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        return [f"{_appended(node.expr1)} if {_test(node.test)} else {_appended(node.expr2)}"]
    if isinstance(node, nodes.Name) and node.name in _LISTS | _BOOLEANS:
        raise Unconvertible("printing a list or true/false")
    return [_value(node)]


def _operand(node: nodes.Node) -> str:
    if isinstance(node, nodes.Filter) and node.name in ("length", "count") and not node.args:
        return f"{_path(node.node)}.size"
    if isinstance(node, nodes.Const) and node.value == "":
        raise Unconvertible("comparing with empty text")
    return _simple(node)


def _test(node: nodes.Node) -> str:
    if isinstance(node, nodes.And | nodes.Or):
        word = "and" if isinstance(node, nodes.And) else "or"
        return f"({_test(node.left)} {word} {_test(node.right)})"
    if isinstance(node, nodes.Not):
        return f"not ({_test(node.node)})"
    if isinstance(node, nodes.Compare) and len(node.ops) == 1:
        left, (op_node,) = _operand(node.expr), node.ops
        right = _operand(op_node.expr)
        if op_node.op in _COMPARE:
            return f"{left} {_COMPARE[op_node.op]} {right}"
        if op_node.op == "in":
            return f"{right} contains {left}"
        if op_node.op == "notin":
            return f"not ({right} contains {left})"
    if isinstance(node, nodes.Const | nodes.Name | nodes.Getattr | nodes.Getitem):
        return _simple(node)
    raise Unconvertible("condition")


def _strip_parens(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _loop_source(node: nodes.Node) -> str:
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        numbers = [a.value for a in node.args if isinstance(a, nodes.Const)]
        ok = node.node.name == "range" and len(numbers) == len(node.args) in (1, 2)
        if ok and not node.kwargs and all(isinstance(n, int) for n in numbers):
            start, stop = (0, numbers[0]) if len(numbers) == 1 else numbers
            return f"({start}..{stop - 1})" if stop > start else "(1..0)"
        raise Unconvertible("call")
    return _path(node)


def _parse(text: str) -> nodes.Node:
    try:
        return _JINJA.parse(text).body[0]
    except (TemplateSyntaxError, IndexError) as error:
        raise Unconvertible("syntax") from error


def _tag(name: str, args: str) -> str:
    if name in ("else", "endif", "endfor") and not args.strip():
        return name
    if name in ("if", "elif"):
        test = _parse("{% if " + args + " %}{% endif %}").test
        return f"{'if' if name == 'if' else 'elsif'} {_strip_parens(_test(test))}"
    if name == "for":
        loop = _parse("{% for " + args + " %}{% endfor %}")
        if loop.test is not None or loop.recursive or not isinstance(loop.target, nodes.Name):
            raise Unconvertible("for")
        return f"for {loop.target.name} in {_loop_source(loop.iter)}"
    raise Unconvertible(f"tag {name}")


def _block(match: re.Match[str]) -> str:
    out_l, out, out_r, tag_l, name, args, tag_r, com_l, comment, com_r = match.groups()
    if out is not None:
        node = _parse("{{ " + out + " }}")
        assert isinstance(node, nodes.Output) and len(node.nodes) == 1
        pieces = _output(node.nodes[0])
        last = len(pieces) - 1
        return "".join(
            "{{" + (out_l if i == 0 else "") + f" {p} " + (out_r if i == last else "") + "}}"
            for i, p in enumerate(pieces)
        )
    if name is not None:
        return "{%" + tag_l + f" {_tag(name, args)} " + tag_r + "%}"
    if "endcomment" in comment:
        raise Unconvertible("comment")
    return "{%" + com_l + " comment %}" + comment + "{% endcomment " + com_r + "%}"


def convert(source: str) -> str | None:
    """`source` in Liquid, or None when some construct has no faithful Liquid."""
    try:
        _JINJA.parse(source)  # the whole template must have been valid to begin with
        converted, end = [], 0
        for match in _BLOCK.finditer(source):
            converted += [source[end : match.start()], _block(match)]
            end = match.end()
        converted.append(source[end:])
    except (Unconvertible, TemplateSyntaxError, AssertionError):
        return None
    text = "".join(converted)
    try:
        _LIQUID.parse(text)
    except liquid.exceptions.LiquidError:
        return None
    return text


_TEMPLATES = sa.table(
    "pitch_email_templates",
    sa.column("id", sa.Integer),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("old_syntax", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("pitch_email_templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("old_syntax", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    rows = connection.execute(sa.select(_TEMPLATES.c.id, _TEMPLATES.c.subject, _TEMPLATES.c.body))
    for row_id, subject, body in rows.all():
        new_subject, new_body = convert(subject), convert(body)
        where = _TEMPLATES.update().where(_TEMPLATES.c.id == row_id)
        if new_subject is None or new_body is None or len(new_subject) > SUBJECT_MAX:
            connection.execute(where.values(old_syntax=True))
        else:
            connection.execute(where.values(subject=new_subject, body=new_body))


def downgrade() -> None:
    # The text stays Liquid: the Jinja app falls back to its built-in template for any
    # template it can't render, so a downgrade loses nothing and breaks no page.
    with op.batch_alter_table("pitch_email_templates", schema=None) as batch_op:
        batch_op.drop_column("old_syntax")
