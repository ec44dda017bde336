"""A booklet page as data: the boxes a scanner reads, the written areas cut out for hand
grading, and the text and lines printed around them; in points from the top-left corner.
The PDF writer draws it and ``booklets.json`` lists its boxes and areas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Box:
    """A tick box. ``what``: "student" (a student-number digit), "choice" (an option),
    "digit" or "sign" (a digit grid's); the scanner groups them
    (:mod:`solver.paper.scan.groups`)."""

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
    digit: int = 0

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "what": self.what}
        for name in ("question", "part", "option"):
            if getattr(self, name) or (name == "part" and self.what in ("digit", "sign")):
                data[name] = getattr(self, name)
        if self.what in ("student", "digit"):
            data["column"], data["digit"] = self.column, self.digit
        return {**data, **_rect(self.x, self.y, self.w, self.h)}


@dataclass(frozen=True)
class Area:
    """A written answer's ruled area ("written"), or the name box ("name")."""

    id: str
    what: str
    x: float
    y: float
    w: float
    h: float
    question: str = ""
    part: str = ""
    points: int = 0

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "what": self.what}
        if self.question:
            data.update(question=self.question, part=self.part, points=self.points)
        return {**data, **_rect(self.x, self.y, self.w, self.h)}


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    size: float
    text: str
    bold: bool = False
    question: str = ""  # the question it labels ("" for the booklet's frame)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    grey: float = 0.0  # 0 black … 1 white


@dataclass
class Page:
    number: int
    boxes: list[Box] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def _rect(x: float, y: float, w: float, h: float) -> dict[str, float]:
    return {"x": round(x, 3), "y": round(y, 3), "w": round(w, 3), "h": round(h, 3)}
