"""The CSV files of a scan: ``results.csv`` (every booklet, every question's reading and
marks) and the gradebooks for Moodle's and Canvas's grade import (one score a student,
written only once every mark of their booklet is known)."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from solver.paper.scan.collate import BookletResult


def points(value: Fraction | None) -> str:
    """Marks as a grade book shows them: up to two decimals, no trailing zeros."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def text(cell: str) -> str:
    """A roster's words as a spreadsheet shows them, never as a formula (a name that begins
    with =, +, -, @ or a tab would run as one in Excel or LibreOffice)."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def results_csv(results: list[BookletResult]) -> bytes:
    items: list[str] = []  # every booklet asks the same items, in the exam's order
    read: set[str] = set()
    for result in results:
        items += [m.item for m in result.marks if m.item not in items]
        read |= {m.item for m in result.marks if m.read}
    header = ["booklet", "variant", "student number", "name"]
    for item in items:
        header += [f"{item} reading", f"{item} marks"] if item in read else [f"{item} marks"]
    header += ["score so far", "maximum", "to decide", "status"]
    rows = [header]
    for result in results:
        by_item = {m.item: m for m in result.marks}
        row = [str(result.booklet), str(result.variant), result.number or "", text(result.name)]
        for item in items:
            mark = by_item.get(item)
            if item in read:
                reading = "" if mark is None else (
                    mark.reading if not mark.flag else f"? {mark.flag}")
                row.append(reading)
            row.append("" if mark is None else points(mark.marks))
        undecided = sum(1 for m in result.marks if m.marks is None)
        status = ("complete" if result.complete else
                  f"pages not scanned: {', '.join(map(str, result.missing))}" if result.missing
                  else "to review or grade")
        row += [points(result.score), str(result.maximum), str(undecided), status]
        rows.append(row)
    return _csv(rows)


def gradebook_canvas(results: list[BookletResult], title: str) -> bytes:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then
    the exam's column (a new column makes a new assignment); a "Points Possible" row.
    Students are matched by SIS User ID: the student number (SIS Login ID: the roster's
    ``login`` column, if it has one)."""
    done = [r for r in results if r.complete and r.number]
    maximum = max((r.maximum for r in results), default=0)
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", text(title)],
            ["Points Possible", "", "", "", "", str(maximum)]]
    for r in sorted(done, key=lambda r: r.number or ""):
        roster = r.roster or {}
        rows.append([text(r.name), "", r.number or "", text(roster.get("login", "")),
                     text(roster.get("section", "")), points(r.score)])
    return _csv(rows)


def gradebook_moodle(results: list[BookletResult], title: str) -> bytes:
    """Moodle's grade import (Grades > Import > CSV file): map "ID number" to the user
    field idnumber (or "Email address" to email) and the exam's column to its grade item."""
    done = [r for r in results if r.complete and r.number]
    rows = [["ID number", "Email address", "Full name", text(title)]]
    for r in sorted(done, key=lambda r: r.number or ""):
        roster = r.roster or {}
        rows.append([r.number or "", text(roster.get("email", "")), text(r.name),
                     points(r.score)])
    return _csv(rows)
