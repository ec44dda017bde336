"""Autograders for the platforms where courses grade: what an instructor uploads, and the
grading run inside the platform's container (``solver autograder PLATFORM LAB``).

- :mod:`.platform`: the base class every platform subclasses, and the run in the
  container (find the lab in the upload, grade it in the sandbox, write results.json);
- :mod:`.locate`: which file of an upload is the lab (by the exam template's names);
- :mod:`.wheel`: a wheel of this package, for the platform's image; :mod:`.files`: the
  bundles' fixed files (``files/``), filled in;
- one module per platform (:mod:`.gradescope`, :mod:`.prairielearn`), listed in
  ``PLATFORMS``: a new platform is one module and one line here.
"""

from __future__ import annotations

# platform -> (its module, holding PLATFORM; what it writes)
PLATFORMS: dict[str, tuple[str, str]] = {
    "gradescope": ("solver.autograder.gradescope",
                   "Gradescope: autograder.zip (setup.sh, run_autograder)"),
    "prairielearn": ("solver.autograder.prairielearn",
                     "PrairieLearn: a question folder and its grading image"),
}
