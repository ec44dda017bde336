"""From boxes to answers: each group's reading (one mark allowed: none, one, or two and
flagged), a person's override taking precedence, then what a student answered to each
choice question, in each digit grid and as their student number. Nothing unclear is ever
resolved here: it stays None with the reason, for review."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver.paper.fields import item_name
from solver.paper.scan.groups import group_of

DOUBLE = "two marks where one is allowed"


@dataclass(frozen=True)
class Group:
    key: str  # "booklet/group": the overrides key
    boxes: tuple[dict[str, Any], ...]  # the layout's boxes
    value: str | None  # the option, digit or "-" marked; "" none; None undecided
    flag: str  # why undecided ("" when decided)
    by_person: bool  # decided by an override


def options(boxes: tuple[dict[str, Any], ...]) -> tuple[str, ...]:
    """The readings a person may choose for the group (what an override may say)."""
    first = boxes[0]
    if first["what"] == "choice":
        return (*(b["option"] for b in boxes), "none")
    if first["what"] == "sign":
        return ("-", "+")
    return (*(str(b["digit"]) for b in boxes), "blank")


def _value(box: dict[str, Any]) -> str:
    return {"choice": str(box.get("option", "")), "sign": "-"}.get(box["what"],
                                                                    str(box.get("digit", "")))


def group_readings(booklet: int, boxes: list[dict[str, Any]],
                   states: dict[str, dict[str, Any]], overrides: dict[str, str]
                   ) -> dict[str, Group]:
    """Every group of the booklet's read pages; ``states``: box id -> its reading."""
    members: dict[str, list[dict[str, Any]]] = {}
    for box in boxes:
        members.setdefault(group_of(box), []).append(box)
    found = {}
    for name, group in members.items():
        key = f"{booklet}/{name}"
        if key in overrides:
            chosen = overrides[key]
            value = "" if chosen in ("none", "blank", "+") else chosen
            found[name] = Group(key, tuple(group), value, "", True)
            continue
        read = [states[b["id"]] for b in group]
        unclear = [r["why"] for r in read if r["state"] == "unclear"]
        filled = [_value(b) for b, r in zip(group, read, strict=True) if r["state"] == "filled"]
        if unclear:
            found[name] = Group(key, tuple(group), None, f"unclear mark: {unclear[0]}", False)
        elif len(filled) > 1:
            found[name] = Group(key, tuple(group), None, DOUBLE, False)
        else:
            found[name] = Group(key, tuple(group), filled[0] if filled else "", "", False)
    return found


@dataclass(frozen=True)
class Number:
    value: Fraction | None  # None: not answered, or undecided
    text: str  # as read ("-0.4275", "" when blank)
    flag: str  # why undecided


def grid_number(grid: dict[str, Any], groups: dict[str, Group]) -> Number:
    """The value a digit grid holds: empty columns before the digits of the whole part and
    after the last decimal are allowed; an empty column between digits, or before the first
    decimal written, is not (flagged: a zero meant, or the decimals written from the
    right?)."""
    prefix = item_name(grid["question"], grid["part"])
    columns = [groups.get(f"{prefix}.c{c}") for c in range(1, grid["digits"] + grid["decimals"]
                                                           + 1)]
    sign = groups.get(f"{prefix}.sign") if grid["sign"] else None
    every = [g for g in [*columns, sign] if g is not None]
    if len(every) != len(columns) + (1 if grid["sign"] else 0):
        return Number(None, "", "a page of the grid was not scanned")
    undecided = [g.flag for g in every if g.value is None]
    if undecided:
        return Number(None, "", undecided[0])
    digits = "".join(g.value or " " for g in columns if g is not None)
    if not digits.strip():
        return Number(None, "", "" if not (sign and sign.value) else "a sign without digits")
    if " " in digits.strip():
        return Number(None, digits, "an empty column between digits")
    whole, decimals = digits[:grid["digits"]], digits[grid["digits"]:]
    if decimals.strip() and decimals[0] == " ":
        # written from the right, or a decimal left out: which decimal is which is unknown
        return Number(None, digits, "empty decimal columns before a digit")
    text = (whole.strip() or "0") + ("." + decimals.rstrip().replace(" ", "0")
                                     if decimals.strip() else "")
    if sign is not None and sign.value:
        text = "-" + text
    return Number(Fraction(text), text, "")


def student_number(groups: dict[str, Group], digits: int) -> tuple[str | None, str]:
    """The student number bubbled (None when undecided or left empty), and why not."""
    read = [groups.get(f"student.c{c}") for c in range(1, digits + 1)]
    if any(g is None for g in read):
        return None, "page 1 was not scanned"
    undecided = [g.flag for g in read if g is not None and g.value is None]
    if undecided:
        return None, undecided[0]
    number = "".join(g.value or " " for g in read if g is not None).strip()
    if not number:
        return None, "no student number filled in"
    if " " in number:
        return None, "an empty column inside the student number"
    return number, ""
