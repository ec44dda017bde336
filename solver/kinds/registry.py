"""The registered kinds by name, and the kind of a record. Filled by ``solver.kinds``
with the project's kinds; a test or an extension adds its own with :func:`register`."""

from __future__ import annotations

from solver.kinds.base import Kind
from solver.model import BuildError
from solver.record import Question

# In the order the sheet's cover names what each kind's questions were made with.
KINDS: dict[str, Kind] = {}
# The kind of a record whose ``solver`` names no registered kind: a solver module.
FALLBACK = "computed"


def register(kind: Kind) -> None:
    """Add a kind (a record names it by ``solver = "NAME"``); a name is taken once."""
    if kind.name in KINDS:
        raise ValueError(f"a kind named {kind.name!r} is registered already")
    KINDS[kind.name] = kind


def unregister(name: str) -> None:
    if name == FALLBACK or name not in KINDS:
        raise ValueError(f"{name!r} is not a kind that can be removed")
    del KINDS[name]


def kind_of(question: Question) -> Kind:
    """The kind of an exam record: the kind its ``solver`` names, else computed."""
    return KINDS.get(question.solver) or KINDS[FALLBACK]


def named(name: str) -> Kind:
    """The kind called ``name`` (a solved question's ``meta.kind``)."""
    try:
        return KINDS[name]
    except KeyError:
        raise BuildError(f"no kind of question is called {name!r}") from None
