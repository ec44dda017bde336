"""Explicit, lazy registration of the questions.

``MODULES`` lists every question module in exam order. Each module holds its metadata
as a literal ``META = Meta(...)``; the registry reads that literal from the source with
``ast`` so that ``solver list`` knows ids, titles and points without importing any solver
(and so without sympy or torch).
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from solver.model import InputError, Meta, Solution

PACKAGE = "solver.questions"

MODULES: tuple[str, ...] = (
    "lab1", "lab2", "lab3", "lab4", "lab5", "lab6", "lab7", "lab8",
    "lecture1", "lecture2", "lecture3", "lecture4", "lecture5", "lecture6", "lecture7",
    "lecture8",
    "paper01", "paper02", "paper03", "paper04", "paper05", "paper06", "paper07",
    "paper08", "paper09", "paper10", "paper11", "paper12", "paper13", "paper14",
)  # fmt: skip


class QuestionModule(Protocol):
    META: Meta
    Params: type[Any]

    def solve(self, params: Any) -> Solution: ...


@dataclass(frozen=True)
class Entry:
    module: str
    meta: Meta


def _read_meta(module: str) -> Meta:
    """The ``META = Meta(...)`` literal of a question module."""
    spec = importlib.util.find_spec(f"{PACKAGE}.{module}")
    if spec is None or spec.origin is None:
        raise RuntimeError(f"registered question module {module} does not exist")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["META"]
            and isinstance(node.value, ast.Call)
        ):
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.value.keywords}
            return Meta(**kwargs)  # type: ignore[arg-type]
    raise RuntimeError(f"{module} has no literal META = Meta(...)")


@cache
def entries() -> dict[str, Entry]:
    """Implemented questions by id, in exam order."""
    found: dict[str, Entry] = {}
    for module in MODULES:
        meta = _read_meta(module)
        found[meta.id] = Entry(module, meta)
    return found


def lookup(question_id: str) -> Entry:
    known = entries()
    if question_id in known:
        return known[question_id]
    near = difflib.get_close_matches(question_id, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise InputError(
        f"unknown question id {question_id!r}{hint} (see 'solver list' for all ids)"
    )


def load(question_id: str) -> QuestionModule:
    module: Any = importlib.import_module(f"{PACKAGE}.{lookup(question_id).module}")
    return module  # type: ignore[no-any-return]
