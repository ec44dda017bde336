"""What a platform marks of a computed question, as its module declares it: the values it
asks for (:class:`AnswerGap`) and the known mistakes with their partial credit
(:class:`WrongPath`). Plain data, with the credits Moodle's grade list allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Moodle's list of grades for an answer (percent): the credits a known mistake may earn
# (below 100), and the fractions the Moodle bank may write (solver.lms.tolerance).
MOODLE_FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
                    "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111",
                    "10", "5", "0")


@dataclass(frozen=True)
class WrongPath:
    """A known mistake on one answer (a question module's ``wrong_paths``): the value it
    gives and the partial credit it earns, whatever its name says.

    ``answer`` is the answer key it stands for, ``name`` the mistake as the feedback names
    it, ``value`` the JSON value it gives, ``credit`` the percent of that answer's marks it
    earns: a grade from Moodle's list below 100.
    """

    answer: str
    name: str
    value: Any
    credit: str

    def __post_init__(self) -> None:
        if self.credit not in MOODLE_FRACTIONS or self.credit == "100":
            raise ValueError(f"wrong path {self.name!r}: credit {self.credit!r} is not a "
                             f"grade of Moodle's list below 100 ({', '.join(MOODLE_FRACTIONS)})")


@dataclass(frozen=True)
class AnswerGap:
    """One value of a computed question that a platform asks the student to type in, as
    a question module declares it: ``GAPS``, or ``gaps(solution)`` when the gaps depend on
    the variant. A question that declares none is not asked for values (an essay).

    ``answer`` is the answer key whose value is asked; ``label`` what the question prints
    before it; ``part`` the sub-question it answers by position among the exam's parts (0:
    the first), so another exam's labels apply. ``cells`` asks a nested-list answer cell
    by cell, each labelled ``label[i,j]``; with it, ``uniform`` is the label of the one
    value asked instead when every cell holds the same value ("": always cell by cell), and
    ``channels_last`` names the cells of an answer stored channel first, ``[c][i][j]``, as
    ``label[i,j,c]``. The decimals asked are not declared: the platform derives them from
    the exact answers (none for whole numbers).
    """

    answer: str
    label: str
    part: int = 0
    cells: bool = False
    uniform: str = ""
    channels_last: bool = False

    def __post_init__(self) -> None:
        if self.part < 0:
            raise ValueError(f"gap {self.answer!r}: part is a position, 0 or more")
        if (self.uniform or self.channels_last) and not self.cells:
            raise ValueError(f"gap {self.answer!r}: uniform and channels_last need cells")
