"""The exam file's templates as a small, bounded language: what a template may say, and
a budget for what rendering it may cost.

An exam file is data that colleagues share, so its templates must be as safe to open as
a PDF. Jinja's sandbox keeps a template from reaching Python; this module also keeps it
from costing unbounded time or memory, deterministically (no timer, no memory limit):

- **What a template may say** is checked on its syntax tree before it runs: text,
  ``<<expr>>``, ``<% if %>`` and ``<% for %>`` over values, names, constants, filters of a
  short list, tests, comparisons and arithmetic. No calls, no assignments, no macros, no
  includes or imports, no recursive loops, loops nested at most ``MAX_LOOP_DEPTH`` deep.
- **What rendering may cost** is one budget of ``MAX_STEPS`` per render, charged by every
  loop (its length times its body's size), every operator and filter (the size of what
  it reads and makes), every comparison (the size of its operands) and the output. A
  value may hold at most ``MAX_SIZE`` characters or items, and the output likewise. An
  operation is refused before it runs when its result would pass a limit (``9**9**9``,
  ``'x' * 10**9``, ``'%099999999d' % 1``).

Every refusal is a :class:`TemplateLimit` naming the limit; the caller reports it as bad
input (exit 2).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_SIZE = 100_000  # characters of a value or of the output; items of a list
MAX_STEPS = 2_000_000  # one render's budget (loop iterations × body size, sizes made)
MAX_BITS = 20_000  # an integer a template makes (about 6000 digits)
MAX_WIDTH = 1_000  # a width or precision in a % format
MAX_LOOP_DEPTH = 2

# The filters a template may use (Jinja's own, each wrapped in the budget below).
FILTERS = ("abs", "capitalize", "default", "d", "first", "float", "format", "int", "join",
           "last", "length", "count", "list", "lower", "upper", "replace", "reverse", "round",
           "sort", "string", "sum", "min", "max", "title", "trim", "unique", "wordcount")
TESTS = ("defined", "undefined", "none", "number", "string", "even", "odd", "divisibleby",
         "eq", "ne", "lt", "le", "gt", "ge", "in", "true", "false", "integer", "float")
# A % conversion: an optional (key), flags, then a width and a precision (digits or *).
_FORMAT_NUMBER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


class TemplateLimit(ValueError):
    """A template that says what exam templates may not, or would pass a limit."""


class _Budget:
    """One render's remaining steps (rendering is single-threaded per environment use)."""

    left = MAX_STEPS

    @classmethod
    def charge(cls, steps: int, what: str) -> None:
        cls.left -= max(int(steps), 1)
        if cls.left < 0:
            raise TemplateLimit(f"the template needs more than {MAX_STEPS:,} steps to render "
                                f"({what}); exam templates are bounded")


def size(value: Any, cap: int = MAX_SIZE) -> int:
    """Characters or items in ``value`` (nested lists counted through), stopping past
    ``cap``: never more than ``cap`` items looked at, so a list that repeats one huge
    list a million times costs nothing to measure."""
    total = 0
    pending = [value]
    while pending and total <= cap:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            total += len(item)
            if total <= cap:
                pending.extend(item if not isinstance(item, dict) else item.items())
        elif isinstance(item, int):  # its text: about one digit per 3.3 bits
            total += item.bit_length() // 3 + 1
        else:
            total += 1
    return total


def check_size(value: Any, what: str) -> Any:
    measured = size(value)
    if measured > MAX_SIZE:
        raise TemplateLimit(f"{what} would make a value of more than {MAX_SIZE:,} characters "
                            "or items; exam templates are bounded")
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise TemplateLimit(f"{what} would make an integer of more than {MAX_BITS:,} bits")
    _Budget.charge(measured, what)
    return value


def _int_bits(value: Any) -> int:
    return abs(int(value)).bit_length() if isinstance(value, int) else 0


def _check_format(spec: str, what: str) -> None:
    for width, precision in _FORMAT_NUMBER.findall(spec):
        if "*" in (width, precision):  # the width would come from the data: unbounded
            raise TemplateLimit(f"{what}: a * width or precision in a format")
        if max(int(width or 0), int(precision or 0)) > MAX_WIDTH:
            raise TemplateLimit(f"{what}: a width or precision over {MAX_WIDTH} in a format")


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before it runs, an operation whose result would pass a limit."""
    what = f"the operator {operator!r}"
    if operator == "**" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and right * max(_int_bits(left), 1) > MAX_BITS:
            raise TemplateLimit(f"{what} would make an integer of more than {MAX_BITS:,} bits")
    elif operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if (isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                    and times > 0 and size(sequence) * times > MAX_SIZE):
                raise TemplateLimit(f"{what} would make a value of more than "
                                    f"{MAX_SIZE:,} characters or items")
        if _int_bits(left) + _int_bits(right) > MAX_BITS:
            raise TemplateLimit(f"{what} would make an integer of more than {MAX_BITS:,} bits")
    elif operator == "%" and isinstance(left, str):
        _check_format(left, what)


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja's filter ``name``, refused before it runs where its result would pass a limit
    (``replace`` with many matches, ``join`` of a huge list, a ``format`` width), charged
    to the budget by the size of what it makes."""
    what = f"the filter {name!r}"

    @functools.wraps(function)  # keeps Jinja's pass_environment / pass_eval_context mark
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in (*args, *kwargs.values()) if not _is_jinja_state(a)]
        _Budget.charge(size(values[0]) if values else 1, what)  # what it reads
        if name == "replace" and len(values) >= 3 and all(isinstance(v, str)
                                                         for v in values[:3]):
            text, old, new = values[:3]
            if size(text) + (text.count(old) if old else len(text) + 1) * len(new) > MAX_SIZE:
                raise TemplateLimit(f"{what} would make a value of more than {MAX_SIZE:,} "
                                    "characters")
        elif name == "format" and values and isinstance(values[0], str):
            _check_format(values[0], what)
        elif name == "join" and values and _joined_size(values) > MAX_SIZE:
            raise TemplateLimit(f"{what} would make a value of more than {MAX_SIZE:,} "
                                "characters")
        return check_size(function(*args, **kwargs), what)

    return bounded


def _joined_size(values: list[Any]) -> int:
    """``items|join(separator)``: the items' size and a separator between each two."""
    items, separator = values[0], values[1] if len(values) > 1 else ""
    count = len(items) if hasattr(items, "__len__") else size(items)
    return size(items) + size(separator) * count


def _is_jinja_state(value: Any) -> bool:
    from jinja2.environment import Environment
    from jinja2.nodes import EvalContext

    return isinstance(value, (Environment, EvalContext))


def loop_items(items: Any, body: int) -> Any:
    """A loop's items (``for x in items``) as a list, at most MAX_SIZE of them (an
    iterator a filter returns is read that far and no further), charged as their number
    times the body's size."""
    import itertools

    if not isinstance(items, (str, list, tuple, dict)):
        items = list(itertools.islice(iter(items), MAX_SIZE + 1))
    if size(items) > MAX_SIZE:
        raise TemplateLimit(f"a loop over a value of more than {MAX_SIZE:,} characters or items")
    _Budget.charge(len(items) * body, "a loop")
    return items


def charged(value: Any) -> Any:
    """An operand of a comparison (``x in items``, ``a == b``), charged by its size:
    the comparison may read all of it."""
    _Budget.charge(size(value), "a comparison")
    return value


def joined(pieces: Any) -> str:
    """``a ~ b``: the pieces as text, refused before it is made when it would be too long."""
    if size(pieces) > MAX_SIZE:
        raise TemplateLimit(f"the operator '~' would make a value of more than {MAX_SIZE:,} "
                            "characters")
    text: str = check_size("".join(str(piece) for piece in pieces), "the operator '~'")
    return text


def render(template: Any, context: Mapping[str, Any]) -> str:
    """The output of a checked template, with a fresh budget, cut off (refused) as soon
    as it passes ``MAX_SIZE`` characters."""
    _Budget.left = MAX_STEPS
    pieces: list[str] = []
    length = 0
    for piece in template.generate(**context):
        length += len(piece)
        if length > MAX_SIZE:
            raise TemplateLimit(f"the template's output would pass {MAX_SIZE:,} characters")
        _Budget.charge(len(piece), "its output")
        pieces.append(piece)
    return "".join(pieces)
