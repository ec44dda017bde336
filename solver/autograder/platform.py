"""What every platform's autograder shares: a base class each platform subclasses
(:mod:`.gradescope`, :mod:`.prairielearn`), and grading one student's upload under a
platform's root (``solver autograder PLATFORM LAB --grade ROOT``).

In the platform's container the grader finds the lab by its exam names
(:mod:`.locate`), grades it in the sandbox with the platform's whole root hidden (the
bundle, the platform's files about the student) besides our code, and writes
``ROOT/results/results.json`` in the platform's format. A student's upload that holds no
gradable file gets the platform's "not graded" result saying what was expected; so does
a machine that offers no sandbox (never graded unprotected: a submission could read the
reference there).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from solver.autograder.locate import Located, locate
from solver.grading.grader import Report, grade, one_line
from solver.model import InputError, SelfCheckError, Solution
from solver.record import Question

RESULTS = "results.json"
METADATA = "submission_metadata.json"  # Gradescope's: the submitting users
MAX_METADATA_BYTES = 1 << 20


@dataclass(frozen=True)
class Classes:
    """A class whose students each have their own variant of the lab: its seed, and the
    roster (student email, SID or platform user id → variant) read from ``path``."""

    seed: int
    path: str
    roster: dict[str, int]


@dataclass(frozen=True)
class Bundle:
    """What a bundle is built with besides its lab."""

    out: str  # --out
    timeout: float  # seconds the submission's code may run (--timeout)
    exam_title: str
    exam_file: Path | None = None  # the active exam's file when it is not the bundled one
    image: str = ""  # PrairieLearn: the grading image's name
    classes: Classes | None = None  # Gradescope: each student's own variant


def verified(question: Question) -> Solution:
    """The lab solved and checked against its oracle: no bundle is built from a reference
    that fails its checks (a SelfCheckError, exit 1, names the check)."""
    from solver.engine import solve
    from solver.model import failed_check_message

    solution = solve(question)
    if solution.failed_checks:
        raise SelfCheckError(failed_check_message(question.id, solution.failed_checks))
    return solution


class Platform:
    """One platform's files and formats; a subclass overrides what differs."""

    name: ClassVar[str]
    upload: ClassVar[str]  # the folder of ROOT holding the student's files
    default_root: ClassVar[str]

    def results(self, question: Question, report: Report, located: Located) -> dict[str, Any]:
        raise NotImplementedError

    def not_graded(self, question: Question, why: str, fault: str) -> dict[str, Any]:
        """The result when nothing was graded: ``fault`` is "student" (the upload) or
        "grader" (this machine)."""
        raise NotImplementedError

    def bundle(self, question: Question, options: Bundle) -> str:
        """Write what the instructor uploads to ``options.out``; a line saying what was
        written."""
        raise NotImplementedError


def files_note(located: Located) -> str:
    """Which file was graded, and which were not."""
    assert located.path is not None
    note = f"Graded {located.path.name}."  # one_line below: escaped if not printable
    if located.others:
        shown = ", ".join(located.others[:20]) + (" ..." if len(located.others) > 20 else "")
        note += f" Not graded (only the lab's template file is): {shown}."
    return one_line(note)


def roster_fault(why: str) -> str:
    return one_line(f"Not graded (this is not a grade): {why}. Your submission is kept; "
                    "tell your instructor, who can add you to the roster and grade it again.")


def grader_fault(why: str) -> str:
    return one_line(f"Not graded, because of the grading machine and not your code: {why}. "
                    "Your submission is kept; tell your instructor, who can grade it again.")


def _exam_folder() -> tuple[str, ...]:
    """The active exam's folder when it is not the bundled one (hidden like the bundle)."""
    from solver.exam import BUNDLED
    from solver.registry import exam

    folder = os.path.realpath(exam().file.parent)
    return () if folder == os.path.realpath(BUNDLED) else (folder,)


def submitters(folder: Path) -> tuple[list[list[str]], str]:
    """Per user that Gradescope's ``submission_metadata.json`` says submitted, their names
    (email, SID, user id); with no user, why ("" when the file names none)."""
    try:
        with (folder / METADATA).open("rb") as handle:
            raw = handle.read(MAX_METADATA_BYTES + 1)
    except OSError:
        return [], "is missing or unreadable"
    if len(raw) > MAX_METADATA_BYTES:
        return [], f"is larger than {MAX_METADATA_BYTES >> 20} MiB"
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return [], "is not JSON"
    users = data.get("users") if isinstance(data, dict) else None
    found: list[list[str]] = []
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict):
            names = [str(user[key]) for key in ("email", "sid", "id")
                     if isinstance(user.get(key), str | int) and str(user[key]).strip()]
            if names:
                found.append(names)
    return found, ""


def _variant(folder: Path, classes: Classes) -> tuple[int | None, str]:
    """The submitters' variant from the roster (every one of them on it, all with the
    same variant), or None and why it is not known."""
    from solver.grading.versions import roster_variant

    users, problem = submitters(folder)
    if not users:
        return None, (f"this submission's {METADATA} {problem or 'names no student'}, so it "
                      "is not known which variant of the lab is yours")
    variants: list[int] = []
    for names in users:
        found = sorted({v for v in (roster_variant(classes.roster, n) for n in names)
                        if v is not None})
        who = "your email and student id are" if len(users) == 1 else f"{names[0]} is"
        if not found:
            return None, (f"{who} not on the lab's roster, so it is not known which "
                          "variant of the lab is yours")
        if len(found) > 1:
            return None, (f"the roster gives {names[0]}'s email and ids different variants "
                          f"({', '.join(map(str, found))})")
        variants.append(found[0])
    if len(set(variants)) > 1:
        return None, (f"the students of this group submission have different variants "
                      f"({', '.join(map(str, sorted(set(variants))))}) on the lab's roster")
    return variants[0], ""


def grade_root(platform: Platform, question: Question, root: str, timeout: float,
               classes: Classes | None = None, roster_problem: str = "") -> int:
    """Grade ``ROOT/<upload>`` for the gradable lab ``question`` (against the submitters'
    own variant when the class has a roster) and write ``ROOT/results/results.json``: 0
    when the student's outcome was written, 1 when the grader itself failed or the
    student is not on the roster (its result written too, saying so)."""
    from solver.grading.grader import Versions
    from solver.output import write_atomically

    if not os.path.isdir(root):
        raise InputError(f"--grade {root!r} is not a folder (the platform's root, "
                         f"{platform.default_root} in its container)")
    folder = Path(os.path.realpath(root))
    status = 0
    variant, unknown = _variant(folder, classes) if classes is not None else (None, "")
    if roster_problem:  # the bundle's roster: the instructor's to fix, not the student's
        unknown = f"the lab's roster could not be read ({roster_problem})"
    template, fault = None, ""
    if classes is not None and variant is not None:  # the student's paper showed this one
        from solver.grading.versions import paper_template, version

        try:
            template = paper_template(question, version(question, classes.seed, variant))
        except (InputError, SelfCheckError) as error:
            fault = str(error)
    located = locate(folder / platform.upload, question, template)
    if fault:
        data, status = platform.not_graded(question, fault, "grader"), 1
        print(f"solver: not graded: {one_line(fault)}", file=sys.stderr)
    elif unknown:  # never graded against a version that may not be the student's
        data, status = platform.not_graded(question, unknown, "roster"), 1
        print(f"solver: not graded: {one_line(unknown)}", file=sys.stderr)
    elif located.path is None:
        data = platform.not_graded(question, located.problem, "student")
    else:
        versions = Versions(classes.seed, variant) if classes is not None else None
        try:
            report = grade(question.id, [str(located.path)], 1, timeout, lambda line: None,
                           hidden=(str(folder), *_exam_folder()), versions=versions)
        except Exception as error:  # no sandbox here (never graded unprotected), or a bug
            why = str(error) if isinstance(error, InputError) else \
                f"internal error: {type(error).__name__}: {error}"
            data, status = platform.not_graded(question, why, "grader"), 1
            print(f"solver: not graded: {one_line(why)}", file=sys.stderr)
        else:
            data = platform.results(question, report, located)
            for failure in report.failures:
                status = 1
                print(f"solver: grader failure: {failure}", file=sys.stderr)
            print(f"solver: {one_line(located.path.name)}: {report.submissions[0].score}/"
                  f"{report.max_score} ({report.sandbox})", file=sys.stderr)
    results = folder / "results"
    results.mkdir(exist_ok=True)
    # backslashreplace: a name that is not UTF-8 becomes a JSON escape, never a crash.
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomically(results / RESULTS, text.encode("utf-8", "backslashreplace"))
    return status
