"""PrairieLearn: a question folder and a grading image for its external grader, and the
``results.json`` of PrairieLearn's external grading (``gradable``, ``score`` from 0 to 1,
``message``, ``tests`` with ``name``, ``description``, ``points``, ``max_points`` and
``message``).

``--out DIR`` writes:

- ``DIR/question/``: ``info.json`` (external grading on, the image, the entry point
  ``python3 -m solver autograder prairielearn LAB --grade /grade``), ``question.html`` (the
  exam's words: statement, sub-questions, figure; a file editor holding the exam's own
  template, ``template.py``; the grader's results) and ``template.py``. The question text
  passes the leak guard;
- ``DIR/image/``: the ``Dockerfile`` of the grading image and the wheel it installs.

An upload with nothing to grade, or a machine without a sandbox, is ``gradable: false``:
no attempt is used up. PrairieLearn shows no worked code at any time.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any, ClassVar

from solver.autograder import files, wheel
from solver.autograder.locate import Located
from solver.autograder.platform import Bundle, Platform, files_note, grader_fault, verified
from solver.grading.grader import Report
from solver.model import Solution
from solver.record import Question

IMAGE_EXAM = "/opt/solver-exam"
EDITOR_FILE = "template.py"
TIMEOUT = 120  # seconds PrairieLearn gives the whole job: two torch imports and the run


class PrairieLearn(Platform):
    name: ClassVar[str] = "prairielearn"
    upload: ClassVar[str] = "student"
    default_root: ClassVar[str] = "/grade"

    def results(self, question: Question, report: Report, located: Located) -> dict[str, Any]:
        graded = report.submissions[0]
        asks = {part.label: part.ask for part in question.parts}
        lines = [f"{report.lab} {report.title}: {graded.score}/{graded.max_score}",
                 files_note(located)]
        if graded.error:
            lines.append(graded.error)
        if report.failures:
            return self.not_graded(question, "the grader failed on this submission", "grader")
        return {
            "gradable": True,
            "score": graded.score / graded.max_score if graded.max_score else 0.0,
            "message": "\n".join(lines),
            "tests": [{"name": f"{report.lab} {part.label})" if part.label else report.lab,
                       "description": asks.get(part.label, ""), "points": part.points,
                       "max_points": part.max_points, "message": part.message}
                      for part in graded.parts],
        }

    def not_graded(self, question: Question, why: str, fault: str) -> dict[str, Any]:
        message = f"Not graded: {why}" if fault == "student" else grader_fault(why)
        return {"gradable": False, "format_errors": [message], "message": message}

    def bundle(self, question: Question, options: Bundle) -> str:
        from solver.folders import check_folder
        from solver.guard import check

        folder = check_folder(options.out)
        solution = verified(question)
        page = question_html(question, solution)
        check(f"{options.out}/question/question.html", [(question, solution, page)])
        exam = options.exam_file
        entry = ["/usr/local/bin/python3", "-m", "solver",
                 *(["--exam", IMAGE_EXAM] if exam else []),
                 "autograder", "prairielearn", question.id, "--grade", "/grade",
                 "--timeout", f"{options.timeout:g}"]
        info = {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                   f"solver:{options.exam_title}:{question.id}")),
            "title": f"{question.id} {question.printed_title}", "topic": options.exam_title,
            "tags": ["solver", question.id], "type": "v3", "singleVariant": True,
            "showCorrectAnswer": False, "gradingMethod": "External",
            "externalGradingOptions": {"enabled": True, "image": options.image,
                                       "entrypoint": entry, "timeout": TIMEOUT},
        }
        name, data = wheel.build()
        image = {"Dockerfile": files.filled("Dockerfile", {
            "WHEEL": name, "TORCH": files.torch_version(), "IMAGE": options.image,
            "EXAM_COPY": f"COPY exam {IMAGE_EXAM}" if exam else "",
            "EXAM": f"--exam {IMAGE_EXAM} " if exam else ""}), name: data}
        if exam:
            image["exam/exam.toml"] = exam.read_bytes()
        pages = {"info.json": (json.dumps(info, indent=2) + "\n").encode(),
                 "question.html": page.encode(),
                 EDITOR_FILE: question.data["paper_template"].strip("\n").encode() + b"\n"}
        for sub, contents in (("question", pages), ("image", image)):
            _write(folder / sub, contents)
        return (f"wrote {folder}/question (copy it into your course's questions/) and "
                f"{folder}/image (build and push it as {options.image})")


def _write(folder: Path, contents: dict[str, bytes]) -> None:
    """Each file of ``contents`` (relative names) into ``folder``, through descriptors."""
    from solver.folders import check_folder, open_owned, write_into

    by_folder: dict[Path, dict[str, bytes]] = {}
    for relative, payload in contents.items():
        target = folder / relative
        by_folder.setdefault(target.parent, {})[target.name] = payload
    for parent, named in by_folder.items():
        fd = open_owned(check_folder(str(parent)))
        try:
            for name, payload in named.items():
                write_into(fd, name, payload)
        finally:
            os.close(fd)


def question_html(question: Question, solution: Solution) -> str:
    """The exam's words for the question panel, the editor and the grader's results."""
    from solver.kinds import kind_of
    from solver.lms import feedback as fb

    view = kind_of(question).paper_view(question, solution)
    asks = [fb.ask_html(ask) for ask in solution.meta.asks if ask.text]
    figure = [f"<pre>{fb.text(view.figure)}</pre>"] if view.figure else []
    return "\n".join([
        "<pl-question-panel>", fb.statement(solution.meta), *asks, *figure,
        "</pl-question-panel>", "",
        f'<pl-file-editor file-name="{question.id.replace(".", "")}.py" '
        f'ace-mode="ace/mode/python" source-file-name="{EDITOR_FILE}"></pl-file-editor>', "",
        "<pl-submission-panel>", "  <pl-external-grader-results></pl-external-grader-results>",
        "  <pl-file-preview></pl-file-preview>", "</pl-submission-panel>", ""])


PLATFORM = PrairieLearn()
