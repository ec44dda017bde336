"""booklets.json read into typed records: what the simulator needs of the booklets' layout.

Only the fields the simulator uses are read, and unknown fields are ignored, so the file
may grow without breaking it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAYOUT_FILE = "booklets.json"


@dataclass(frozen=True)
class Rect:
    """A box or area: id, kind ("student", "choice", "digit", "sign"; "name", "written")
    and its place in pt from the page's top-left corner; group names the boxes of which
    at most one may be marked (a choice question, a digit column) or, for a sign, its
    question part."""

    id: str
    what: str
    x: float
    y: float
    w: float
    h: float
    question: str = ""
    part: str = ""
    option: str = ""
    column: int = 0
    digit: int = -1

    @property
    def pt(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class Page:
    page: int  # 1-based, as in the booklet's PDF
    code: str
    boxes: tuple[Rect, ...]
    areas: tuple[Rect, ...]


@dataclass(frozen=True)
class Student:
    number: str
    name: str


@dataclass(frozen=True)
class Booklet:
    booklet: int
    variant: int
    student: Student | None
    file: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Fiducial:
    id: int
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Layout:
    width: float  # pt
    height: float
    fiducials: tuple[Fiducial, ...]
    booklets: tuple[Booklet, ...]
    id_digits: int = 8


def _rect(raw: dict[str, Any]) -> Rect:
    return Rect(
        id=str(raw["id"]), what=str(raw["what"]),
        x=float(raw["x"]), y=float(raw["y"]), w=float(raw["w"]), h=float(raw["h"]),
        question=str(raw.get("question", "")), part=str(raw.get("part", "")),
        option=str(raw.get("option", "")), column=int(raw.get("column", 0)),
        digit=int(raw.get("digit", -1)),
    )


def _booklet(raw: dict[str, Any]) -> Booklet:
    student = raw.get("student")
    pages = tuple(
        Page(page=int(p["page"]), code=str(p.get("code", "")),
             boxes=tuple(_rect(b) for b in p.get("boxes", [])),
             areas=tuple(_rect(a) for a in p.get("areas", [])))
        for p in raw["pages"]
    )
    return Booklet(
        booklet=int(raw["booklet"]), variant=int(raw.get("variant", 1)),
        student=Student(str(student["number"]), str(student.get("name", "")))
        if student else None,
        file=str(raw["file"]), pages=pages,
    )


def parse(data: dict[str, Any]) -> Layout:
    return Layout(
        width=float(data["page"]["width"]), height=float(data["page"]["height"]),
        fiducials=tuple(Fiducial(int(f["id"]), float(f["x"]), float(f["y"]), float(f["size"]))
                        for f in data["fiducials"]),
        booklets=tuple(_booklet(b) for b in data["booklets"]),
        id_digits=int(data.get("id_digits", 8)),
    )


def load(booklets_dir: Path) -> Layout:
    """The layout in booklets_dir/booklets.json."""
    with open(booklets_dir / LAYOUT_FILE, encoding="utf-8") as handle:
        return parse(json.load(handle))
