"""Writes the answer booklets: one PDF each, the merged PDF for the print shop, and
``booklets.json``, the layout the scanner reads (every box and written area, in points from
each page's top-left corner, under the page's code)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

from solver.paper import geometry as g
from solver.paper.code import PageCode, encode
from solver.paper.fields import ChoiceField, Field, GridField, WrittenField
from solver.paper.layout import Header, layout
from solver.paper.page import Page
from solver.paper.pdf import page_ops, write_pdf
from solver.paper.plan import Booklet

FORMAT = "solver-booklets/1"


def file_name(booklet: int) -> str:
    return f"booklet-{booklet:03d}.pdf"


def identity(booklet: Booklet) -> str:
    who = (f"  ·  student {booklet.student.number}  {booklet.student.name}".rstrip()
           if booklet.student else "")
    return f"Booklet {booklet.number}  ·  variant {booklet.variant}{who}"


def pages_of(booklet: Booklet, title: str, instructions: str, id_digits: int) -> list[Page]:
    header = Header(title, instructions, identity(booklet), id_digits, booklet.student is not None)
    return layout(header, list(booklet.fields))


Job = tuple[Booklet, str, str, int, int, int]  # booklet, title, instructions, id digits, exam, seed


def drawn(job: Job) -> tuple[bytes, list[bytes], dict[str, Any]]:
    """One booklet: its PDF, each page's operators (for the merged PDF) and its index."""
    booklet, title, instructions, id_digits, exam, seed = job
    pages = pages_of(booklet, title, instructions, id_digits)
    codes = [PageCode(exam, seed, booklet.variant, booklet.number, page.number)
             for page in pages]
    ops = [page_ops(page, code) for page, code in zip(pages, codes, strict=True)]
    entry = {
        "booklet": booklet.number, "variant": booklet.variant,
        "student": ({"number": booklet.student.number, "name": booklet.student.name,
                     "email": booklet.student.email, "section": booklet.student.section,
                     "login": booklet.student.login} if booklet.student else None),
        "file": file_name(booklet.number),
        "fields": [field_json(field) for field in booklet.fields],
        "pages": [{"page": page.number, "code": encode(code).hex(),
                   "boxes": [box.as_json() for box in page.boxes],
                   "areas": [area.as_json() for area in page.areas]}
                  for page, code in zip(pages, codes, strict=True)],
    }
    return write_pdf(ops), ops, entry


def field_json(field: Field) -> dict[str, Any]:
    """What a field asks, for the scanner: its kind of field and its data."""
    kind = {ChoiceField: "choice", GridField: "grid", WrittenField: "written"}[type(field)]
    return {"field": kind, **dataclasses.asdict(field)}


def index_json(title: str, exam: int, seed: int, id_digits: int,
               entries: Iterable[dict[str, Any]]) -> bytes:
    data = {
        "format": FORMAT,
        "exam": {"title": title, "id": f"{exam:04x}"},
        "seed": seed,
        "id_digits": id_digits,
        "page": {"width": round(g.WIDTH, 3), "height": round(g.HEIGHT, 3), "unit": "pt",
                 "origin": "top-left"},
        "fiducials": [{"id": marker, "corner": g.CORNERS[marker],
                       "x": round(g.marker_origin(marker)[0], 3),
                       "y": round(g.marker_origin(marker)[1], 3),
                       "size": round(g.MARKER_SIZE, 3), "dictionary": "DICT_4X4_50"}
                      for marker in range(4)],
        "code": {"x": round(g.CODE_X, 3), "y": round(g.CODE_Y, 3),
                 "cell": round(g.CODE_CELL, 3), "rows": g.CODE_ROWS,
                 "columns": g.CODE_COLUMNS},
        "booklets": list(entries),
    }
    # compact: 5000 booklets of this exam stay near 300 MiB
    return (json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def write_booklets(booklets: list[Booklet], title: str, instructions: str, id_digits: int,
                   exam: int, seed: int, jobs: int,
                   save: Callable[[str, bytes], None]) -> int:
    """Every booklet's PDF (``jobs`` processes draw them), then the merged PDF and the
    index; returns the number of pages."""
    import contextlib

    work = [(b, title, instructions, id_digits, exam, seed) for b in booklets]
    all_ops: list[bytes] = []
    entries: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        if jobs <= 1:
            results: Iterable[tuple[bytes, list[bytes], dict[str, Any]]] = map(drawn, work)
        else:
            from solver.workers import quiet_pool

            results = stack.enter_context(quiet_pool(jobs)).imap(drawn, work, chunksize=4)
        for booklet, (pdf, ops, entry) in zip(booklets, results, strict=True):
            save(file_name(booklet.number), pdf)
            all_ops.extend(ops)
            entries.append(entry)
    save("booklets.pdf", write_pdf(all_ops))
    save("booklets.json", index_json(title, exam, seed, id_digits, entries))
    return len(all_ops)
