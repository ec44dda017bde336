"""One JSON object per solution (the machine-readable contract)."""

from __future__ import annotations

import json

from solver.model import Solution


def render(solution: Solution) -> str:
    return json.dumps(solution.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
