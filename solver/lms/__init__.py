"""Learning-platform exports: the class variants as a question bank, planned once and
written per platform.

- :mod:`.plan`: the LMS-neutral plan, an item per question and variant as its kind
  describes it (gaps, choice or essay); :mod:`.gaps` works out each gap (exact answer,
  tolerance, weight, wrong-path answers) under the marking policy of :mod:`.tolerance`;
- :mod:`.feedback`: worked solutions as HTML for a platform, figures as files named
  through the target's file-reference hook;
- one folder per target (:mod:`.moodle`), each with a ``cli`` module (``configure`` and
  ``run``), a writer and its offline checker.

``TARGETS`` is what ``solver export TARGET`` dispatches through: a new target is one folder
and one line here.
"""

from __future__ import annotations

# target -> (the module whose configure(parser) and run(args) serve it, what it writes)
TARGETS: dict[str, tuple[str, str]] = {
    "moodle": ("solver.lms.moodle.cli", "a Moodle XML question bank"),
    "qti21": ("solver.lms.qti21.cli", "an IMS QTI 2.1 content package (zip)"),
    "canvas": ("solver.lms.canvas.cli", "a Canvas QTI package (zip), one quiz per variant"),
}
