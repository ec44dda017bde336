"""One module per exam question; see solver.registry for the list and order.

The names an exam file may give (``solver`` of a computed question, ``checks`` of a lab)
are these lists, never a module path: an exam file is data, and nothing it names is
imported from outside this package (a new question adds its module and its name here)."""

from pathlib import Path

LABS = Path(__file__).resolve().parent.parent / "labs"
# The computed questions' solver modules (each gives ``solve``; see solver.kinds.computed).
SOLVERS = ("lecture1", "lecture2", "lecture3", "lecture4", "lecture5", "lecture6",
           "lecture7", "lecture8")
# The labs' checks modules (each gives ``checks()``: the completed template against torch).
LAB_CHECKS = ("lab1", "lab2", "lab3", "lab4", "lab5", "lab6", "lab7", "lab8")


def lab_templates() -> tuple[str, ...]:
    """The names a lab record's ``template`` may take: the files of ``solver/labs``
    (linear, conv, …), listed without importing them (they import torch)."""
    return tuple(sorted(path.stem for path in LABS.glob("*.py") if path.stem != "__init__"))


def lab_source(name: str) -> str:
    """The completed template ``solver/labs/NAME.py``, NAME one of :func:`lab_templates`."""
    if name not in lab_templates():
        raise ValueError(f"{name!r} is not a completed template of solver/labs")
    return (LABS / f"{name}.py").read_text(encoding="utf-8")
