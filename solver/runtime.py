"""Process-level shortcuts, and the one switch for every shortcut the project takes.

``SOLVER_SPEEDUPS`` names the shortcuts in force: unset or ``1``, all of them; ``0``, none
(plain libraries, a plain interpreter: a build must give the same pages, only the PDF's
deflated bytes differ); otherwise a comma-separated list of the names below, for
measuring one against the others (``make bench``). The patches of WeasyPrint and pydyf
live in ``solver.sheet.speedups``; these three touch only the interpreter and torch's module
table:

- ``collector`` (:func:`collector_paused`): the cycle collector is paused while the sheet
  is solved and typeset. Skipped: the collector's passes over the old generations, which
  would walk all of torch, sympy and WeasyPrint again and again. Safe: only cyclic garbage
  waits, and it is collected in one pass when the pause ends.
- ``fast-exit`` (:func:`exit_now`): ``solver pdf`` ends its process with ``os._exit`` once
  the PDF is written, synced and renamed, its temporaries removed and its worker gone.
  Skipped: tearing down WeasyPrint, matplotlib and sympy at interpreter exit (most of a
  second), atexit handlers and finalizers. Safe because the build writes through its own
  closed, synced files and flushes stdout and stderr first; the sheet has no
  ``@font-face`` (whose temporary folder WeasyPrint removes in a finalizer), and a test
  checks that a build leaves nothing in the temporary folder.
- ``eager-torch`` (:func:`eager_torch`): in the forked lab worker, torch.optim's lazy
  import of ``torch._dynamo`` (1 s: it pulls in sympy and the compiler stack) is answered
  by a stand-in for the two names eager code calls, ``graph_break`` (a no-op outside
  torch.compile) and ``disable`` (which returns the function as it is outside
  torch.compile). Safe: any other name imports the real module and steps aside for it; a
  test steps an SGD optimiser with the stand-in and checks the real module never loaded.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
import types
from collections.abc import Iterator
from typing import Any, NoReturn

SWITCH = "SOLVER_SPEEDUPS"
# Every shortcut by name: the WeasyPrint and pydyf patches (solver.sheet.speedups), then these.
NAMES = ("paths", "replay", "deflate", "collector", "fast-exit", "eager-torch")


def enabled(name: str) -> bool:
    """Whether the shortcut ``name`` is in force (see ``SOLVER_SPEEDUPS`` above)."""
    if name not in NAMES:
        raise ValueError(f"unknown speedup {name!r}")
    value = os.environ.get(SWITCH, "").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    return name in {part.strip() for part in value.split(",")}


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused, the objects alive before frozen out of its view:
    solving and typesetting allocate millions of short-lived objects, and each of the
    collector's passes over an old generation would walk everything the build has loaded
    (torch, sympy, WeasyPrint, the solutions) again, for nothing. Typesetting the full
    sheet leaves about 340 000 objects in reference cycles (its boxes), collected in one
    pass when this ends. Inside a pause (or with the collector off) it changes nothing."""
    if not gc.isenabled() or not enabled("collector"):
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def ending_soon() -> None:
    """This process ends when its work is done (``solver pdf`` run as a command): leave
    the collector off from here on (typesetting leaves 340 000 objects in reference
    cycles; collecting them took a twentieth of the build, for memory freed at exit)."""
    if enabled("fast-exit"):
        gc.disable()


def exit_now(status: int = 0) -> None:
    """End the process now, stdout and stderr flushed, without the interpreter's teardown;
    returns (for a normal exit by the caller) when ``fast-exit`` is switched off."""
    if not enabled("fast-exit"):
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    _exit(status)


def _exit(status: int) -> NoReturn:
    os._exit(status)


class DynamoStandIn(types.ModuleType):
    """``torch._dynamo`` for eager code: ``graph_break`` and ``disable`` answered as eager
    execution does; any other name imports the real module, which then takes its place."""

    @staticmethod
    def graph_break(msg: str = "") -> None:
        return None

    @staticmethod
    def disable(fn: Any = None, recursive: bool = True, **options: Any) -> Any:
        return fn if fn is not None else (lambda function: function)

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # step aside for the real module
            del sys.modules[self.__name__]
            parent_name, _, child = self.__name__.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and vars(parent).get(child) is self:
                delattr(parent, child)
        return getattr(importlib.import_module(self.__name__), name)


def eager_torch() -> None:
    """Torch for the lab worker: one thread (the other core typesets; small tensors gain
    nothing from more), and torch.optim without importing torch._dynamo."""
    import torch

    torch.set_num_threads(1)
    if enabled("eager-torch") and "torch._dynamo" not in sys.modules:
        stand_in = DynamoStandIn("torch._dynamo")
        sys.modules["torch._dynamo"] = stand_in
        torch._dynamo = stand_in


__all__ = ["NAMES", "SWITCH", "DynamoStandIn", "collector_paused", "eager_torch",
           "enabled", "ending_soon", "exit_now"]
