"""``booklets.json`` checked whole before any page is read: every value the scanner uses
has its type and range (a box lies on the page, an id is a plain name, a variant is one a
class may have), so a damaged or hostile index is one clear line, never a failure halfway."""

from __future__ import annotations

import math
import re
from typing import Any

from solver.model import InputError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")  # an id: safe in a file name
WHATS = {"student", "choice", "digit", "sign"}
MAX_VARIANT = 5000
MAX_PAGES = 200


def _need(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise InputError(f"{where}: {what}")


def _int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _rect(thing: dict[str, Any], page: dict[str, Any]) -> bool:
    numbers = [thing.get(k) for k in ("x", "y", "w", "h")]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
               for v in numbers):
        return False
    x, y, w, h = (float(v) for v in numbers if isinstance(v, int | float))
    return x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= page["width"] and (
        y + h <= page["height"])


def check_index(data: Any, where: str) -> None:
    _need(isinstance(data, dict), where, "not a booklets index")
    page = data.get("page")
    _need(isinstance(page, dict) and all(isinstance(page.get(k), int | float)
                                         and 100 < page[k] < 3000 for k in ("width", "height")),
          where, "'page' must give the page's width and height in points")
    exam = data.get("exam")
    _need(isinstance(exam, dict) and isinstance(exam.get("title"), str)
          and re.fullmatch(r"[0-9a-f]{4}", str(exam.get("id", ""))) is not None,
          where, "'exam' must give its title and a 4-digit hexadecimal id")
    _need(_int(data.get("id_digits"), 1, 12), where, "'id_digits' must be 1..12")
    booklets = data.get("booklets")
    _need(isinstance(booklets, list) and 0 < len(booklets) <= MAX_VARIANT, where,
          f"'booklets' must list 1..{MAX_VARIANT} booklets")
    seen: set[int] = set()
    for booklet in booklets:
        _booklet(booklet, page, where, seen)


def _booklet(booklet: Any, page: dict[str, Any], where: str, seen: set[int]) -> None:
    _need(isinstance(booklet, dict) and _int(booklet.get("booklet"), 1, 65535)
          and booklet["booklet"] not in seen, where, "every booklet needs its own number")
    number = booklet["booklet"]
    seen.add(number)
    at = f"{where}: booklet {number}"
    _need(_int(booklet.get("variant"), 1, MAX_VARIANT), at, f"variant must be 1..{MAX_VARIANT}")
    student = booklet.get("student")
    _need(student is None or (isinstance(student, dict) and all(
        isinstance(student.get(k, ""), str) for k in ("number", "name", "email", "section",
                                                       "login"))), at, "bad student")
    fields = booklet.get("fields")
    _need(isinstance(fields, list) and all(_field(f) for f in fields), at, "bad fields")
    pages = booklet.get("pages")
    _need(isinstance(pages, list) and 0 < len(pages) <= MAX_PAGES, at, "bad pages")
    numbers: set[int] = set()
    for entry in pages:
        _need(isinstance(entry, dict) and _int(entry.get("page"), 1, MAX_PAGES)
              and entry["page"] not in numbers, at, "every page needs its own number")
        numbers.add(entry["page"])
        boxes, areas = entry.get("boxes"), entry.get("areas")
        _need(isinstance(boxes, list) and isinstance(areas, list), at, "bad page")
        for box in boxes:
            _need(isinstance(box, dict) and box.get("what") in WHATS
                  and NAME.match(str(box.get("id", ""))) is not None and _rect(box, page)
                  and _box_data(box), at, f"bad box {str(box)[:80]}")
        for area in areas:
            _need(isinstance(area, dict) and area.get("what") in ("name", "written")
                  and NAME.match(str(area.get("id", ""))) is not None and _rect(area, page),
                  at, f"bad area {str(area)[:80]}")


def _box_data(box: dict[str, Any]) -> bool:
    what = box["what"]
    if what == "student":
        return _int(box.get("column"), 1, 12) and _int(box.get("digit"), 0, 9)
    if what == "choice":
        return isinstance(box.get("question"), str) and isinstance(box.get("option"), str)
    ok = isinstance(box.get("question"), str) and isinstance(box.get("part"), str)
    return ok and (what == "sign" or (_int(box.get("column"), 1, 30)
                                      and _int(box.get("digit"), 0, 9)))


def _field(field: Any) -> bool:
    if not isinstance(field, dict) or not isinstance(field.get("question"), str):
        return False
    if not _int(field.get("points"), 0, 100):
        return False
    kind = field.get("field")
    if kind == "choice":
        return isinstance(field.get("letters"), list)
    if kind == "grid":
        return (isinstance(field.get("part"), str) and isinstance(field.get("sign"), bool)
                and _int(field.get("digits"), 1, 9) and _int(field.get("decimals"), 0, 20)
                and isinstance(field.get("answer"), str))
    return kind == "written" and isinstance(field.get("part"), str)
