"""Recorded SVG drawings: the PDF operators WeasyPrint appends to a stream while it draws,
captured (:func:`recording`), checked replayable, keyed, kept in the disk cache
(``solver.render.diskcache``) and replayed into a stream. The patches that use them are
installed by ``solver.sheet.speedups``.

Only drawings made of plain path, colour and state operators (and the fill/stroke alpha
states WeasyPrint names after their value), with their q and Q balanced, during which
WeasyPrint logged no error, are kept: anything that uses a font, an image, a pattern or
another resource is drawn every time. Stored operators are checked against that list
again when read, and their key holds a digest of the WeasyPrint and pydyf code that drew
them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from solver.render import diskcache

# What a replayable drawing may hold, one operator a line: numbers (and a dash array)
# before a path, painting, colour, line-style or graphics-state operator, or the alpha
# state that Stream.set_alpha names after its value.
_PLAIN_OPERATOR = (
    rb"[-+0-9.eE \[\]]*(?:m|l|c|v|y|h|re|f|f\*|F|S|s|B|B\*|b|b\*|n|W|W\*|W n|W\* n|q|Q|cm"
    rb"|rg|RG|g|G|k|K|w|J|j|M|d|i)"
)
_ALPHA = rb"/([aA])(\d+(?:\.\d+)?) gs"
_ALPHA_STATE = re.compile(rb"^" + _ALPHA + rb"$", re.MULTILINE)
_PLAIN_LINE = rb"(?:" + _PLAIN_OPERATOR + rb"|" + _ALPHA + rb")"
# A whole drawing, its operators joined by newlines as pydyf writes them.
_PLAIN_DRAWING = re.compile(rb"(?:" + _PLAIN_LINE + rb"\n)*" + _PLAIN_LINE)
_SAVE_RESTORE = re.compile(rb"^[qQ]$", re.MULTILINE)
_ALPHA_NAME = re.compile(r"[aA]\d+(?:\.\d+)?")
REPLAY_FORMAT = "ops-3"  # part of each entry's key: entries of another form are never read
# The code that draws an SVG image into a stream: a replay recorded by other code of these
# (an upgrade, a local patch) is never read. Paths relative to each package's folder.
DRAWING_CODE = {"weasyprint": ("svg", "images.py", "pdf/stream.py", "matrix.py"),
                "pydyf": ("__init__.py",)}


class Replay(NamedTuple):
    """A drawing to replay: the colours and alpha states it leaves, the alpha states it
    names (registered in this order), and its operators as at most two stream items."""

    after: list[Any]
    alphas: tuple[tuple[str, str, float | int], ...]  # (state name, "ca" or "CA", alpha)
    items: tuple[bytes, ...]


class _ErrorCount(logging.Handler):
    """Counts what WeasyPrint logs at ERROR level: it catches a failed SVG drawing and
    logs it, so a drawing that returned may still be incomplete."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        _ErrorCount.count += 1


def count_errors() -> None:
    """Count WeasyPrint's errors from now on (once per process), for :func:`recording`."""
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(handler, _ErrorCount) for handler in logger.handlers):
        logger.addHandler(_ErrorCount(logging.ERROR))


def recording(stream: Any, draw: Callable[[], None]) -> tuple[list[Any], bool]:
    """Run ``draw`` and return what it appended to ``stream`` (appended there too), and
    whether it completed: it returned, and WeasyPrint logged no error meanwhile."""
    target: list[Any] = stream.stream
    recorded: list[Any] = []
    stream.stream = recorded
    complete = False
    errors = _ErrorCount.count
    try:
        draw()
        complete = _ErrorCount.count == errors
    finally:
        stream.stream = target
        target.extend(recorded)
    return recorded, complete


def replay_key(name: str, width: float, height: float, stream: Any) -> str:
    """Everything a drawing depends on: the image, its size, and the colours and alpha
    states in force (the stream leaves out an operator that would repeat one of them)."""
    payload = [REPLAY_FORMAT, drawing_code(), name, repr(width), repr(height),
               remembered(stream)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@cache
def drawing_code() -> str:
    """A digest of the installed WeasyPrint and pydyf code that draws an SVG image into a
    stream, with their versions (read once per process: 180 kB, 1 ms)."""
    import pydyf
    import weasyprint

    digest = hashlib.sha256(f"{weasyprint.__version__} {pydyf.__version__}".encode())
    for module, parts in DRAWING_CODE.items():
        folder = Path(weasyprint.__file__ if module == "weasyprint" else pydyf.__file__).parent
        for part in parts:
            files = sorted((folder / part).rglob("*.py")) if (folder / part).is_dir() else [
                folder / part]
            for file in files:
                digest.update(f"{module}/{file.relative_to(folder)}\0".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def _plain(drawing: bytes) -> bool:
    """Whether ``drawing`` (operators joined by newlines) holds only replayable ones, its
    graphics states saved and restored in pairs (a drawing cut short leaves a q open)."""
    if drawing and _PLAIN_DRAWING.fullmatch(drawing) is None:
        return False
    depth = 0
    for match in _SAVE_RESTORE.finditer(drawing):
        depth += 1 if match.group(0) == b"q" else -1
        if depth < 0:
            return False
    return depth == 0


def plain_drawing(operators: list[Any]) -> bytes | None:
    """The operators joined as pydyf joins a stream's items, if all are plain."""
    if not all(isinstance(op, bytes) and b"\n" not in op for op in operators):
        return None
    drawing = b"\n".join(operators)
    return drawing if _plain(drawing) else None


def stored(key: str) -> Replay | None:
    """The entry for ``key`` from the disk cache, if it is intact and plain operators."""
    body = diskcache.load(key, ".ops")
    if body is None:
        return None
    header, _, rest = body.partition(b"\n")
    try:
        after = json.loads(header)
    except ValueError:
        return None
    if not (isinstance(after, list) and len(after) == len(_REMEMBERED)
            and all(_plain_state(value) for value in after)):
        return None
    return as_replay(after, rest) if _plain(rest) else None


def store(key: str, after: list[Any], drawing: bytes) -> None:
    """Keep ``drawing`` (plain operators) and the state it leaves, for :func:`stored`."""
    diskcache.store(key, ".ops", json.dumps(after).encode("ascii") + b"\n" + drawing)


def as_replay(after: list[Any], drawing: bytes) -> Replay:
    """A replay of ``drawing`` (plain operators joined by newlines). It goes into the
    stream as two items, all its lines but the last, then the last: pydyf joins items
    with newlines, so the PDF is the same as with one item an operator, but the sheet's
    replays held 210 000 of its 400 000 items (1.4 % of typesetting's instructions went to
    serialising them one by one). WeasyPrint's
    Stream looks at the last item (a trailing ``q`` or ``ET`` is merged with what
    follows), so that one stays as it was."""
    alphas = tuple(
        (match.group(0)[1:-3].decode("ascii"), "ca" if match.group(1) == b"a" else "CA",
         float(match.group(2)) if b"." in match.group(2) else int(match.group(2)))
        for match in _ALPHA_STATE.finditer(drawing)
    )
    head, newline, last = drawing.rpartition(b"\n")
    items = (head, last) if newline else (drawing,) if drawing else ()
    return Replay(after, alphas, items)


def _plain_state(value: Any) -> bool:
    """A remembered colour (a colour space and numbers) or alpha state name, or None."""
    if value is None or (isinstance(value, str) and _ALPHA_NAME.fullmatch(value)):
        return True
    return (isinstance(value, list) and bool(value) and isinstance(value[0], str)
            and all(isinstance(number, int | float) for number in value[1:]))


def replay(stream: Any, entry: Replay) -> None:
    """Append the entry's operators, first registering the alpha states they name, as
    Stream.set_alpha does on first use (same key, same dictionary, same order), then
    restore the colours and alpha states the drawing left."""
    import pydyf

    states = stream._resources["ExtGState"]
    for key, field, alpha in entry.alphas:
        if key not in states:
            states[key] = pydyf.Dictionary({field: alpha})
    stream.stream.extend(entry.items)
    for attribute, value in zip(_REMEMBERED, entry.after, strict=True):
        setattr(stream, attribute, tuple(value) if isinstance(value, list) else value)


def fixed_state(stream: Any) -> tuple[Any, ...]:
    """What a replayable drawing must leave as it found it: the stream's font and
    transformation, and the number of resources and fonts (alpha states excepted: a
    replay registers those it names)."""
    counts = tuple(sorted((kind, len(entries)) for kind, entries in stream._resources.items()
                          if isinstance(entries, dict) and kind != "ExtGState"))
    return (stream._current_font, list(stream._ctm_stack), counts, len(stream._fonts),
            len(stream._images))


_REMEMBERED = ("_current_color", "_current_color_stroke", "_current_alpha",
               "_current_alpha_stroke")


def remembered(stream: Any) -> list[Any]:
    """The colours and alpha states the stream remembers (a replay leaves the same)."""
    return [getattr(stream, attribute) for attribute in _REMEMBERED]
