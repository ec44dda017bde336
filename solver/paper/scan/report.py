"""Every output of a scan, made again from all the pages read so far: ``results.csv``, the
two gradebooks, ``readings.json`` (each group's reading, for tools and tests), the review
page, a grading page per hand-graded sub-question and the folder's ``index.html``."""

from __future__ import annotations

import json
import sys
from typing import Any

from solver.paper.fields import item_name
from solver.paper.layout import heading
from solver.paper.scan import pages, tables, views
from solver.paper.scan.collate import Collated, collate
from solver.paper.scan.store import KEYS, Store


def write_outputs(store: Store, index: dict[str, Any], overrides: dict[str, Any], seed: int,
                  jobs: int, command: str) -> None:
    """``command``: the run again with the decisions, as the pages tell a person."""
    from solver.paper.scan.keys import variant_keys
    from solver.registry import exam

    readings = store.readings()
    used = {(r["booklet"], r["page"]) for r in readings if r["status"] == "read"}
    variants = {b["variant"] for b in index["booklets"]
                if any((b["booklet"], p["page"]) in used for p in b["pages"])}
    questions = list(exam().questions.values())
    solved = variant_keys(seed, variants, questions, jobs, store.folder / KEYS)
    keys = lambda variant, question: solved[(variant, question)]  # noqa: E731
    collated = collate(index, readings, overrides, keys)
    crops = {(r["booklet"], name): file for r in collated.used.values()
             for name, file in r["crops"].items()}
    title = index["exam"]["title"]
    store.write("results.csv", tables.results_csv(collated.booklets))
    store.write("gradebook-canvas.csv", tables.gradebook_canvas(collated.booklets, title))
    store.write("gradebook-moodle.csv", tables.gradebook_moodle(collated.booklets, title))
    store.write("readings.json", readings_json(collated))
    items = views.review_items(collated, crops)
    problems = views.page_issues(collated, overrides)
    store.write("review.html", pages.review_html(title, items, problems, overrides,
                                                 command=command,
                                                 notes=tuple(collated.notes)).encode())
    links = [("Review: flagged marks and unusable pages", "review.html"),
             ("results.csv: every booklet's readings and marks", "results.csv"),
             ("gradebook-moodle.csv (complete booklets only)", "gradebook-moodle.csv"),
             ("gradebook-canvas.csv (complete booklets only)", "gradebook-canvas.csv")]
    for (question, part), entries in views.grading_pages(collated, keys, crops,
                                                         overrides).items():
        name = f"grading-{item_name(question, part)}.html"
        store.write(name, pages.grading_html(title, heading(question, part), entries,
                                             overrides, command=command).encode())
        links.append((f"Grade {heading(question, part)}", name))
    for asset in pages.ASSETS:
        store.write(asset, pages.asset(asset))
    complete = sum(1 for r in collated.booklets if r.complete)
    undecided = sum(1 for item in items if item.chosen is None)
    to_grade = sum(1 for r in collated.booklets for m in r.marks
                   if not m.read and m.marks is None)
    summary = [("booklets scanned", str(len(collated.booklets))),
               ("booklets complete (in the gradebooks)", str(complete)),
               ("marks to review", str(undecided)),
               ("written answers to grade", str(to_grade)),
               ("pages set aside", str(len(problems))),
               ("booklets to check", str(len(collated.notes)))]
    store.write("index.html", pages.index_html(title, summary, links).encode())
    print(f"solver: {len(collated.booklets)} booklets, {complete} complete; {undecided} "
          f"marks and {len(problems)} pages to review ({store.folder / 'review.html'})",
          file=sys.stderr)


def readings_json(collated: Collated) -> bytes:
    """Each booklet's groups and boxes as read, the pages set aside and the notes: for tools
    and tests (the simulator's ground truth is compared with it)."""
    data = {"booklets": {str(r.booklet): {
        "groups": {name: {"value": g.value, "flag": g.flag, "by_person": g.by_person}
                   for name, g in sorted(r.groups.items())},
        "boxes": {box: {"state": state["state"], "why": state["why"]}
                  for box, state in sorted(r.states.items())}}
        for r in collated.booklets},
        "problems": [{"source": p.source, "reason": p.reason} for p in collated.problems],
        "notes": collated.notes}
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()
