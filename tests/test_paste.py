"""Each lab's answer, as the sheet highlights it, pasted into the exam's own template;
and each version's answer, as its key gives it, into that version's template on its paper.

A student copies a sub-question's highlighted lines from the sheet into the exam's
template, under that sub-question's marker (``# B) Your code goes here.``, or the last
comment line of the block that names the sub-question), replacing the template's blank
or unfinished lines there. The pasted template must then use no name the template and the
exam's setting do not give (torch and nn, which the exam's notebook imports; lab 4's
Grad_f), and score full marks with the grader: the exam's own against the exam's version,
a variant's against that variant.
"""

from __future__ import annotations

import ast
import builtins
import dis
import json
import re
import textwrap
from pathlib import Path
from types import CodeType

import pytest

from solver.engine import make_params, solve
from solver.kinds import kind_of
from solver.questions.labkit import answer_lines, version_source
from solver.record import Question
from solver.registry import exam
from tests.conftest import run_cli

LABS = [q for q in exam().questions.values() if q.grader]
EXAM_SETTING = {"torch", "nn", "Grad_f"}  # what the exam's notebook gives every template
_UNFINISHED = re.compile(r"^\s*[\w.]+\s*=\s*(#.*)?$")  # `self.weight_xh = # ...`


def _anchor(lines: list[str], letter: str) -> int:
    """Where sub-question ``letter``'s lines go: its "Your code goes here" line, else the
    last comment line of the comment block that first names it, else the template's end."""
    named = [i for i, line in enumerate(lines)
             if re.match(rf"\s*#\s*{letter}\)\s*your code goes here", line, re.I)]
    if named:
        return named[0]
    first = next((i for i, line in enumerate(lines)
                  if re.match(rf"\s*#\s*{letter}\)", line)), None)
    if first is None:
        return len(lines) - 1
    end = first
    while end + 1 < len(lines) and lines[end + 1].strip().startswith("#"):
        end += 1
    return end


def template(question: Question, raw: dict[str, object] | None = None) -> str:
    """The template a student's paper shows: the exam's own, or version ``raw``'s."""
    return kind_of(question).paper_view(question, solve(question, raw)).template


def pasted(question: Question, raw: dict[str, object] | None = None) -> str:
    """The version's template (the exam's own by default) with every sub-question's
    highlighted lines of that version pasted in."""
    lines = template(question, raw).strip("\n").splitlines()
    marked = answer_lines(version_source(question, make_params(question, raw)))
    labels = [p.label for p in question.parts]
    letters = sorted(marked) if labels == [""] else labels
    after: dict[int, int] = {}  # anchor -> the last line pasted under it
    for letter in letters:
        anchor = _anchor(lines, letter)
        at = after.get(anchor, anchor)
        if at == anchor:  # the template's blank or unfinished lines under the marker go
            while at + 1 < len(lines) and (not lines[at + 1].strip()
                                           or _UNFINISHED.match(lines[at + 1])):
                del lines[at + 1]
        reference = lines[anchor] if lines[anchor].strip() else lines[anchor - 1]
        indent = reference[:len(reference) - len(reference.lstrip())]
        code = textwrap.dedent("\n".join(text for _, text in marked[letter]))
        block = [indent + line for line in code.splitlines()]
        lines[at + 1:at + 1] = block
        after = {k: (v + len(block) if v > at else v) for k, v in after.items()}
        after[anchor] = at + len(block)
    return "\n".join(lines) + "\n"


def _globals_used(code: CodeType) -> set[str]:
    found = {i.argval for i in dis.get_instructions(code)
             if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found |= _globals_used(const)
    return found


def _defined(text: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _unknown(text: str) -> set[str]:
    used = _globals_used(compile(text, "template", "exec"))
    return used - _defined(text) - EXAM_SETTING - set(dir(builtins))


@pytest.mark.parametrize("question", LABS, ids=[q.id for q in LABS])
def test_the_pasted_template_uses_only_its_own_names_and_the_exams(question: Question) -> None:
    """A name the exam's template itself leaves unbound and the answer does not bind (lab
    7's d: a misprint its reading note reads) is the exam's, not the answer's."""
    try:
        before = _unknown(template(question))
    except SyntaxError:  # lab 6's unfinished lines
        before = set()
    text = pasted(question)
    after = _unknown(text)
    assert after & before <= {"d"}, (question.id, after & before)
    assert not after - before, (question.id, sorted(after - before), text)


@pytest.mark.slow
@pytest.mark.parametrize("question", LABS, ids=[q.id for q in LABS])
def test_every_variants_pasted_template_scores_full_marks_for_its_variant(
        question: Question, tmp_path: Path) -> None:
    """The first variants of a class, one per version they reach (at most 12 variants
    drawn): each pasted into its own paper's template, graded against its own variant."""
    from solver.variants.seeded import question_draws

    seen: dict[str, int] = {}
    for number, solution in enumerate(question_draws(2026, question, 12), start=1):
        seen.setdefault(json.dumps(solution.params, sort_keys=True), number)
    rows = []
    for key, number in seen.items():
        raw = json.loads(key)
        text = pasted(question, raw)
        try:
            before = _unknown(template(question, raw))
        except SyntaxError:  # lab 6's unfinished lines
            before = set()
        assert not _unknown(text) - before - {"d"}, (raw, text)
        (tmp_path / f"v{number}.py").write_text(text)
        rows.append(f"v{number}.py,{number}")
    (tmp_path / "roster.csv").write_text("\n".join(rows) + "\n")
    run = run_cli("grade", question.id, *(str(p) for p in sorted(tmp_path.glob("v*.py"))),
                  "--seed", "2026", "--roster", str(tmp_path / "roster.csv"), "--jobs", "2",
                  "--format", "json")
    assert run.returncode == 0, run.stderr
    for graded in json.loads(run.stdout)["submissions"]:
        failed = [f"{p['label']}: {p['message']}" for p in graded["parts"] if not p["passed"]]
        assert graded["score"] == graded["max_score"], (question.id, graded["variant"], failed)


@pytest.mark.slow
def test_every_pasted_template_scores_full_marks(tmp_path: Path) -> None:
    for question in LABS:
        (tmp_path / f"{question.grader}.py").write_text(pasted(question))
    for question in LABS:
        run = run_cli("grade", question.id, str(tmp_path / f"{question.grader}.py"),
                      "--format", "json")
        assert run.returncode == 0, run.stderr
        graded = json.loads(run.stdout)["submissions"][0]
        failed = [f"{p['label']}: {p['message']}" for p in graded["parts"] if not p["passed"]]
        assert graded["score"] == graded["max_score"], (question.id, failed, graded["error"],
                                                        pasted(question))
