"""``solver grade``: students' completed lab templates run in a sandbox and scored per
sub-question against the reference solutions in ``solver.labs``.

- ``cli``: the command's arguments (standard library only) and ``run``;
- ``grader``: finds the submissions, runs them ``--jobs`` at a time, scores them;
- ``isolation`` and ``sandbox``: the sandbox (bwrap where it works, limits, seccomp)
  and one run in it; ``protocol``: the result stream, parsed defensively;
- ``probes``: what runs inside the sandbox (standalone: stdlib and torch, never
  ``solver``), and the seeded inputs both sides share;
- ``checks``: per lab, the reference and the rule that turns results into verdicts;
- ``compare``: tolerances and first-wrong-element messages; ``report``: the formats.
"""
