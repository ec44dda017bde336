"""Filling in the exam file's templates with a question's parameters.

Templates use ``<<name>>`` for a value and ``<% if … %>`` for choices, so LaTeX braces
and ``$…$`` maths stay as they are. Undefined names fail loudly (StrictUndefined): a
statement never silently drops a number. Line breaks in the TOML are for the author;
the filled text is one paragraph.

A template is data: Jinja's sandbox, the language of :mod:`solver.bounded` (checked on
the syntax tree before the template first runs) and its budget per render. Every problem
with a template is an InputError naming where it is (exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from solver import bounded
from solver.model import InputError


@cache
def _environment(code: bool = False) -> Any:
    import jinja2
    from jinja2.filters import FILTERS
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.tests import TESTS

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"**", "*", "%", "+", "-", "/", "//"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            bounded.check_binop(operator, left, right)
            result = super().call_binop(context, operator, left, right)
            return bounded.check_size(result, f"the operator {operator!r}")

    environment = Bounded(
        variable_start_string="<<", variable_end_string=">>",
        block_start_string="<%", block_end_string="%>",
        comment_start_string="<#", comment_end_string="#>",
        undefined=jinja2.StrictUndefined, autoescape=False,
        # Jinja's optimizer evaluates constant parts at compile time, outside the budget
        # (a loop over a literal string would be unrolled, uncharged): off.
        optimized=False,
        # Code keeps its lines: a block tag alone on its line leaves no line behind.
        trim_blocks=code, lstrip_blocks=code, keep_trailing_newline=code,
    )
    environment.globals.clear()  # no range, lipsum, namespace, cycler, joiner, dict
    environment.filters = {name: bounded.bounded_filter(name, FILTERS[name])
                           for name in bounded.FILTERS}
    environment.filters.update(_loop_items=bounded.loop_items, _joined=bounded.joined,
                               _charged=bounded.charged)
    environment.tests = {name: TESTS[name] for name in bounded.TESTS}
    return environment


@cache
def _template(source: str, code: bool = False) -> Any:
    from solver.template_syntax import checked

    environment = _environment(code)
    tree = checked(environment.parse(source))
    tree.set_environment(environment)
    return environment.template_class.from_code(
        environment, environment.compile(tree), environment.make_globals(None), None)


def fill(source: str, context: Mapping[str, Any], where: str = "") -> str:
    """The template with the context's values, as one paragraph."""
    if "<<" not in source and "<%" not in source:
        return " ".join(source.split())
    return " ".join(_render(source, context, where, code=False).split())


def fill_code(source: str, context: Mapping[str, Any], where: str = "") -> str:
    """The template with the context's values, its lines kept (a lab's code template):
    a block tag alone on its line leaves no line behind."""
    if "<<" not in source and "<%" not in source:
        return source
    return _render(source, context, where, code=True)


def _render(source: str, context: Mapping[str, Any], where: str, code: bool) -> str:
    import jinja2

    try:
        text = bounded.render(_template(source, code), context)
    except (jinja2.TemplateError, bounded.TemplateLimit, ArithmeticError, ValueError,
            TypeError, LookupError, RecursionError, MemoryError, SyntaxError) as error:
        # The template is the exam file's data: whatever stops it is bad input.
        raise InputError(f"{where or 'exam file'}: template error: "
                         f"{error or type(error).__name__}") from None
    return str(text)
