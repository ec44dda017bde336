"""What decides how a question is rendered and keyed: its kind, never its section.

A question's kind is its solver in the exam file: ``"choice"`` (multiple choice, all
data), ``"lab"`` (a lab record: a template to complete) or any other name (a computed
question, a module of ``solver.questions``). The exam's sections (``[[sections]]``: labs,
lectures, papers, under any name and in any order) are presentation only: they give the
sheet its headings, running headers, contents order and section points, and the heading
of a question ("Paper 3") comes from its id; none of them decides how a question is
rendered (its answer box, its rubric, its place in the key at a glance).
"""

from __future__ import annotations

from solver.exam import Question
from solver.model import BuildError, Meta

CHOICE = "choice"
LAB = "lab"
COMPUTED = "computed"

# The stylesheet's class of each kind. The names are those of the sections that decided
# before (``kind-paper`` styles a multiple-choice question wherever it is filed); kept so
# that the bundled sheet's HTML is unchanged.
CSS_CLASS = {CHOICE: "kind-paper", LAB: "kind-lab", COMPUTED: "kind-lecture"}


def question_kind(question: Question) -> str:
    """The kind of an exam record: ``CHOICE``, ``LAB`` or ``COMPUTED``."""
    return question.solver if question.solver in (CHOICE, LAB) else COMPUTED


def kind_of(meta: Meta) -> str:
    """The kind of a question of the active exam, from its record."""
    from solver.registry import exam

    record = exam().questions.get(meta.id)
    if record is None:
        raise BuildError(f"{meta.id} is not a question of the active exam ({exam().file})")
    return question_kind(record)


__all__ = ["CHOICE", "COMPUTED", "CSS_CLASS", "LAB", "kind_of", "question_kind"]
