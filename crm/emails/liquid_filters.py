"""The filters an email template may use, each bounded so no argument can make it blow up.

Liquid's built-in filters trust their arguments: `join` over `(1..100000000)` walks a
hundred million numbers, `append` in a loop doubles a string, `round` and `times`
take any number. Every filter here is the built-in one behind a wrapper that refuses
long lists and ranges, long strings and huge numbers before the work starts, and
refuses a result longer than an email afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sized
from typing import Any

from liquid import Environment, soft_str
from liquid.exceptions import FilterArgumentError

OUTPUT_MAX = 50_000  # characters: far more than any email
ITEMS_MAX = 1_000  # list or range length a filter takes
NUMBER_MAX = 10**12
DIGITS_MAX = 10  # round: decimal places

# Reviewed one by one: string and list shapers, maths, default. Left out on purpose:
# HTML/URL/base64 codecs (plain-text email), date (reads the clock), map/where/sort and
# friends (query-like, unneeded), slice/split on characters (string sequences).
ALLOWED = (
    *("upcase", "downcase", "capitalize", "strip", "lstrip", "rstrip", "strip_newlines"),
    *("append", "prepend", "remove", "remove_first", "replace", "replace_first"),
    *("truncate", "truncatewords", "split", "join", "first", "last", "size", "reverse"),
    *("default", "plus", "minus", "times", "divided_by", "modulo", "round", "floor", "ceil"),
    *("abs", "at_most", "at_least"),
)
_STOCK = Environment().filters
FILTERS: dict[str, Callable[..., Any]] = {name: _STOCK[name] for name in ALLOWED}


class FilterRefused(FilterArgumentError):
    """A filter argument or result beyond what an email needs."""

    def __init__(self, message: str) -> None:
        super().__init__(message, token=None)


def _check_value(name: str, value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float) and abs(value) > NUMBER_MAX:
        raise FilterRefused(f"{name}: numbers in an email template stay below {NUMBER_MAX:,}.")
    if isinstance(value, str):
        if len(value) > OUTPUT_MAX:
            raise FilterRefused(f"{name}: that text is longer than an email.")
    elif isinstance(value, Sized) and not isinstance(value, dict) and len(value) > ITEMS_MAX:
        raise FilterRefused(f"{name}: a list or range can have at most {ITEMS_MAX:,} items.")


def _estimate(name: str, args: tuple[Any, ...]) -> int:
    """An upper bound on the result's length, for filters whose result can outgrow the input."""
    if name == "join" and args and isinstance(args[0], Sized):
        items = list(args[0])  # at most ITEMS_MAX, checked before
        separator = soft_str(args[1]) if len(args) > 1 else " "
        return sum(len(soft_str(i)) for i in items) + len(separator) * len(items)
    if name in ("replace", "replace_first") and len(args) >= 3:
        text, old, new = soft_str(args[0]), soft_str(args[1]), soft_str(args[2])
        hits = (text.count(old) if old else len(text) + 1) if name == "replace" else 1
        return len(text) + hits * max(len(new) - len(old), 0)
    return 0


def _too_many_digits(value: Any) -> bool:
    try:
        return abs(float(soft_str(value))) > DIGITS_MAX
    except (ValueError, OverflowError):
        return False  # liquid's own round ignores an argument that isn't a number


def _check_result(name: str, result: Any) -> Any:
    _check_value(name, result)
    return result


def bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` behind the checks described in the module docstring."""

    @functools.wraps(func)  # keeps liquid's with_context / with_environment marks
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *(v for k, v in kwargs.items() if k != "environment")):
            _check_value(name, value)
        if name == "round" and len(args) > 1 and _too_many_digits(args[1]):
            raise FilterRefused(f"round: at most {DIGITS_MAX} decimal places.")
        if _estimate(name, args) > OUTPUT_MAX:
            raise FilterRefused(f"{name}: the result would be longer than an email.")
        return _check_result(name, func(*args, **kwargs))

    return checked


def email_filters() -> dict[str, Callable[..., Any]]:
    """Every allowed filter, bounded."""
    return {name: bounded(name, func) for name, func in FILTERS.items()}
