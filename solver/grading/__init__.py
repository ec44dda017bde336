"""``solver grade``: students' completed lab templates run in a sandbox and scored per
sub-question against the reference solutions in ``solver.labs``.

- ``cli``: the command's arguments (standard library only) and ``run``;
- ``grader``: finds the submissions, runs them ``--jobs`` at a time, scores them;
- ``isolation`` and ``sandbox``: the sandbox (a user of its own, bwrap or Landlock,
  limits, seccomp; nothing else unless ``--unprotected``) and one run in it;
  ``protocol``: the result stream, parsed defensively;
- ``probes``: what runs inside the sandbox (standalone: stdlib and torch, never
  ``solver``), and the seeded inputs both sides share;
- ``checks``: per grader, the reference and the rule that turns results into verdicts;
- ``compare``: tolerances and first-wrong-element messages; ``report``: the formats.

A lab of the exam file is gradable when its record names a grader (``grader = "lab3"``):
the pair ``checks/lab3.py`` and ``probes/lab3.py``. :func:`graders` lists the pairs
that exist (the lab kind, :mod:`solver.kinds.lab`, lists them for the exam file's reader
without importing this package).
"""

from __future__ import annotations

from solver.kinds.lab import graders

__all__ = ["graders"]
