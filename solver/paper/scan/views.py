"""The pages a person works in, from what was collated: ``review.html`` (every undecided
or overridden group, every unusable page), one grading page per hand-graded sub-question
(every student's answer side by side with the rubric of their variant), ``index.html``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solver.paper.fields import item_name
from solver.paper.layout import heading
from solver.paper.scan import pages
from solver.paper.scan.collate import Collated, item_key
from solver.paper.scan.decide import Group, options
from solver.paper.scan.store import CROPS
from solver.paper.scan.tables import points


def where(group: Group) -> str:
    box = group.boxes[0]
    if box["what"] == "choice":
        return heading(box["question"], "")
    if box["what"] == "student":
        return f"Student number, column {box['column']}"
    name = heading(box["question"], box["part"])
    if box["what"] == "sign":
        return f"{name}, the sign box of its digit grid"
    return f"{name}, column {box['column']} of its digit grid"


def review_items(collated: Collated, crops: dict[tuple[int, str], str]
                 ) -> list[pages.ReviewItem]:
    items = []
    for result in collated.booklets:
        for name, group in result.groups.items():
            if group.value is not None and not group.by_person:
                continue
            crop = crops.get((result.booklet, f"group:{name}"), "")
            items.append(pages.ReviewItem(
                key=group.key, booklet=result.booklet, student=result.who, where=where(group),
                reason=group.flag or "decided by a person",
                crop=f"{CROPS}/{crop}" if crop else "", options=options(group.boxes),
                chosen=None if not group.by_person else (group.value or _nothing(group))))
    return items


def _nothing(group: Group) -> str:
    return options(group.boxes)[-1]  # "none", "blank" or "+"


def page_issues(collated: Collated, overrides: dict[str, Any]) -> list[pages.PageIssue]:
    return [pages.PageIssue(key=p.sha, source=p.source, reason=p.reason,
                            thumbnail=f"{CROPS}/{p.thumbnail}" if p.thumbnail else "",
                            assignable=p.assignable, chosen=overrides["pages"].get(p.sha))
            for p in collated.problems]


def grading_pages(collated: Collated, keys: Callable[[int, str], dict[str, Any]],
                  crops: dict[tuple[int, str], str], overrides: dict[str, Any]
                  ) -> dict[tuple[str, str], list[pages.GradingEntry]]:
    """(question, part) -> its entries, for every written answer and every digit grid's
    working, in booklet order."""
    found: dict[tuple[str, str], list[pages.GradingEntry]] = {}
    for result in collated.booklets:
        marks = {(m.question, m.part): m for m in result.marks}
        for (question, part), mark in marks.items():
            base = item_name(question, part)
            crop = next((crops[(result.booklet, f"area:{area}")]
                         for area in (f"{base}.working", base)
                         if (result.booklet, f"area:{area}") in crops), None)
            if crop is None:
                continue  # a choice question, or a page not scanned
            machine = ""
            if mark.reading or mark.by not in ("person", ""):
                how = {"key": "by the key", "tolerance": "by the key within its tolerance"}.get(
                    mark.by, mark.by)
                machine = (f"The digit grid reads {mark.reading or 'nothing'}"
                           + (f": {points(mark.marks)} of {mark.points} points {how}; this "
                              "stands unless you give marks here (yours replace it)"
                              if mark.marks is not None and mark.by != "person" else ""))
            given = overrides["marks"].get(item_key(result.booklet, question, part))
            found.setdefault((question, part), []).append(pages.GradingEntry(
                key=item_key(result.booklet, question, part), booklet=result.booklet,
                student=result.who, variant=result.variant,
                crop=f"{CROPS}/{crop}",
                rubric=tuple(keys(result.variant, question)["rubric"].get(part, [])),
                points=mark.points, machine=machine, marks=given))
    return found
