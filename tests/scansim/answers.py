"""What a student marks on a booklet page: which boxes, and with which kind of mark.

A student writes their number (one box per column), answers each choice question with one
letter (sometimes none, rarely two), writes a number into each digit grid (one box per
column, leading or trailing columns left blank, the sign box marked or not) and now and
then leaves a stray dot or an erased mark in a box they did not choose. How each chosen box
is marked follows a mix of mark kinds. The result names the mark of every box on the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from tests.scansim.layout import Page, Rect
from tests.scansim.marks import MARKS

DEFAULT_MIX: dict[str, float] = {
    "solid": 0.50, "tick": 0.20, "cross": 0.15,
    "light": 0.04, "half": 0.04, "erased": 0.035, "dot": 0.035,
}
STRAY = ("erased", "dot")  # what may land in a box the student did not choose
STRAY_RATE = 0.01  # per unchosen box, at the default mix's share of stray kinds
NO_CHOICE = 0.08  # a choice question left unanswered
TWO_CHOICES = 0.03  # two letters marked
GRID_BLANK = 0.05  # a digit grid left empty
TRAILING = 0.15  # a number written from the left, leaving trailing columns blank
SIGN = 0.3  # the sign box marked
MODES = ("random", "blank", "every")


class Mix:
    """Weights of the mark kinds a student uses for the boxes they choose."""

    def __init__(self, weights: Mapping[str, float] | None = None) -> None:
        raw = dict(DEFAULT_MIX if weights is None else weights)
        unknown = sorted(set(raw) - set(MARKS))
        if unknown or any(w < 0 for w in raw.values()) or sum(raw.values()) <= 0:
            raise ValueError(f"a mix weighs known marks {MARKS} (unknown: {unknown}), "
                             "with non-negative weights summing above 0")
        total = sum(raw.values())
        self.kinds = tuple(k for k in MARKS if raw.get(k, 0) > 0)
        self.weights = np.array([raw[k] / total for k in self.kinds])
        stray = sum(raw.get(k, 0.0) for k in STRAY) / total
        default_stray = sum(DEFAULT_MIX[k] for k in STRAY)
        self.stray_rate = STRAY_RATE * stray / default_stray
        self.stray_kinds = tuple(k for k in STRAY if raw.get(k, 0) > 0)
        stray_w = np.array([raw[k] for k in self.stray_kinds])
        self.stray_weights = stray_w / stray_w.sum() if stray_w.size else stray_w

    def pick(self, rng: np.random.Generator) -> str:
        """The mark for a box the student chose."""
        return str(self.kinds[rng.choice(len(self.kinds), p=self.weights)])

    def stray(self, rng: np.random.Generator) -> str:
        """The mark for a box the student did not choose: mostly none."""
        if not self.stray_kinds or rng.random() >= self.stray_rate:
            return "none"
        return str(self.stray_kinds[rng.choice(len(self.stray_kinds), p=self.stray_weights)])


def _columns(boxes: Iterable[Rect]) -> dict[tuple[str, str, int], dict[int, Rect]]:
    """Digit columns: (question, part, column) -> digit -> box."""
    grid: dict[tuple[str, str, int], dict[int, Rect]] = defaultdict(dict)
    for box in boxes:
        grid[(box.question, box.part, box.column)][box.digit] = box
    return grid


def _written_number(rng: np.random.Generator, columns: int) -> list[int | None]:
    """Digits a student writes into a grid of columns; None = column left blank."""
    used = int(rng.integers(1, columns + 1))
    lead = (int(rng.integers(0, columns - used + 1)) if rng.random() < TRAILING
            else columns - used)
    digits = [int(d) for d in rng.integers(0, 10, size=used)]
    return [None] * lead + list(digits) + [None] * (columns - used - lead)


def _chosen(page: Page, student_number: str, rng: np.random.Generator) -> set[str]:
    """Ids of the boxes the student means to mark."""
    chosen: set[str] = set()
    student = _columns(b for b in page.boxes if b.what == "student")
    for (_, _, column), digits in sorted(student.items()):
        if 1 <= column <= len(student_number):
            box = digits.get(int(student_number[column - 1]))
            if box is not None:
                chosen.add(box.id)
    questions: dict[str, list[Rect]] = defaultdict(list)
    for box in page.boxes:
        if box.what == "choice":
            questions[box.question].append(box)
    for options in questions.values():
        r = rng.random()
        count = 0 if r < NO_CHOICE else 2 if r < NO_CHOICE + TWO_CHOICES else 1
        picks = rng.choice(len(options), size=min(count, len(options)), replace=False)
        chosen.update(options[int(i)].id for i in picks)
    grids: dict[tuple[str, str], dict[int, dict[int, Rect]]] = defaultdict(dict)
    for (question, part, column), digits in _columns(
            b for b in page.boxes if b.what == "digit").items():
        grids[(question, part)][column] = digits
    signs = {(b.question, b.part): b for b in page.boxes if b.what == "sign"}
    for key in sorted(set(grids) | set(signs)):
        if rng.random() < GRID_BLANK:
            continue
        columns = [grids[key][c] for c in sorted(grids.get(key, {}))]
        written = _written_number(rng, len(columns)) if columns else []
        for digits, digit in zip(columns, written, strict=True):
            if digit is not None and digit in digits:
                chosen.add(digits[digit].id)
        if key in signs and rng.random() < SIGN:
            chosen.add(signs[key].id)
    return chosen


def decide(
    page: Page, student_number: str, rng: np.random.Generator, mix: Mix, mode: str = "random"
) -> dict[str, str]:
    """The mark of every box on the page, in the page's box order. mode "random": as a
    student answers; "blank": nothing marked; "every": every box marked from the mix."""
    if mode not in MODES:
        raise ValueError(f"unknown answers mode {mode!r}; known: {', '.join(MODES)}")
    if mode == "blank":
        return {box.id: "none" for box in page.boxes}
    if mode == "every":
        return {box.id: mix.pick(rng) for box in page.boxes}
    chosen = _chosen(page, student_number, rng)
    return {box.id: mix.pick(rng) if box.id in chosen else mix.stray(rng)
            for box in page.boxes}
