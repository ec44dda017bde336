"""Solving the sheet's questions and rendering each one's HTML fragment, the labs in a
second process.

The lab questions (their kind's ``heavy_imports``: torch) are solved in a forked worker
that dies with this process, while this one solves and renders the rest and loads the
typesetter: the machine has two cores, and torch's import alone is a large share of the
build.
"""

from __future__ import annotations

import os
from typing import Any

from solver.engine import solve
from solver.kinds import kind_of
from solver.model import BuildError, InputError, SelfCheckError, Solution, failed_check_message
from solver.registry import lookup
from solver.render.html import environment, fragment
from solver.runtime import collector_paused, eager_torch
from solver.sheet.typeset import preload, progress
from solver.workers import quiet_worker, stop_signals_blocked

# A worker that has sent its results exits at once; this only bounds a pathological case.
WORKER_EXIT_SECONDS = 30

__all__ = ["Rendered", "solve_and_render"]


def _solve_in_order(ids: list[str], position: dict[str, int]) -> list[Solution]:
    solutions = []
    for qid in ids:
        progress(f"[{position[qid]:>2}/{len(position)}] solving {qid}")
        solution = solve(lookup(qid).meta)
        if solution.failed_checks:
            raise SelfCheckError(failed_check_message(qid, solution.failed_checks))
        solutions.append(solution)
    return solutions


Rendered = tuple[Solution, Any]  # a solution and its HTML fragment


def _render(solutions: list[Solution]) -> list[Rendered]:
    out = []
    for solution in solutions:
        progress(f"rendering {solution.meta.id}")
        out.append((solution, fragment(solution)))
    return out


def _portable(error: BaseException) -> BaseException:
    """An exception that pickles and keeps its meaning across the process boundary."""
    if isinstance(error, InputError | SelfCheckError | BuildError):
        return type(error)(str(error))
    return BuildError(f"lab worker: {type(error).__name__}: {error}")


def _lab_worker(sender: Any, labs: list[str], position: dict[str, int], parent: int) -> None:
    """The forked worker: solve the labs, send ("ok", solutions) or ("error", exception)."""
    quiet_worker(parent)  # the parent's handlers never run here (solver.workers)
    message: tuple[str, Any]
    try:
        eager_torch()
        message = ("ok", _solve_in_order(labs, position))
    except BaseException as error:
        message = ("error", _portable(error))
    try:
        sender.send(message)
    except Exception as error:  # results that would not pickle
        sender.send(("error", _portable(error)))
    finally:
        sender.close()


def solve_and_render(ids: list[str]) -> list[Rendered]:
    """Solve with the project's defaults and render each question's HTML fragment, with
    the cycle collector paused (in both processes: the lab worker is forked inside and
    exits when it has sent its results; importing torch and sympy and solving leave
    little cyclic garbage, collected at the end).
    """
    with collector_paused():
        return _solve_and_render(ids)


def _solve_and_render(ids: list[str]) -> list[Rendered]:
    """Solve with the project's defaults and render each question's HTML fragment.

    The lab questions (torch) are solved in a second process while this one solves and
    renders the rest and loads the typesetter: the machine has two cores, and torch's
    import alone is a large share of the build. The worker is killed if this process
    stops for any reason (an exception, a signal handled as one, or SIGKILL through
    PR_SET_PDEATHSIG).
    """
    position = {qid: index for index, qid in enumerate(ids, start=1)}
    labs = [qid for qid in ids if kind_of(lookup(qid).meta).heavy_imports]
    rest = [qid for qid in ids if qid not in labs]
    if not labs or not rest or (os.cpu_count() or 1) < 2:
        return _render(_solve_in_order(ids, position))
    import multiprocessing

    context = multiprocessing.get_context("fork")  # nothing heavy is loaded yet
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_lab_worker, args=(sender, labs, position, os.getpid()),
        name="solver-labs", daemon=True,
    )
    try:
        with stop_signals_blocked():
            worker.start()
    except OSError:  # no process to spare (EAGAIN, ENOMEM): solve everything here
        receiver.close()
        sender.close()
        return _render(_solve_in_order(ids, position))
    sender.close()
    try:
        done = {s.meta.id: (s, f) for s, f in _render(_solve_in_order(rest, position))}
        _preload_typesetter()
        try:
            status, payload = receiver.recv()
        except EOFError:
            worker.join(WORKER_EXIT_SECONDS)
            raise BuildError(
                f"the lab worker stopped before sending its results (exit status "
                f"{worker.exitcode})"
            ) from None
        worker.join(WORKER_EXIT_SECONDS)
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
            worker.join()
    if status != "ok":
        raise payload
    done.update({s.meta.id: (s, f) for s, f in _render(payload)})
    return [done[qid] for qid in ids]


def _preload_typesetter() -> None:
    """While the other process is busy (importing torch takes longer than solving the
    rest): import what typesetting needs (figures come from the cache, or pyplot was
    imported to draw them), and load what rendering the labs' results needs (the Python
    lexer, the sheet's template)."""
    from solver.render.html import listing

    preload()
    listing("x = 1", "python")
    environment().get_template("sheet.html.j2")
