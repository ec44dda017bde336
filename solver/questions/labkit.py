"""Shared parts of the lab questions: the completed source of a lab version (the exam's,
or a variant's: the exam's with its module's edits), its answer lines, and comparisons
against torch that become checks.

A lab's question module (``solver.questions.labN``) gives ``checks(params, lab)`` (the
version's code, loaded, against torch) and, for a lab with variants, ``Params`` (defaults:
the exam's version), ``AXES`` (the values each parameter is drawn from), ``edits(params)``
(the version's code as changes of the exam's completed template) and ``context(params)``
(words for the exam file's templates).
"""

from __future__ import annotations

import importlib
import random
import re
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from solver.model import Check, Code, InputError, Meta, Reading, Solution, Text
from solver.record import Question
from solver.render.printer import part_name, points_text

# A code line (not a comment line) that ends in a sub-question marker such as "# B)".
_ANSWER_LINE = re.compile(r"^\s*[^#\s].*#\s*([A-D])\)\s*$")


def source(name: str) -> str:
    """The completed template ``solver/labs/NAME.py`` (a name the lab kind checked)."""
    from solver.questions import lab_source

    try:
        return lab_source(name)
    except ValueError as error:
        raise InputError(str(error)) from None


@dataclass(frozen=True)
class Edit:
    """One change of the exam's completed template: the text ``old``, found exactly once,
    becomes ``new`` (a variant's code, written as its difference from the exam's)."""

    old: str
    new: str


def edited(code: str, edits: Iterable[Edit], where: str) -> str:
    """``code`` with ``edits`` made in turn. An edit whose text is not found exactly once
    is a defect of the lab's module (the template changed under it): an error naming it."""
    for edit in edits:
        found = code.count(edit.old)
        if found != 1:
            raise RuntimeError(f"{where}: an edit's text is found {found} times in the "
                               f"completed template, not once: {edit.old.strip()[:80]!r}")
        code = code.replace(edit.old, edit.new)
    return code


def module_of(question: Question) -> Any:
    """The lab's question module (``checks`` of its record, a name the kind checked)."""
    from solver.questions import LAB_CHECKS

    checks = question.data["checks"]
    if checks not in LAB_CHECKS:
        raise InputError(f"{question.id}: checks {checks!r} is not a lab checks module")
    return importlib.import_module(f"solver.questions.{checks}")


def version_source(question: Question, params: Any) -> str:
    """The completed template of the version ``params`` names: the exam's, changed by the
    module's ``edits(params)`` (none for the exam's own version)."""
    code = source(question.data["template"])
    module = module_of(question)
    if params is None or not hasattr(module, "edits"):
        return code
    return edited(code, module.edits(params), question.id)


@lru_cache(maxsize=64)
def load(code: str, name: str) -> types.ModuleType:
    """A lab version's code run as a module of its own (our code, never a submission's):
    what its checks and the grader's reference call."""
    module = types.ModuleType(f"solver.labs.{name}")
    exec(compile(code, f"<{name}: a lab version's completed template>", "exec"),
         module.__dict__)
    return module


def sample(axes: dict[str, Sequence[Any]], rng: random.Random) -> dict[str, Any]:
    """One value of every axis, drawn in the axes' order."""
    return {name: rng.choice(list(values)) for name, values in axes.items()}


def statement_lines(lines: Iterable[str]) -> list[list[str]]:
    """Code lines grouped by statement (a statement goes on while a bracket is open),
    trailing blanks cut; blank lines are dropped."""
    found: list[list[str]] = []
    depth = 0
    for raw in lines:
        if not raw.strip():
            continue
        if found and depth > 0:
            found[-1].append(raw.rstrip())
        else:
            found.append([raw.rstrip()])
        depth += sum(raw.count(c) for c in "([{") - sum(raw.count(c) for c in ")]}")
    return found


def joined(group: list[str]) -> str:
    """A statement's lines as one line, with no space after an opening bracket; it keeps
    its first line's indentation."""
    line = group[0]
    for raw in group[1:]:
        line += ("" if line.endswith(("(", "[", "{")) else " ") + raw.strip()
    return line


def statements(lines: Iterable[str]) -> list[str]:
    """Code lines as statements: a statement split over lines (an open bracket) joined
    into one, with no space after an opening bracket; each keeps its first line's
    indentation. Blank lines are dropped."""
    return [joined(group) for group in statement_lines(lines)]


def answer_lines(code: str) -> dict[str, list[tuple[int, str]]]:
    """Marked lines by sub-question letter, as (1-based line number, code without marker)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(code.splitlines(), start=1):
        match = _ANSWER_LINE.match(line)
        if match:
            text = line[: line.rindex("#")].rstrip()
            found.setdefault(match.group(1), []).append((number, text))
    return found


def solve(question: Question, params: Any, meta: Meta, context: dict[str, Any]) -> Solution:
    """A lab version from its record: reading notes, the completed template, per-part
    explanations, the marked answer lines, and the checks of its ``checks`` module run on
    that very code.

    The final answer of each sub-question is its marked lines, read from the source that
    the checks run, so the sheet shows exactly the code that was verified.
    """
    from solver.params import as_dict
    from solver.wording import fill

    solution = Solution(meta, {} if params is None else as_dict(params))
    solution.words.update(context)  # the version's words, for its paper's template
    code = version_source(question, params)
    marked = answer_lines(code)
    readings = (fill(text, context, question.id) for text in question.data.get("readings", []))
    solution.add(*(Reading(text) for text in readings if text))
    solution.add(Code(code, caption="The completed template (highlighted: the lines that "
                      "answer a sub-question)",
                      highlight=tuple(n for lines in marked.values() for n, _ in lines)))
    for part in question.parts:
        explanation = fill(part.explain, context, question.id)
        solution.add(Text(f"{part_name(part.label)} ({points_text(part.points)}) {explanation}"))
    for letter, lines in sorted(marked.items()):
        text = "\n".join(_dedent([line for _, line in lines]))
        solution.give(letter, text, text)
    for part in question.parts:
        lines = marked.get(part.label) or [line for found in marked.values() for line in found]
        solution.answer_part(part.label, "\n".join(_dedent([line for _, line in lines])))
    solution.checks.extend(verified(question.data["checks"], code, params,
                                    question.data["template"]))
    return solution


@lru_cache(maxsize=256)
def verified(checks: str, code: str, params: Any, template: str) -> tuple[Check, ...]:
    """The checks of one lab version (its module's ``checks(params, lab)`` on its code,
    loaded), once per process: a version drawn again is the same code."""
    module = importlib.import_module(f"solver.questions.{checks}")
    return tuple(module.checks(params, load(code, template)))


def _dedent(lines: list[str]) -> list[str]:
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return [line[indent:] for line in lines]


def max_error(got: Any, expected: Any) -> float:
    import torch

    return float((got.detach().to(torch.float64) - expected.detach().to(torch.float64))
                 .abs().max())


def compare(name: str, got: Any, expected: Any, tolerance: float, detail: str = "") -> Check:
    """A check that two tensors agree element-wise within ``tolerance`` (never float ==)."""
    if tuple(got.shape) != tuple(expected.shape):
        return Check(name, False, f"shape {tuple(got.shape)} != {tuple(expected.shape)}")
    error = max_error(got, expected)
    shape = "×".join(map(str, got.shape))
    return Check(name, error <= tolerance, detail or f"Outputs of shape {shape} compared.",
                 max_abs_error=error, tolerance=tolerance)
