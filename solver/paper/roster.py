"""The class roster a booklet run may take: a CSV with a header naming at least ``number``
(the student number, digits) and ``name``; ``email``, ``section`` and ``login`` are carried
to the gradebooks. Checked whole before any booklet is written."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from solver.model import InputError

MAX_BYTES = 2_000_000
MAX_STUDENTS = 5000
MAX_DIGITS = 12


@dataclass(frozen=True)
class Student:
    number: str
    name: str
    email: str = ""
    section: str = ""
    login: str = ""  # the learning platform's login (Canvas's SIS Login ID), if known


def read_roster(path: str) -> list[Student]:
    where = f"--roster {path}"
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise InputError(f"{where}: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"{where}: larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise InputError(f"{where}: not a CSV file this reads ({error})") from None
    if not rows:
        raise InputError(f"{where}: empty; give a header line with number,name")
    header = [cell.strip().lower() for cell in rows[0]]
    if "number" not in header or "name" not in header:
        raise InputError(f"{where}: the header must name the columns number and name")
    if len(set(header)) != len(header):
        raise InputError(f"{where}: the header names a column twice")
    students: list[Student] = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        number = cells.get("number", "")
        if not number.isascii() or not number.isdigit() or len(number) > MAX_DIGITS:
            raise InputError(f"{where} line {line}: the student number {number!r} is not "
                             f"1..{MAX_DIGITS} digits")
        if number.lstrip("0") in seen:  # 0123 and 123 are one number to a scanner
            raise InputError(f"{where} line {line}: student number {number} appears twice")
        seen.add(number.lstrip("0"))
        if any("\0" in cell for cell in row):
            raise InputError(f"{where} line {line}: a NUL character")
        students.append(Student(number, cells.get("name", ""), cells.get("email", ""),
                                cells.get("section", ""), cells.get("login", "")))
        if len(students) > MAX_STUDENTS:
            raise InputError(f"{where}: more than {MAX_STUDENTS} students")
    if not students:
        raise InputError(f"{where}: no student below the header")
    return students
