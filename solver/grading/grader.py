"""Grade submissions: run each in the sandbox (``--jobs`` at a time) while the parent
builds the reference once, then score each per sub-question.

What can be graded is the active exam file's: a lab whose record names a grader
(``grader = "lab3"``: ``checks/lab3.py`` and ``probes/lab3.py``), scored with the
record's part labels and points. The grader's checks declare the labels they judge
(``LABELS``) and the reference they compute (``MODULE``); both must agree with the record.

The children start first; torch and the reference are imported in the parent while they
run, so one submission costs about one torch import of wall time, not two.
"""

from __future__ import annotations

import importlib
import os
import stat
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.estimate import Remaining
from solver.kinds import kind_of
from solver.model import InputError
from solver.record import Exam, Question
from solver.seed import SEED

MAX_SOURCE_BYTES = 1 << 20
MAX_MESSAGE = 1500


@dataclass(frozen=True)
class Part:
    label: str
    points: int
    max_points: int
    passed: bool
    message: str
    worked: str = ""  # the worked code a failed part's message would quote (instructors)


@dataclass(frozen=True)
class Graded:
    path: str
    score: int
    max_score: int
    parts: tuple[Part, ...]
    error: str | None
    seconds: float
    variant: int | None = None  # the lab version it was graded against (None: the exam's)
    params: dict[str, Any] = field(default_factory=dict)  # that version's parameters


@dataclass(frozen=True)
class Report:
    lab: str
    title: str
    max_score: int
    submissions: tuple[Graded, ...]
    failures: tuple[str, ...]  # the grader's own failures (exit status 1)
    sandbox: str = ""  # how the submissions ran (isolation.Sandbox.describe)
    unprotected: bool = False
    reveal: bool = False  # messages quote the worked code (--reveal, instructors only)


def one_line(text: str) -> str:
    """Untrusted text as one bounded line: control characters escaped."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


Found = tuple[str, Path, tuple[int, int]]  # as shown, the path, its (device, inode)


def discover(paths: list[str], secrets: tuple[str, ...] = ()) -> list[Found]:
    """(as shown, path, identity) of every submission: files as given, a folder's *.py
    files sorted; the file's device and inode now, which it must still have when it is
    read (a folder on its path swapped for a link meanwhile reads another file);
    a path given twice is graded once. A path given that is a symbolic link or passes
    through one (it would be read as root from wherever the link leads), or that lies in
    our own code (``secrets``: it would grade the reference), is an InputError. A symbolic
    link inside a folder is kept as a link (``_run`` refuses it, that student's submission
    alone)."""
    found: dict[Path, str] = {}
    for given in paths:
        path = Path(given)
        real = os.path.realpath(path)
        named = os.path.normpath(os.path.join(os.path.realpath(os.getcwd()), given))
        if path.is_symlink() or (os.path.lexists(path) and real != named):
            raise InputError(f"{given!r} is a symbolic link or passes through one: give "
                             f"the file or folder itself ({real})")
        if any(real == s or real.startswith(s.rstrip("/") + "/") for s in secrets):
            raise InputError(f"{given!r} lies in solver's own code ({real}): not a submission")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix == ".py" and
                           (p.is_file() or p.is_symlink()))
            if not files:
                raise InputError(f"folder {given!r} holds no .py submission files")
            for file in files:
                key = file.parent.resolve() / file.name if file.is_symlink() else file.resolve()
                found.setdefault(key, str(Path(given) / file.name))
        elif path.is_file():
            found.setdefault(path.resolve(), given)
        else:
            raise InputError(f"no such submission file or folder: {given!r}")
    items = []
    for path, shown in found.items():
        try:
            info = os.lstat(path)
        except OSError as error:
            raise InputError(f"cannot read {shown!r}: {error.strerror}") from None
        items.append((shown, path, (info.st_dev, info.st_ino)))
    return items


def gradable(lab: str) -> Question:
    """The active exam's record of ``lab`` when it names a grader; otherwise an InputError
    that names the labs it can grade."""
    from solver.registry import exam

    active = exam()
    question = active.questions.get(lab)
    if question is not None and question.grader:
        return question
    labs = active.gradable
    if not labs:
        raise InputError(f"unknown lab {lab!r}: no lab record of {active.file} names a "
                         "grader, so it has nothing to grade")
    if question is not None and kind_of(question).gradable:  # a lab record, in any section
        raise InputError(f"lab {lab!r} names no grader in {active.file}: LAB is one of "
                         f"{', '.join(labs)}")
    raise InputError(f"unknown lab {lab!r}: LAB is one of {', '.join(labs)}")


def _labels(labels: Any) -> str:
    return ", ".join(repr(label) for label in labels)


def checks_of(question: Question, active: Exam) -> Any:
    """The grader's checks module for a gradable record, or an InputError when the two
    disagree: the part labels it judges, or the reference it computes (the template)."""
    checks: Any = importlib.import_module(f"solver.grading.checks.{question.grader}")
    where = f"{active.file}, {question.id}"
    labels = tuple(question.points)
    if sorted(checks.LABELS) != sorted(labels):
        raise InputError(f"{where}: grader {question.grader!r} judges the parts "
                         f"{_labels(checks.LABELS)} but the record's parts are {_labels(labels)}")
    template = question.data.get("template")
    if template != checks.MODULE:
        raise InputError(f"{where}: grader {question.grader!r} computes the reference with "
                         f"{checks.MODULE} but the record's template is {template}")
    return checks


def worked_lines(code: str) -> dict[str, list[str]]:
    """A version's marked answer lines by letter, a statement split over lines joined."""
    from solver.questions.labkit import answer_lines, statements

    return {letter: [line.strip() for line in statements(text for _, text in lines)]
            for letter, lines in answer_lines(code).items()}


def asked(question: Question, version: Any) -> dict[str, str]:
    """What each part asks, in the words of the version graded (the exam's own words for
    its own version)."""
    from solver.engine import context
    from solver.wording import fill

    words = context(question, version.params, exam_print=version.variant is None)
    return {part.label: fill(part.ask, words, question.id) for part in question.parts}


def _run(sandbox: Any, probe: str, shown: str, path: Path, identity: tuple[int, int],
         timeout: float, params: dict[str, Any]) -> Any:
    from solver.grading.sandbox import RunResult, run

    try:  # never through a link, never a device or a pipe
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if path.is_symlink():
            return RunResult(failure="student: the file is a symbolic link (not followed)")
        return RunResult(failure=f"student: cannot read the file: {error.strerror}")
    try:
        info = os.fstat(fd)
        if (info.st_dev, info.st_ino) != identity:
            return RunResult(failure="student: the file was replaced while grading (a "
                                     "folder on its path was swapped): not read")
        if not stat.S_ISREG(info.st_mode):
            return RunResult(failure="student: not a regular file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            source = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        return RunResult(failure=f"student: cannot read the file: {error.strerror}")
    finally:
        os.close(fd)
    if len(source) > MAX_SOURCE_BYTES:
        return RunResult(failure="student: the file is larger than 1 MiB")
    return run(sandbox, probe, source, shown, path, SEED, timeout, params)


# Submissions in one run unless --max-count raises it: a folder of 10 000 at a few
# seconds each is hours; a course grades a few hundred.
MAX_SUBMISSIONS = 1000
SUBMISSIONS_CEILING = 20_000


@dataclass(frozen=True)
class Versions:
    """Which lab version each submission is graded against: the exam's own (no seed),
    variant ``variant`` of class ``seed``, or each submission's own from ``roster``
    (its file name, with or without ``.py``, or student id → variant)."""

    seed: int | None = None
    variant: int | None = None
    roster: dict[str, int] | None = None

    def variant_of(self, shown: str) -> int | None:
        if self.roster is None:
            return self.variant
        from solver.grading.versions import roster_variant

        return roster_variant(self.roster, Path(shown).name)


def _variants(items: list[Found], versions: Versions) -> list[int | None]:
    """Each submission's variant; a submission the roster does not list is an InputError
    that names it (no grade against a version that is not the student's)."""
    found = [versions.variant_of(shown) for shown, _, _ in items]
    missing = [one_line(items[i][0]) for i, v in enumerate(found) if v is None]
    if versions.roster is not None and missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise InputError(f"the roster lists no variant for {len(missing)} submission"
                         f"{'s' if len(missing) != 1 else ''} ({shown}): add them (file "
                         "name or student id, variant); nothing was graded")
    return found


def grade(lab: str, paths: list[str], jobs: int, timeout: float,
          progress: Callable[[str], None], unprotected: bool = False,
          reveal: bool = False, hidden: tuple[str, ...] = (),
          max_count: int = MAX_SUBMISSIONS, versions: Versions | None = None) -> Report:
    """Grade ``paths`` for ``lab``, each against its lab version (``versions``: by default
    the exam's own). Messages name the first wrong element, the input and
    the step in the exam's words; with ``reveal`` (an instructor's run) they also quote
    the worked code, which every part carries apart (``Part.worked``) in any case.
    ``hidden``: folders the sandbox hides besides our code (an autograder's root).
    More than ``max_count`` submissions are refused before any is run."""
    from solver.grading.versions import LabVersion
    from solver.grading.versions import versions as lab_versions
    from solver.registry import exam

    meta = gradable(lab)
    points = {str(label): int(value) for label, value in meta.points.items()}
    from solver.grading import isolation
    from solver.grading import sandbox as boxes

    versions = versions or Versions()
    items = discover(paths, (isolation.package(),))
    if len(items) > max_count:
        raise InputError(f"{len(items)} submissions; at most {max_count} are graded in one "
                         f"run (--max-count raises it, up to {SUBMISSIONS_CEILING})")
    variants = _variants(items, versions)
    numbers = sorted(set(variants), key=lambda n: -1 if n is None else n)
    # A variant's version is drawn and verified before any submission runs (a reference
    # that fails its checks stops the run, exit 1); the exam's own is verified while the
    # first submissions run (drawing needs torch; the exam's parameters do not).
    checks = checks_of(meta, exam()) if numbers != [None] else None
    drawn = lab_versions(meta, versions.seed, numbers) if numbers != [None] else {}
    raws = {number: drawn[number].raw if number is not None else {} for number in numbers}
    remaining = Remaining(len(items))
    box = isolation.detect(unprotected, hidden)
    if box.mode == "unprotected":
        _note_once(f"grading UNPROTECTED ({box.note}): a submission can read the reference "
                   "and change this machine's files")
    boxes.sweep()
    probe = meta.grader
    graded: dict[int, Graded] = {}
    failures: list[str] = []
    executor = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures: dict[Future[Any], int] = {
            executor.submit(_run, box, probe, shown, path, identity, timeout,
                            raws[variants[index]]): index
            for index, (shown, path, identity) in enumerate(items)}
        checks = checks or checks_of(meta, exam())
        labs: dict[int | None, LabVersion] = drawn or lab_versions(meta, versions.seed,
                                                                  numbers)
        references: dict[int | None, tuple[Any, dict[str, list[str]], dict[str, str]]] = {}
        for done in as_completed(futures):
            index = futures[done]
            shown = items[index][0]
            lab_version = labs[variants[index]]
            if lab_version.variant not in references:
                references[lab_version.variant] = (checks.reference(SEED, lab_version),
                                                   worked_lines(lab_version.source),
                                                   asked(meta, lab_version))
            reference, marked, asks = references[lab_version.variant]
            result, failure = _score(lab, points, checks, reference, marked, shown,
                                     done.result(), timeout, asks=asks, reveal=reveal,
                                     version=lab_version)
            graded[index] = result
            if failure:
                failures.append(f"{one_line(shown)}: {failure}")
            if len(items) > 1 or any(Path(given).is_dir() for given in paths):
                left = remaining.left()
                progress(f"[{len(graded)}/{len(items)}] {one_line(shown)}: {result.score}/"
                         f"{result.max_score} ({result.seconds:.1f} s"
                         f"{'; ' + left if left else ''})")
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        boxes.kill_all()
        executor.shutdown(wait=True)
    return Report(lab, meta.printed_title, sum(points.values()),
                  tuple(graded[i] for i in range(len(items))), tuple(failures),
                  box.describe(), box.mode == "unprotected", reveal)


_noted: set[str] = set()


def _note_once(text: str) -> None:
    if text not in _noted:
        _noted.add(text)
        print(f"solver: note: {one_line(text)}", file=sys.stderr)


def _score(lab: str, points: dict[str, int], checks: Any, reference: Any,
           marked: dict[str, list[str]], shown: str, result: Any,
           timeout: float, asks: dict[str, str] | None = None,
           reveal: bool = False, version: Any = None) -> tuple[Graded, str]:
    """The graded submission, and the grader's own failure ('' if none)."""
    from solver.grading.checks.base import Judge, describe_key
    from solver.grading.protocol import parse

    total = sum(points.values())
    variant = None if version is None else version.variant
    params = {} if version is None or variant is None else version.raw

    def zero(why: str, error: str) -> Graded:
        parts = tuple(Part(label, 0, value, False, one_line(why)) for label, value in
                      points.items())
        return Graded(shown, 0, total, parts, one_line(error), result.seconds, variant,
                      params)

    if result.failure.startswith("student: "):
        reason = result.failure.removeprefix("student: ")
        return zero(f"not graded: {reason}", reason), ""
    transcript = parse(result.records)
    if transcript.seccomp:
        _note_once(f"the seccomp filter is not installed: {transcript.seccomp}")
    if transcript.ready and not result.failure:
        import torch

        ours = torch.backends.cpu.get_cpu_capability()
        if transcript.cpu != ours:  # other kernels round otherwise: no fair comparison
            result.failure = (f"the sandbox computes with other CPU kernels ({transcript.cpu}) "
                              f"than the reference ({ours})")
    if result.failure or not transcript.ready:
        lines = [line for line in result.output.splitlines() if line.strip()]
        reason = result.failure or "the sandbox did not start: " + (
            lines[-1] if lines else f"exit status {result.returncode}")
        return zero(f"not graded: {reason}", f"grader failure: {reason}"), reason
    judge = Judge(lab, len(points) == 1, SEED, transcript, result, timeout, marked,
                  asks, reveal, None if version is None else version.params)
    try:
        verdicts = checks.judge(judge, reference)
        if sorted(verdicts) != sorted(points):
            raise RuntimeError(f"verdicts for the parts {_labels(verdicts)}, not "
                               f"{_labels(points)}")
    except Exception as error:
        # What the checks could not take is what the submission sent: values of a type or
        # shape no honest run gives (a submission can wrap the probe). Its zero, not the
        # grader's failure: a submission must not be able to fail the grading run. (The
        # tests grade every right and wrong submission, so a bug of the checks shows.)
        reason = (f"its results could not be checked ({type(error).__name__}: {error}): "
                  "values of a type or shape the lab's code does not give")
        return zero(f"not graded: {reason}", reason), ""
    parts = tuple(Part(label, value if verdicts[label].passed else 0, value,
                       verdicts[label].passed, one_line(verdicts[label].message),
                       "" if verdicts[label].passed else
                       judge.revealed.get(label) or judge.revealed.get("") or "")
                  for label, value in points.items())
    errors = []
    if judge.load_error:
        errors.append(f"loading the file raised {judge.load_error}")
    if not transcript.end:
        last = transcript.begun[-1] if transcript.begun else ""
        where = f" during {describe_key(last)}" if last else ""
        errors.append(f"the submission {judge.ending()}{where}")
    return Graded(shown, sum(p.points for p in parts), total, parts,
                  one_line("; ".join(errors)) if errors else None, result.seconds,
                  variant, params), ""
