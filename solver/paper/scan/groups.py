"""Boxes in groups, as ``booklets.json`` lists them: a choice question's options, a digit
column, a student-number column (one mark allowed in each), a sign box (alone)."""

from __future__ import annotations

from typing import Any

from solver.paper.fields import item_name


def group_of(box: dict[str, Any]) -> str:
    what = box["what"]
    if what == "choice":
        return str(box["question"])
    if what == "student":
        return f"student.c{box['column']}"
    if what == "digit":
        return f"{item_name(box['question'], box['part'])}.c{box['column']}"
    return str(box["id"])  # a sign box


def grid_of(box: dict[str, Any]) -> str:
    """The grid a box belongs to (the student number's, a digit grid with its sign box),
    or its choice question: what a person sees around a flagged group."""
    if box["what"] == "student":
        return "student"
    if box["what"] in ("digit", "sign"):
        return item_name(box["question"], box["part"])
    return str(box["question"])
