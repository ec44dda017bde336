"""One scanned page read: placed by its markers, named by its code, every box decided, and
the crops a person needs (flagged groups, written areas, the page when it is unusable)
saved beside the reading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from solver.paper import code as page_code
from solver.paper import geometry as g
from solver.paper.scan import boxes as box_rules
from solver.paper.scan.images import ScanPage
from solver.paper.scan.locate import SCALE, Placed, place

Layout = Callable[[int, int], dict[str, Any] | None]  # (booklet, page) -> its entry


@dataclass
class PageReading:
    sha: str
    source: str
    status: str  # "read", or why the page is not used
    booklet: int = 0
    page: int = 0
    assignable: bool = False  # placed, but its code unreadable: a person may name it
    boxes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> state, why, …
    # "group:ID", "area:ID" or "page" -> the file name of its crop
    crops: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"sha": self.sha, "source": self.source, "status": self.status,
                "booklet": self.booklet, "page": self.page, "assignable": self.assignable,
                "boxes": self.boxes, "crops": self.crops}


def read_code(upright: Any, black: float) -> page_code.PageCode | None:
    import numpy as np

    cells = []
    white = float(np.percentile(upright[round((g.CODE_Y - 3 * g.MM) * SCALE):
                                        round((g.CODE_Y - 1 * g.MM) * SCALE),
                                        round(g.CODE_X * SCALE):
                                        round((g.CODE_X + 20 * g.MM) * SCALE)], 90))
    middle = (white + black) / 2
    quarter = g.CODE_CELL / 4
    for index in range(page_code.BITS):
        row, column = divmod(index, g.CODE_COLUMNS)
        x = g.CODE_X + column * g.CODE_CELL
        y = g.CODE_Y + row * g.CODE_CELL
        cell = upright[round((y + quarter) * SCALE):round((y + 3 * quarter) * SCALE),
                       round((x + quarter) * SCALE):round((x + 3 * quarter) * SCALE)]
        cells.append(1 if float(cell.mean()) < middle else 0)
    return page_code.decode(cells)


def read_page(scan: ScanPage, exam: int, seed: int, layout: Layout,
              save: Callable[[str, bytes], None], forced: tuple[int, int] | None = None
              ) -> PageReading:
    """``forced``: the booklet and page a person named for a page whose code is
    unreadable (an override)."""
    reading = PageReading(scan.sha, scan.source, "")
    if scan.image is None:
        reading.status = scan.problem
        return reading
    placed = place(scan.image)
    if isinstance(placed, str):
        reading.status = placed
        save(f"{scan.sha[:16]}-page.jpg", _thumbnail(scan.image))
        reading.crops["page"] = f"{scan.sha[:16]}-page.jpg"
        return reading
    black = box_rules.levels(placed.image)
    found = read_code(placed.image, black)
    if found is None and forced is None:
        reading.status, reading.assignable = "page code unreadable", True
        return _with_thumbnail(reading, placed, save)
    if found is not None and (found.exam, found.seed) != (exam, seed):
        reading.status = ("a page of another exam's booklets" if found.exam != exam
                          else f"a page of the booklets of seed {found.seed}, not {seed}")
        return _with_thumbnail(reading, placed, save)
    booklet, page = (found.booklet, found.page) if found is not None else forced or (0, 0)
    entry = layout(booklet, page)
    if entry is None:
        reading.status = f"booklet {booklet} page {page} is not in booklets.json"
        return _with_thumbnail(reading, placed, save)
    if found is not None and found.variant != entry["variant"]:
        reading.status = (f"a page of another printing: its code says variant {found.variant}, "
                          f"booklets.json has booklet {booklet} as variant {entry['variant']}")
        return _with_thumbnail(reading, placed, save)
    reading.status, reading.booklet, reading.page = "read", booklet, page
    _read_boxes(reading, placed.image, black, entry["boxes"])
    _save_crops(reading, placed.image, entry, save)
    return _with_thumbnail(reading, placed, save)  # shown when the page is seen twice


def _read_boxes(reading: PageReading, upright: Any, black: float,
                boxes: list[dict[str, Any]]) -> None:
    measured = [box_rules.measure(upright, b["x"], b["y"], b["w"], b["h"], black)
                for b in boxes]
    level = box_rules.empty_level([m.peak for m in measured])
    for box, m in zip(boxes, measured, strict=True):
        decision = box_rules.decide(m, level)
        reading.boxes[box["id"]] = {
            "state": decision.state, "why": decision.why,
            "mean": round(m.mean, 4), "peak": round(m.peak, 4), "ink": round(m.ink, 4),
            "span": round(m.span, 3), "core": round(m.core_ink, 4), "solid": round(m.solid, 4),
            "halves": round(m.halves, 4), "shift": list(m.shift)}


def _crop(upright: Any, x: float, y: float, w: float, h: float) -> Any:
    x0, y0 = max(0, round(x * SCALE)), max(0, round(y * SCALE))
    return upright[y0:round((y + h) * SCALE), x0:round((x + w) * SCALE)]


def _png(image: Any) -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return bytes(data) if ok else b""


def _jpeg(image: Any, scale: float) -> bytes:
    import cv2

    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return bytes(data) if ok else b""


def _thumbnail(image: Any) -> bytes:
    """The page, 1000 pixels high, as JPEG (a person sees what it is, and can read it)."""
    return _jpeg(image, 1000 / max(image.shape))


def _with_thumbnail(reading: PageReading, placed: Placed,
                    save: Callable[[str, bytes], None]) -> PageReading:
    name = f"{reading.sha[:16]}-page.jpg"
    save(name, _thumbnail(placed.image))
    reading.crops["page"] = name
    return reading


def _save_crops(reading: PageReading, upright: Any, entry: dict[str, Any],
                save: Callable[[str, bytes], None]) -> None:
    """Every written area (for grading by question, at 120 dpi; a digit grid's working
    with its grid) and every box group with an unclear box or two marks (for review: the
    whole grid or question, the group framed), named by page and id."""
    from solver.paper.scan.groups import grid_of, group_of

    stem = f"b{reading.booklet}-p{reading.page}-{reading.sha[:10]}"  # a page seen twice: apart
    grids: dict[str, list[dict[str, Any]]] = {}
    for box in entry["boxes"]:
        grids.setdefault(grid_of(box), []).append(box)
    for area in entry["areas"]:
        if area["what"] != "written":
            continue
        top = area["y"] - 14
        grid = grids.get(area["id"].removesuffix(".working"), [])
        if area["id"].endswith(".working") and grid:
            top = min(b["y"] for b in grid) - 12 * g.MM  # the write-in cells above it
        name = f"{stem}-{area['id']}.jpg"
        save(name, _jpeg(_crop(upright, area["x"] - 2, top, area["w"] + 4,
                               area["y"] + area["h"] + 2 - top), 0.6))
        reading.crops[f"area:{area['id']}"] = name
    groups: dict[str, list[dict[str, Any]]] = {}
    for box in entry["boxes"]:
        groups.setdefault(group_of(box), []).append(box)
    for group, members in groups.items():
        states = [reading.boxes[b["id"]]["state"] for b in members]
        if "unclear" not in states and states.count("filled") < 2:
            continue
        name = f"{stem}-{group}.png"
        save(name, _png(_framed(upright, grids[grid_of(members[0])], members)))
        reading.crops[f"group:{group}"] = name


def _bounds(boxes: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (min(b["x"] for b in boxes), min(b["y"] for b in boxes),
            max(b["x"] + b["w"] for b in boxes), max(b["y"] + b["h"] for b in boxes))


def _framed(upright: Any, grid: list[dict[str, Any]], group: list[dict[str, Any]]) -> Any:
    """The grid (or choice question) around a group, in colour, the group framed in red."""
    import cv2

    x0, y0, x1, y1 = _bounds(grid)
    x0, y0, x1, y1 = x0 - 8 * g.MM, y0 - 2.5 * g.MM, x1 + 2.5 * g.MM, y1 + 2.5 * g.MM
    crop = cv2.cvtColor(_crop(upright, x0, y0, x1 - x0, y1 - y0), cv2.COLOR_GRAY2BGR)
    gx0, gy0, gx1, gy1 = _bounds(group)
    pad = 1.2 * g.MM
    cv2.rectangle(crop, (round((gx0 - pad - x0) * SCALE), round((gy0 - pad - y0) * SCALE)),
                  (round((gx1 + pad - x0) * SCALE), round((gy1 + pad - y0) * SCALE)),
                  (40, 40, 220), max(2, round(0.4 * g.MM * SCALE)))
    return crop
