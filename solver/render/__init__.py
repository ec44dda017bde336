"""Renderers: one module per output format, each dispatching on step type through a table."""

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
