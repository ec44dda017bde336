"""Which file of a student's upload is the lab: the one that defines the exam template's
own classes and functions.

Students upload a folder (Gradescope) or files (PrairieLearn) that may hold more than the
completed template: a helper file, notes, an editor's backup. Only the template is graded,
once; the rest is listed as not graded. The upload is walked without following links,
within bounds, and read without trusting it (no file larger than the grader reads, no
link, no device).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from solver.grading.grader import MAX_SOURCE_BYTES, one_line
from solver.record import Question

MAX_ENTRIES = 2000  # files and folders looked at in one upload
MAX_DEPTH = 6
SKIPPED = ("__MACOSX", "__pycache__")  # an archiver's or an interpreter's, never the student's
_DEFINITION = re.compile(r"^(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


@dataclass(frozen=True)
class Located:
    path: Path | None  # the file to grade, or None (``problem`` says why)
    problem: str = ""
    others: tuple[str, ...] = field(default=())  # the upload's other files, not graded


def exam_names(question: Question, template: str | None = None) -> dict[str, str]:
    """The names the exam's template (or a version's, ``template``) defines at its top
    level, each with its keyword."""
    return {name: keyword for keyword, name in _DEFINITION.findall(
        question.data.get("paper_template", "") if template is None else template)}


def _expected(question: Question, template: str | None = None) -> str:
    names = exam_names(question, template)
    defines = ", ".join(f"{keyword} {name}" for name, keyword in names.items())
    return (f"the completed exam template of {question.id} ({question.printed_title}): one .py "
            f"file" + (f" that defines {defines}" if defines else ""))


def _walk(folder: Path) -> tuple[list[Path], list[str]]:
    """(the regular .py files, every other entry as shown) under ``folder``, in name
    order, at most ``MAX_ENTRIES`` entries and ``MAX_DEPTH`` folders deep."""
    found: list[Path] = []
    others: list[str] = []
    seen = 0
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop(0)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            others.append(f"{current.relative_to(folder)}/ (unreadable)")
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                others.append(f"... (more than {MAX_ENTRIES} entries: the rest not looked at)")
                return found, others
            shown = str(Path(entry.path).relative_to(folder))
            if entry.name in SKIPPED or entry.name.startswith("."):
                continue
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode) and depth < MAX_DEPTH:
                pending.append((Path(entry.path), depth + 1))
            elif stat.S_ISREG(info.st_mode) and entry.name.endswith(".py"):
                found.append(Path(entry.path))
            elif not stat.S_ISDIR(info.st_mode):
                others.append(shown + (" (a link, not followed)"
                                       if stat.S_ISLNK(info.st_mode) else ""))
    return found, others


def _defined(path: Path, names: dict[str, str]) -> int:
    """How many of the exam's names ``path`` defines at its top level (-1: unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return -1
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return -1
        text = handle.read(MAX_SOURCE_BYTES + 1).decode("utf-8", "replace")
    return sum(1 for keyword, name in _DEFINITION.findall(text) if names.get(name) == keyword)


def locate(folder: Path, question: Question, template: str | None = None) -> Located:
    """The upload's file to grade for ``question`` (whose paper showed ``template``, by
    default the exam's own), or why there is none."""
    if not folder.is_dir():
        return Located(None, f"nothing was uploaded: expected {_expected(question, template)}")
    files, others = _walk(folder)
    names = exam_names(question, template)
    counts = {path: _defined(path, names) for path in files}
    readable = [path for path, count in counts.items() if count >= 0]
    others += [f"{path.relative_to(folder)} (unreadable)" for path, c in counts.items() if c < 0]
    if not readable:
        found = f" (found: {', '.join(others[:10])})" if others else ""
        return Located(None, f"no Python file to grade in the upload{one_line(found)}: "
                             f"expected {_expected(question, template)}", tuple(others))
    best = max(counts[path] for path in readable)
    chosen = [path for path in readable if counts[path] == best]
    if len(chosen) > 1:
        shown = ", ".join(str(p.relative_to(folder)) for p in chosen)
        why = ("each defines as many of the exam's names" if best > 0 else
               "none defines any of the exam's names")
        return Located(None, one_line(f"{len(chosen)} files could be the lab ({shown}: {why}) "
                                      f"and the grader does not guess: upload "
                                      f"{_expected(question, template)}"), tuple(others))
    rest = [str(p.relative_to(folder)) for p in readable if p != chosen[0]]
    return Located(chosen[0], "", tuple(rest + others))
