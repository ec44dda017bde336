"""Filling in the exam file's templates with a question's parameters.

Templates use ``<<name>>`` for a value and ``<% if … %>`` for choices, so LaTeX braces
and ``$…$`` maths stay as they are. Undefined names fail loudly (StrictUndefined): a
statement never silently drops a number. Line breaks in the TOML are for the author;
the filled text is one paragraph.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from solver.model import BuildError


@cache
def _environment() -> Any:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # Sandboxed: a second exam's templates are data, not code.
    return ImmutableSandboxedEnvironment(
        variable_start_string="<<", variable_end_string=">>",
        block_start_string="<%", block_end_string="%>",
        comment_start_string="<#", comment_end_string="#>",
        undefined=jinja2.StrictUndefined, autoescape=False,
    )


@cache
def _template(source: str) -> Any:
    return _environment().from_string(source)


def fill(source: str, context: Mapping[str, Any], where: str = "") -> str:
    """The template with the context's values, as one paragraph."""
    if "<<" not in source and "<%" not in source:
        return " ".join(source.split())
    import jinja2

    try:
        text = _template(source).render(**context)
    except jinja2.TemplateError as error:
        raise BuildError(f"{where or 'exam file'}: template error: {error}") from None
    return " ".join(str(text).split())
