"""The kinds of question, by the name a record's ``solver`` gives them.

A record whose ``solver`` names a registered kind ("lab", "choice") is a question of that
kind; any other ``solver`` names a module of ``solver.questions`` that computes its
answers (a computed question). A new kind is one module with a :class:`Kind` subclass
(:mod:`solver.kinds.base`) and one line below (or :func:`register` at run time).
"""

from __future__ import annotations

from solver.kinds.base import Kind, LmsItem, PaperView
from solver.kinds.choice import Choice
from solver.kinds.computed import Computed
from solver.kinds.lab import Lab
from solver.kinds.registry import KINDS, kind_of, named, register, unregister

COMPUTED = Computed()
for _kind in (COMPUTED, Lab(), Choice()):
    register(_kind)

__all__ = ["COMPUTED", "KINDS", "Kind", "LmsItem", "PaperView", "kind_of", "named",
           "register", "unregister"]
