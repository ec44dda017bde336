"""The three output formats (text, json, gradescope) and ``--out DIR`` files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from solver.grading.grader import Graded, Report, one_line


def submission_json(graded: Graded, reveal: bool = False) -> dict[str, Any]:
    """One submission; with ``reveal`` each failed part also carries its ``worked`` code."""
    return {
        "path": graded.path, "score": graded.score, "max_score": graded.max_score,
        "parts": [{"label": p.label, "points": p.points, "max_points": p.max_points,
                   "passed": p.passed, "message": p.message,
                   **({"worked": p.worked} if reveal and p.worked else {})}
                  for p in graded.parts],
        "error": graded.error, "seconds": graded.seconds,
        **({"variant": graded.variant, "params": graded.params}
           if graded.variant is not None else {}),
    }


def _setting(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else f"{value:g}" if isinstance(
        value, float) else str(value)


def version_words(graded: Graded) -> str:
    """The lab version a submission was graded against, as a report names it: the
    variant and its settings (what the student's paper asked), so a mix-up shows."""
    if graded.variant is None:
        return ""
    settings = ", ".join(f"{name} {_setting(value)}" for name, value in graded.params.items())
    return f" (variant {graded.variant}{': ' + settings if settings else ''})"


def as_json(report: Report) -> dict[str, Any]:
    return {"lab": report.lab, "max_score": report.max_score, "sandbox": report.sandbox,
            "submissions": [submission_json(g, report.reveal) for g in report.submissions]}


UNPROTECTED = ("graded UNPROTECTED: nothing kept this code away from the reference solution "
               "or the grading machine's files")


def _part_name(lab: str, label: str) -> str:
    return f"{lab} {label})" if label else lab


def gradescope_one(lab: str, title: str, graded: Graded,
                   unprotected: bool = False) -> dict[str, Any]:
    """Gradescope's results.json for one submission."""
    output = f"{lab} {title}{version_words(graded)}: {graded.score}/{graded.max_score}"
    if graded.error:
        output += f"\n{graded.error}"
    if unprotected:
        output += f"\n{UNPROTECTED}"
    return {
        "score": graded.score,
        "execution_time": graded.seconds,
        "output": output,
        "tests": [{"name": _part_name(lab, p.label), "score": p.points,
                   "max_score": p.max_points, "status": "passed" if p.passed else "failed",
                   "output": p.message} for p in graded.parts]
        # The worked code of each failed part: shown once the instructor publishes grades.
        + [{"name": f"{_part_name(lab, p.label)}: worked solution", "score": 0,
            "max_score": 0, "output": p.worked, "visibility": "after_published"}
           for p in graded.parts if p.worked],
        "extra_data": {"path": graded.path,
                       **({"variant": graded.variant} if graded.variant is not None else {})},
    }


def as_gradescope(report: Report) -> Any:
    """One results.json object for one submission (what Gradescope reads), a list of
    them for several."""
    found = [gradescope_one(report.lab, report.title, g, report.unprotected)
             for g in report.submissions]
    return found[0] if len(found) == 1 else found


def as_text(report: Report) -> str:
    count = len(report.submissions)
    lines = [f"{report.lab} {report.title}: {count} submission{'s' if count != 1 else ''}, "
             f"{report.max_score} points", f"sandbox: {report.sandbox}", ""]
    for graded in report.submissions:
        lines.append(f"{one_line(graded.path)}{version_words(graded)}: {graded.score}/"
                     f"{graded.max_score}")
        for part in graded.parts:
            mark = "ok  " if part.passed else "FAIL"
            name = part.label or "(whole)"
            lines.append(f"  {name:<7} {part.points}/{part.max_points}  {mark}  {part.message}")
        if graded.error:
            lines.append(f"  error: {graded.error}")
    return "\n".join(lines) + "\n"


def render(report: Report, form: str) -> str:
    if form == "text":
        return as_text(report)
    data = as_json(report) if form == "json" else as_gradescope(report)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _file_names(report: Report) -> list[str]:
    """One distinct, safe file name per submission, in order."""
    taken: set[str] = set()
    names = []
    for graded in report.submissions:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(graded.path).stem) or "submission"
        name, number = stem, 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken.add(name)
        names.append(f"{name}.json")
    return names


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_out(report: Report, folder: int, form: str) -> None:
    """One JSON file per submission (results.json's shape with gradescope) and grades.csv
    in the open folder ``folder`` (``solver.folders``: never through a link)."""
    from solver.folders import write_into

    for graded, name in zip(report.submissions, _file_names(report), strict=True):
        data = gradescope_one(report.lab, report.title, graded, report.unprotected) \
            if form == "gradescope" else submission_json(graded, report.reveal)
        write_into(folder, name, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
    labels = [p.label for p in report.submissions[0].parts] if report.submissions else []
    varied = any(graded.variant is not None for graded in report.submissions)
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["path", *(["variant"] if varied else []), "score", "max_score",
                     *[f"{report.lab} {label}".strip() for label in labels], "error", "seconds"])
    for graded in report.submissions:
        writer.writerow([_cell(graded.path), *([graded.variant] if varied else []),
                         graded.score, graded.max_score,
                         *[p.points for p in graded.parts], _cell(graded.error or ""),
                         f"{graded.seconds:.2f}"])
    write_into(folder, "grades.csv", table.getvalue().encode())
