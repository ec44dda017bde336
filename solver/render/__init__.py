"""Renderers: one module per output format, each a subclass of ``printer.Printer`` whose
``print_<type>`` methods print a step of that type (``Printer.step`` picks the method)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from solver.model import Solution

FORMATS: dict[str, str] = {
    "text": "solver.render.text",
    "markdown": "solver.render.markdown",
    "json": "solver.render.jsonfmt",
    "html": "solver.render.html",
}


def render(solution: Solution, fmt: str) -> str:
    renderer: Callable[[Solution], str] = import_module(FORMATS[fmt]).render
    return renderer(solution)
