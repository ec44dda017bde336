"""A scan's readings against the simulator's ground truth (tests/scansim): every box of
every booklet page scanned, by the class of its mark. A silent misread is a box read in
the wrong state without a flag (an unclear mark read as filled or empty counts too); the
flag rate is the share of clear boxes (filled or empty) the reader set aside."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.scansim.marks import TRUTH


@dataclass
class Tally:
    boxes: int = 0
    clear: int = 0
    clear_flagged: int = 0
    unclear: int = 0
    unclear_flagged: int = 0
    silent: list[str] = field(default_factory=list)  # "booklet/box: mark read as state"
    by_mark: Counter[str] = field(default_factory=Counter)  # mark -> boxes
    flagged_by_mark: Counter[str] = field(default_factory=Counter)

    @property
    def flag_rate(self) -> float:
        return self.clear_flagged / max(1, self.clear)

    def as_json(self) -> dict[str, Any]:
        return {"boxes": self.boxes, "clear": self.clear, "clear_flagged": self.clear_flagged,
                "flag_rate": round(self.flag_rate, 5), "unclear": self.unclear,
                "unclear_flagged": self.unclear_flagged, "silent_misreads": len(self.silent),
                "by_mark": dict(sorted(self.by_mark.items())),
                "flagged_by_mark": dict(sorted(self.flagged_by_mark.items()))}


def tally(truth: dict[str, Any], out: Path) -> Tally:
    readings = json.loads((out / "readings.json").read_text())["booklets"]
    result = Tally()
    seen: set[tuple[int, int]] = set()
    for file in truth["files"]:
        for page in file["pages"]:
            if page["kind"] != "booklet" or (page["booklet"], page["page"]) in seen:
                continue  # a page scanned twice counts once (the reader counts one of them)
            seen.add((page["booklet"], page["page"]))
            boxes = readings[str(page["booklet"])]["boxes"]
            for box, mark in page["marks"].items():
                expected, read = TRUTH[mark], boxes[box]["state"]
                result.boxes += 1
                result.by_mark[mark] += 1
                if read == "unclear":
                    result.flagged_by_mark[mark] += 1
                if expected == "unclear":
                    result.unclear += 1
                    result.unclear_flagged += read == "unclear"
                    if read != "unclear":
                        result.silent.append(f"{page['booklet']}/{box}: {mark} read {read}")
                    continue
                result.clear += 1
                if read == "unclear":
                    result.clear_flagged += 1
                elif read != expected:
                    result.silent.append(f"{page['booklet']}/{box}: {mark} read {read}")
    return result
