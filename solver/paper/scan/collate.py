"""Everything read so far, put together per booklet: the page used for each booklet page
(a page seen twice is listed, and counted once), every group's reading, the student, and
the marks from the variant's key; and what a person must look at: unusable pages, pages
seen twice, student numbers that disagree or repeat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from solver.paper.fields import item_name
from solver.paper.scan.decide import Group, group_readings, student_number
from solver.paper.scan.marks import Mark, choice_mark, grid_mark, hand_mark
from solver.paper.scan.marks import with_hand_marks as _with_hand


@dataclass
class BookletResult:
    booklet: int
    variant: int
    roster: dict[str, str] | None  # the roster's student for this booklet
    number: str | None  # the student number: the roster's, else as bubbled
    bubbled: str | None  # as bubbled (None: undecided or not filled in)
    number_flag: str  # why the bubbled number is not known
    marks: list[Mark]
    groups: dict[str, Group]
    pages: list[int]  # the booklet's pages scanned
    states: dict[str, dict[str, Any]]  # each box's reading: state, why, measures
    missing: list[int]  # the booklet's pages not (yet) scanned

    @property
    def name(self) -> str:
        return self.roster["name"] if self.roster else ""

    @property
    def who(self) -> str:
        if self.number:
            return f"{self.number} {self.name}".strip()
        return f"booklet {self.booklet}"

    @property
    def score(self) -> Fraction:
        return sum((m.marks for m in self.marks if m.marks is not None), Fraction(0))

    @property
    def maximum(self) -> int:
        return sum(m.points for m in self.marks)

    @property
    def complete(self) -> bool:
        return not self.missing and all(m.marks is not None for m in self.marks)


@dataclass(frozen=True)
class PageProblem:
    sha: str
    source: str
    reason: str
    thumbnail: str
    assignable: bool


@dataclass
class Collated:
    booklets: list[BookletResult] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # booklet-level findings for a person
    used: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # counted pages


# (booklet's variant, question id) -> what marking needs: "key" letter, "gap" plan by answer
Keys = Callable[[int, str], dict[str, Any]]


def collate(index: dict[str, Any], readings: list[dict[str, Any]], overrides: dict[str, Any],
            keys: Keys) -> Collated:
    out = Collated()
    used = out.used
    for reading in readings:  # in SHA-256 order: the same choice whatever the scan order
        if overrides["pages"].get(reading["sha"]) == "ignore":
            continue
        if reading["status"] != "read":
            out.problems.append(PageProblem(reading["sha"], reading["source"], reading["status"],
                                            reading["crops"].get("page", ""),
                                            reading["assignable"]))
            continue
        where = (reading["booklet"], reading["page"])
        if where in used:
            out.problems.append(PageProblem(
                reading["sha"], reading["source"],
                f"page seen twice: booklet {where[0]} page {where[1]} (counted from "
                f"{used[where]['source']})", reading["crops"].get("page", ""), False))
            continue
        used[where] = reading
    for entry in index["booklets"]:
        pages = [p["page"] for p in entry["pages"] if (entry["booklet"], p["page"]) in used]
        if pages:
            out.booklets.append(_booklet(entry, pages, used, overrides, keys,
                                         index.get("id_digits", 8)))
    _repeated_students(out)
    return out


def _booklet(entry: dict[str, Any], pages: list[int], used: dict[tuple[int, int], Any],
             overrides: dict[str, Any], keys: Keys, id_digits: int) -> BookletResult:
    number = entry["booklet"]
    boxes: list[dict[str, Any]] = []
    states: dict[str, dict[str, Any]] = {}
    for page in entry["pages"]:
        if page["page"] in pages:
            boxes.extend(page["boxes"])
            states.update(used[(number, page["page"])]["boxes"])
    groups = group_readings(number, boxes, states, overrides["groups"])
    bubbled, flag = student_number(groups, id_digits)
    roster = entry["student"]
    marks: list[Mark] = []
    given = overrides["marks"]
    for field_ in entry["fields"]:
        key = keys(entry["variant"], field_["question"])
        hand = given.get(item_key(number, field_["question"], field_.get("part", "")))
        if field_["field"] == "choice":
            marks.append(choice_mark(field_, groups, key["key"]))
        elif field_["field"] == "grid":
            marks.append(_with_hand(grid_mark(field_, groups, key["gaps"][field_["answer"]]),
                                    hand))
        elif not field_.get("working"):
            marks.append(hand_mark(field_, hand))
    missing = [p["page"] for p in entry["pages"] if p["page"] not in pages]
    return BookletResult(number, entry["variant"], roster,
                         roster["number"] if roster else bubbled, bubbled,
                         flag if not roster else "",
                         marks, groups, pages, states, missing)


def _repeated_students(out: Collated) -> None:
    """A bubbled number that disagrees with the roster, or one seen in two booklets."""
    seen: dict[str, list[int]] = {}
    for result in out.booklets:
        bubbled = result.bubbled
        if result.roster and bubbled and bubbled.lstrip("0") != result.roster["number"].lstrip(
                "0"):
            out.notes.append(f"booklet {result.booklet}: student number filled in as {bubbled}, "
                             f"the roster gives {result.roster['number']} (the roster's is used)")
        if result.number:
            seen.setdefault(result.number, []).append(result.booklet)
    for student, booklets in sorted(seen.items()):
        if len(booklets) > 1:
            out.notes.append(f"student {student} is on booklets "
                             f"{', '.join(map(str, booklets))}: which one counts?")


def item_key(booklet: int, question: str, part: str) -> str:
    """The overrides key of a hand-graded answer's marks."""
    return f"{booklet}/{question}/{part}"


__all__ = ["BookletResult", "Collated", "PageProblem", "collate", "item_key", "item_name"]
