"""The bundles' fixed files (``files/``: setup.sh, run_autograder, Dockerfile), filled in."""

from __future__ import annotations

import re
from pathlib import Path

from solver.autograder import wheel
from solver.model import InputError

FOLDER = Path(__file__).resolve().parent / "files"
_FIELD = re.compile(r"@([A-Z_]+)@")


def filled(name: str, fields: dict[str, str]) -> bytes:
    """``files/NAME`` with every ``@FIELD@`` replaced (each must be given)."""
    text = (FOLDER / name).read_text(encoding="utf-8")
    missing = sorted(set(_FIELD.findall(text)) - set(fields))
    if missing:
        raise RuntimeError(f"files/{name}: no value for {', '.join(missing)}")
    text = _FIELD.sub(lambda match: fields[match.group(1)], text)
    return re.sub(r"\n{3,}", "\n\n", text).encode()


def torch_version() -> str:
    """The torch release this package pins (its Requires-Dist ``torch==X``)."""
    for requirement in wheel.metadata()[2]:
        found = re.fullmatch(r"torch\s*==\s*([\w.]+)", requirement.strip())
        if found:
            return found.group(1)
    raise InputError("this package's metadata pins no torch release (torch==X)")
