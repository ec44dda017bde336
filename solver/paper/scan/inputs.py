"""What ``solver scan`` is given besides the scans: the booklets' index and the overrides
file, each checked whole (one clear line and exit 2 on anything wrong)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from solver.model import InputError

MAX_INDEX_BYTES = 1024 * 2**20  # 5000 booklets of this exam: about 300 MiB
MAX_OVERRIDES_BYTES = 20 * 2**20
OVERRIDES_FORMAT = "solver-overrides/1"


def _bytes(path: Path, limit: int, where: str) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise InputError(f"{where}: larger than {limit // 2**20} MiB")
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{where}: {error.strerror or error}") from None


def _json(path: Path, limit: int, where: str, raw: bytes | None = None) -> Any:
    """The file's JSON (``raw``: its bytes, when read already)."""
    raw = _bytes(path, limit, where) if raw is None else raw
    try:
        data = json.loads(raw)
        json.dumps(data).encode("utf-8")  # no lone surrogate ("\ud800") in it
        return data
    except (ValueError, UnicodeError) as error:
        raise InputError(f"{where}: not JSON of UTF-8 text ({str(error)[:80]})") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply") from None


def booklet_index(folder: str, seed: int) -> tuple[dict[str, Any], str]:
    """``booklets.json`` of ``folder``, written for ``seed``, and the SHA-256 of its bytes
    (what an output folder is tied to)."""
    from solver.paper.booklets import FORMAT

    where = f"--booklets {folder}"
    path = Path(folder) / "booklets.json"
    if not path.is_file():
        raise InputError(f"{where}: no booklets.json there (write it with 'solver booklets')")
    raw = _bytes(path, MAX_INDEX_BYTES, f"{where}/booklets.json")
    data = _json(path, MAX_INDEX_BYTES, f"{where}/booklets.json", raw)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{where}/booklets.json is not a booklets index ({FORMAT})")
    from solver.paper.scan.index import check_index

    check_index(data, f"{where}/booklets.json")
    if data.get("seed") != seed:
        raise InputError(f"--seed {seed}, but the booklets were written for seed "
                         f"{data.get('seed')!r}")
    from solver.paper.plan import exam_id
    from solver.registry import exam

    if data["exam"]["id"] != f"{exam_id(exam()):04x}":
        raise InputError(f"{where}: these booklets were written for another exam "
                         f"({data['exam']['title']!r}, id {data['exam']['id']}); give its "
                         "exam file with --exam")
    return data, hashlib.sha256(raw).hexdigest()


def overrides(path: str | None, groups: dict[str, tuple[str, ...]], booklets: set[int],
              marks: dict[str, int]) -> dict[str, Any]:
    """The overrides a person saved from review.html and the grading pages, checked
    against the booklets: ``groups`` (booklet/group -> reading), ``pages`` (page SHA-256 ->
    booklet and page, or "ignore"), ``marks`` (booklet/question/part -> points)."""
    empty: dict[str, Any] = {"format": OVERRIDES_FORMAT, "groups": {}, "pages": {}, "marks": {}}
    if path is None:
        return empty
    where = f"--overrides {path}"
    data = _json(Path(path), MAX_OVERRIDES_BYTES, where)
    if not isinstance(data, dict) or data.get("format") != OVERRIDES_FORMAT:
        raise InputError(f"{where}: not an overrides file ({OVERRIDES_FORMAT}; saved by "
                         "review.html)")
    found = {**empty, **{k: v for k, v in data.items() if k in empty}}
    if set(data) - set(empty):
        raise InputError(f"{where}: unknown entries {', '.join(sorted(set(data) - set(empty)))}")
    for name in ("groups", "pages", "marks"):
        if not isinstance(found[name], dict):
            raise InputError(f"{where}: '{name}' must be an object")
    for key, value in found["groups"].items():
        if key not in groups:
            raise InputError(f"{where}: groups[{key!r}] is not a group of these booklets")
        if value not in groups[key]:
            raise InputError(f"{where}: groups[{key!r}] is {value!r}, not one of "
                             f"{', '.join(groups[key])}")
    for key, value in found["pages"].items():
        ok = value == "ignore" or (
            isinstance(value, dict) and set(value) == {"booklet", "page"}
            and all(isinstance(value[k], int) and not isinstance(value[k], bool)
                    for k in ("booklet", "page"))
            and value["booklet"] in booklets and 1 <= value["page"] <= 200)
        if not ok:
            raise InputError(f"{where}: pages[{key!r}] must be \"ignore\" or a booklet of "
                             "these and a page number")
    for key, value in found["marks"].items():
        if key not in marks:
            raise InputError(f"{where}: marks[{key!r}] is not a hand-graded answer of these")
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                0 <= value <= marks[key]):
            raise InputError(f"{where}: marks[{key!r}] must be a number in 0..{marks[key]}")
    return found


def overrides_json(overrides: dict[str, Any]) -> bytes:
    """The decisions as the output folder keeps them (sorted: the same decisions, the same
    bytes)."""
    return (json.dumps(overrides, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
