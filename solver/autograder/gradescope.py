"""Gradescope: ``autograder.zip`` (``setup.sh``, ``run_autograder``, the wheel) and the
``results.json`` of Gradescope's autograder specification: one object per submission,
``score``, ``execution_time``, ``output``, ``stdout_visibility`` and ``tests`` (each with
``name``, ``score``, ``max_score``, ``status``, ``output`` and ``visibility``).

What students see at once: each part's score and a message that names the first wrong
element, the input and the exam's step in words. The worked code of a failed part is a
0-point test whose visibility is ``after_published``: shown once the instructor publishes
the grades. The grader's own log (``results/stdout``) is for the instructor only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from solver.autograder import files, wheel
from solver.autograder.locate import Located
from solver.autograder.platform import (
    Bundle,
    Platform,
    files_note,
    grader_fault,
    roster_fault,
    verified,
)
from solver.grading.grader import Report, one_line
from solver.grading.report import UNPROTECTED, gradescope_one, version_words
from solver.record import Question


class Gradescope(Platform):
    name: ClassVar[str] = "gradescope"
    upload: ClassVar[str] = "submission"
    default_root: ClassVar[str] = "/autograder"

    def results(self, question: Question, report: Report, located: Located) -> dict[str, Any]:
        graded = report.submissions[0]
        data = gradescope_one(report.lab, report.title, graded, report.unprotected)
        lines = [f"{report.lab} {report.title}{version_words(graded)}: {graded.score}/"
                 f"{graded.max_score}",
                 files_note(located)]
        if graded.error:
            lines.append(graded.error)
        if report.failures:
            lines.append(grader_fault("the grader failed on this submission"))
        if report.unprotected:
            lines.append(UNPROTECTED)
        data["output"] = "\n".join(lines)
        data["stdout_visibility"] = "hidden"
        data["extra_data"] = {"graded": one_line(located.path.name) if located.path else ""}
        for test in data["tests"]:
            test.setdefault("visibility", "visible")
        return data

    def not_graded(self, question: Question, why: str, fault: str) -> dict[str, Any]:
        message = (f"Not graded: {why}" if fault == "student" else roster_fault(why)
                   if fault == "roster" else grader_fault(why))
        return {
            "score": 0, "execution_time": 0, "output": message, "stdout_visibility": "hidden",
            "tests": [{"name": f"{question.id} {part.label})" if part.label else question.id,
                       "score": 0, "max_score": part.points, "status": "failed",
                       "output": "Not graded: see the message above.",
                       "visibility": "visible"}
                      for part in question.parts],
        }

    def bundle(self, question: Question, options: Bundle) -> str:
        from solver.output import check_output, write_atomically

        path = check_output(options.out, "--out", ".zip", new_folders=False)
        verified(question)
        classes = options.classes
        if classes is not None:  # every variant on the roster drawn and verified now
            from solver.grading.versions import versions

            versions(question, classes.seed, sorted(set(classes.roster.values())))
        name, data = wheel.build()
        exam = options.exam_file
        fields = {"LAB": question.id, "WHEEL": name, "TORCH": files.torch_version(),
                  "TIMEOUT": f"{options.timeout:g}",
                  "CLASS": "" if classes is None else
                  f'--seed {classes.seed} --roster "$root/source/roster.csv" '}
        contents = {
            "setup.sh": files.filled("setup.sh", {
                **fields, "EXAM": '--exam "$here/exam" ' if exam else ""}),
            "run_autograder": files.filled("run_autograder", {
                **fields, "EXAM": '--exam "$root/source/exam" ' if exam else ""}),
            name: data,
        }
        if exam:
            contents["exam/exam.toml"] = exam.read_bytes()
        if classes is not None:
            from pathlib import Path

            contents["roster.csv"] = Path(classes.path).read_bytes()
        write_atomically(path, wheel.archive(contents, frozenset({"setup.sh",
                                                                  "run_autograder"})))
        return f"wrote {path}: Gradescope's autograder for {question.id} ({len(contents)} files)"


PLATFORM = Gradescope()
