"""Forked worker processes that stay quiet: the setup every worker of this program runs
first, and the fork it is made in.

A forked child inherits the CLI's handlers, which turn SIGINT, SIGTERM and SIGHUP into
an exception: in a pool worker that prints a traceback when the pool is terminated at
the end of a run (with SIGTERM), and again when Ctrl-C reaches the process group. So the
stop signals are blocked across the fork, and the worker sets its own dispositions
(Ctrl-C ignored: the parent handles it and stops the workers; SIGTERM and SIGHUP end it
silently) before it unblocks them. It is killed when its parent dies, however that dies
(even SIGKILL), instead of failing later on a broken pipe.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextlib.contextmanager
def stop_signals_blocked() -> Iterator[None]:
    """Around a fork: no stop signal is handled until the child has set its own."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextlib.contextmanager
def quiet_pool(jobs: int) -> Iterator[Any]:
    """A fork pool of ``jobs`` quiet workers (made with the stop signals blocked, each
    set up by :func:`quiet_worker`), terminated and joined on the way out."""
    import multiprocessing

    with stop_signals_blocked():
        pool = multiprocessing.get_context("fork").Pool(
            jobs, initializer=quiet_worker, initargs=(os.getpid(),))
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def quiet_worker(parent: int) -> None:
    """In the worker, first: die with the parent, own dispositions, signals unblocked."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent dies (PR_SET_PDEATHSIG), however it dies."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(ctypes.c_int(pr_set_pdeathsig), ctypes.c_ulong(signal.SIGKILL),
                   ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    except (OSError, AttributeError):  # not Linux: the parent still kills it on any exit
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
