"""The leak guard: nothing of the worked sheet in what students see.

Every build of a student-facing artifact (a variant's question paper, a learning
platform's question texts and options) passes its text here with the solutions of the
questions it holds. What may appear is the exam's own words for the variant: each
question's filled-in statement, what its parts ask and what its kind shows a student
(``Kind.paper_view``: the exam's template, the options, a figure in words), and the
paper's frame (title, instructions, section statements). What must not appear is what
only the worked sheet holds: its steps (prose, readings, code lines, table cells), each
part's answer, the named answers' exact text, the rubric lines. Any such snippet found in
the artifact fails the build (``SelfCheckError``, exit 1) with the artifact, the question
and the snippet.

Snippets are compared as plain text (tags dropped, entities decoded, spaces collapsed,
case folded); prose and code are cut into lines and sentences, and one shorter than
``MIN_CHARS`` is not looked for unless it is a number of two digits or more (an answer
value), looked for as a whole token.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from solver.kinds import kind_of
from solver.model import Code, Reading, SelfCheckError, Solution, Table, Text
from solver.record import Question

MIN_CHARS = 16
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")
_NUMBER = re.compile(r"^[-−]?\d[\d.,/]*\d$")


def plain(text: str) -> str:
    """Text as compared: no tags, entities decoded, one space, case folded, one minus
    sign (the statement's LaTeX writes -0.2, its typeset text and the steps −0.2)."""
    text = html.unescape(_TAG.sub(" ", text)).replace("−", "-")
    return _SPACE.sub(" ", text).strip().casefold()


def exam_words(question: Question, solution: Solution) -> list[str]:
    """What a student may see of this question in this variant: the exam's words."""
    meta = solution.meta
    view = kind_of(question).paper_view(question, solution)
    options = [text for pair in view.options.items() for text in (pair[1], f"{pair[0]}) "
                                                                          f"{pair[1]}")]
    return [meta.title, meta.question, *(ask.text for ask in meta.asks), view.template,
            view.figure, *options]


def _pieces(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines + [sentence for line in lines for sentence in _SENTENCE.split(line)]


def worked(solution: Solution) -> list[str]:
    """Everything the worked sheet says of a question, in pieces."""
    found: list[str] = []
    for step in solution.steps:
        if isinstance(step, Text | Reading):
            found += _pieces(step.text)
        elif isinstance(step, Code):
            found += _pieces(step.code) + _pieces(step.caption)
        elif isinstance(step, Table):
            found += [str(cell) for row in step.rows for cell in row]
    found += [piece for part in solution.parts for piece in _pieces(part.text)]
    found += [piece for part in solution.parts for piece in _pieces(part.key)]
    found += [piece for line in solution.rubric for piece in _pieces(line.text)]
    found += [text for text in solution.answer_text.values()]
    return found


def leaks(shown: str, question: Question, solution: Solution,
          frame: Iterable[str] = ()) -> list[str]:
    """Every worked-sheet snippet of ``question`` that ``shown`` (what a student sees of
    it) holds and the exam's words (its own and the ``frame``'s) do not."""
    text = plain(shown)
    allowed = " \n ".join(plain(words) for words in [*exam_words(question, solution), *frame])
    tokens = set(re.findall(r"[-−]?\d[\d.,/]*\d", allowed))
    found: list[str] = []
    for piece in dict.fromkeys(plain(p) for p in worked(solution)):
        if _NUMBER.match(piece):
            if piece not in tokens and re.search(
                    rf"(?<![\w.-]){re.escape(piece)}(?![\w]|\.\d)", text):
                found.append(piece)
        elif len(piece) >= MIN_CHARS and piece not in allowed and piece in text:
            found.append(piece)
    return found


def check(artifact: str, shown: Iterable[tuple[Question, Solution, str]],
          frame: Iterable[str] = ()) -> None:
    """Fail the build if what ``artifact`` shows of a question (``shown``: each question,
    its variant's solution and its text there) gives a worked answer away."""
    words = list(frame)
    for question, solution, text in shown:
        found = leaks(text, question, solution, words)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise SelfCheckError(f"leak guard: {artifact}: {question.id} shows text of its "
                                 f"worked answer: {found[0][:120]!r}{more}")


def paper_sections(html: str) -> dict[str, str]:
    """A question paper's HTML by question: each ``data-question`` section's markup."""
    return dict(re.findall(r'<section class="[^"]*" data-question="([^"]+)">(.*?)</section>',
                           html, re.DOTALL))
