"""Typesetting fast: changes to how WeasyPrint 70 and pydyf 0.13 work, each installed
only on the version it was written for, and only where ``SOLVER_SPEEDUPS`` leaves it on
(``solver.runtime``: ``0`` switches every one off; a build gives the same pages).

- **Short image names** (:func:`name_images`, not a patch: WeasyPrint's URL fetcher API):
  the sheet's images are base64 ``data:`` URIs (2 MB of the 2.3 MB full sheet); the
  typesetter gets ``solver-svg:DIGEST`` names instead, served from memory by its URL
  fetcher, so the HTML parser reads 90 % less. Always on.
- ``paths`` (:func:`_install_path_cache`): each distinct SVG path's data is parsed once
  per process.
- ``replay`` (:func:`_install_image_replay`): the PDF operators that draw a named SVG
  image at a given size are recorded the first time and replayed after, from memory and
  from the disk cache (``solver.render.diskcache``), so a formula that did not change
  since the last build is not drawn again. Only drawings made of plain path, colour and
  state operators (and the fill/stroke alpha states WeasyPrint names after their value),
  with their q and Q balanced, during which WeasyPrint logged no error, are kept:
  anything that uses a font, an image, a pattern or another resource is drawn every
  time. Stored operators are checked against that list again when read, and their key
  holds a digest of the WeasyPrint and pydyf code that drew them.
- ``deflate`` (:func:`_install_compression_level`): pydyf deflates the PDF's streams at
  zlib's default level 6 instead of 9 (a file 2 % larger; the only change of bytes): the
  full sheet's 4.6 MB of streams deflate in 0.10 s instead of 0.26 s.

Each gain is measured by ``tests/bench.py --shortcuts`` (the warm sheet once per shortcut
switched off, against the same import floor); ``tests/test_speedups.py`` compares the
pages with and without them and fails with a clear message when the installed WeasyPrint
or pydyf is not the version these were written for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import types
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from solver import runtime
from solver.render import diskcache

WEASYPRINT_VERSION = "70.0"  # the version whose SVG drawing these wrap
PYDYF_VERSION = "0.13.0"  # the version whose Stream.data deflates at level 9
COMPRESSION_LEVEL = 6
_PATH_CACHE_LIMIT = 50_000  # paths remembered per process
_REPLAY_LIMIT = 20_000  # image drawings remembered per process
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
SCHEME = "solver-svg:"
_DATA_PREFIX = "data:image/svg+xml;base64,"
_INLINE_SVG = re.compile(r'(<img\b[^>]*?\bsrc=")' + re.escape(_DATA_PREFIX) + r'([A-Za-z0-9+/=]+)"')
REPLAY_FORMAT = "ops-2"  # part of each entry's key: entries of another form are never read
# The code that draws an SVG image into a stream: a replay recorded by other code of these
# (an upgrade, a local patch) is never read. Paths relative to each package's folder.
_DRAWING_CODE = {"weasyprint": ("svg", "images.py", "pdf/stream.py", "matrix.py"),
                 "pydyf": ("__init__.py",)}

_path_cache: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}


class Replay(NamedTuple):
    """A drawing to replay: the colours and alpha states it leaves, the alpha states it
    names (registered in this order), and its operators as at most two stream items."""

    after: list[Any]
    alphas: tuple[tuple[str, str, float | int], ...]  # (state name, "ca" or "CA", alpha)
    items: tuple[bytes, ...]


_replays: dict[str, Replay] = {}


def name_images(html: str, longest: int) -> tuple[str, dict[str, bytes]]:
    """``html`` with each ``<img>``'s inline SVG replaced by a ``solver-svg:`` name, and
    the SVG of each name (the sha256 digest of its bytes: one entry per distinct image).
    A data: URI longer than ``longest`` characters is left for the fetcher to refuse."""
    images: dict[str, bytes] = {}

    def replace(match: re.Match[str]) -> str:
        if len(_DATA_PREFIX) + len(match.group(2)) > longest:
            return match.group(0)
        try:
            data = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)  # not ours to name: WeasyPrint reads it as it is
        name = SCHEME + hashlib.sha256(data).hexdigest()
        images[name] = data
        return f'{match.group(1)}{name}"'

    return _INLINE_SVG.sub(replace, html), images


def install() -> None:
    """Install the changes that ``SOLVER_SPEEDUPS`` leaves on (once; each only on the
    version it was written for). The choice is made here, once per process."""
    import pydyf
    import weasyprint

    if weasyprint.__version__ == WEASYPRINT_VERSION:
        if runtime.enabled("paths"):
            _install_path_cache()
        if runtime.enabled("replay"):
            _install_image_replay()
    if pydyf.__version__ == PYDYF_VERSION and runtime.enabled("deflate"):
        _install_compression_level(pydyf)


class _ErrorCount(logging.Handler):
    """Counts what WeasyPrint logs at ERROR level: it catches a failed SVG drawing and
    logs it, so a drawing that returned may still be incomplete."""

    count = 0

    def emit(self, record: logging.LogRecord) -> None:
        _ErrorCount.count += 1


def _count_errors() -> None:
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(handler, _ErrorCount) for handler in logger.handlers):
        logger.addHandler(_ErrorCount(logging.ERROR))


class _Deflate(types.ModuleType):
    """pydyf's ``zlib``: the real module, but compressobj at COMPRESSION_LEVEL."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(COMPRESSION_LEVEL, *args, **kwargs)


def _install_compression_level(pydyf: Any) -> None:
    if not isinstance(pydyf.zlib, _Deflate):
        pydyf.zlib = _Deflate("zlib")


def _install_path_cache() -> None:
    """Make WeasyPrint parse each distinct SVG path only once per process.

    The formulas are ziamath SVGs whose glyph outlines repeat (a σ is the same path data
    wherever it stands: ``solver.render.mathsvg`` places glyphs by a transform), and
    WeasyPrint 70 parses the path data in Python at every occurrence. The wrapper records
    the PDF operators that the original drawing appends for a path's data and replays
    them for the next occurrence of the same data; they depend on nothing else (path data
    holds plain numbers, not lengths).
    """
    from weasyprint import svg as weasy_svg

    original = weasy_svg.TAGS.get("path")
    if original is None or getattr(original, "solver_cached", False):
        return
    _count_errors()

    def path(svg: Any, node: Any, font_size: float) -> None:
        data = node.get("d", "")
        entry = _path_cache.get(data)
        if entry is not None:
            svg.stream.stream.extend(entry[0])
            node.vertices.extend(entry[1])
            return
        first = len(node.vertices)
        recorded, complete = _recording(svg.stream, lambda: original(svg, node, font_size))
        if complete and len(_path_cache) < _PATH_CACHE_LIMIT:
            _path_cache[data] = (tuple(recorded), tuple(list(node.vertices)[first:]))

    path.solver_cached = True  # type: ignore[attr-defined]
    path.original = original  # type: ignore[attr-defined]
    weasy_svg.TAGS["path"] = path


def _recording(stream: Any, draw: Callable[[], None]) -> tuple[list[Any], bool]:
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


def _replay_key(name: str, width: float, height: float, stream: Any) -> str:
    """Everything a drawing depends on: the image, its size, and the colours and alpha
    states in force (the stream leaves out an operator that would repeat one of them)."""
    payload = [REPLAY_FORMAT, _drawing_code(), name, repr(width), repr(height),
               _remembered(stream)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@cache
def _drawing_code() -> str:
    """A digest of the installed WeasyPrint and pydyf code that draws an SVG image into a
    stream, with their versions (read once per process: 180 kB, 1 ms)."""
    import pydyf
    import weasyprint

    digest = hashlib.sha256(f"{weasyprint.__version__} {pydyf.__version__}".encode())
    for module, parts in _DRAWING_CODE.items():
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


def _drawing(operators: list[Any]) -> bytes | None:
    """The operators joined as pydyf joins a stream's items, if all are plain."""
    if not all(isinstance(op, bytes) and b"\n" not in op for op in operators):
        return None
    drawing = b"\n".join(operators)
    return drawing if _plain(drawing) else None


def _stored(key: str) -> Replay | None:
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
    return _entry(after, rest) if _plain(rest) else None


def _entry(after: list[Any], drawing: bytes) -> Replay:
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


def _replay(stream: Any, entry: Replay) -> None:
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


def _fixed(stream: Any) -> tuple[Any, ...]:
    """What a replayable drawing must leave as it found it: the stream's font and
    transformation, and the number of resources and fonts (alpha states excepted: a
    replay registers those it names)."""
    counts = tuple(sorted((kind, len(entries)) for kind, entries in stream._resources.items()
                          if isinstance(entries, dict) and kind != "ExtGState"))
    return (stream._current_font, list(stream._ctm_stack), counts, len(stream._fonts),
            len(stream._images))


_REMEMBERED = ("_current_color", "_current_color_stroke", "_current_alpha",
               "_current_alpha_stroke")


def _remembered(stream: Any) -> list[Any]:
    """The colours and alpha states the stream remembers (a replay leaves the same)."""
    return [getattr(stream, attribute) for attribute in _REMEMBERED]


def _install_image_replay() -> None:
    """Draw each named SVG image at each size once, then replay its operators."""
    from weasyprint import images

    original = images.SVGImage.draw
    if getattr(original, "solver_cached", False):
        return
    _count_errors()

    def draw(self: Any, stream: Any, width: float, height: float, style: Any) -> None:
        name = self._base_url
        if not isinstance(name, str) or not name.startswith(SCHEME):
            original(self, stream, width, height, style)
            return
        key = _replay_key(name, width, height, stream)
        entry = _replays.get(key)
        if entry is None:
            entry = _stored(key)
            if entry is not None and len(_replays) < _REPLAY_LIMIT:
                _replays[key] = entry
        if entry is not None:
            _replay(stream, entry)
            return
        before = _fixed(stream)
        recorded, complete = _recording(stream, lambda: original(self, stream, width, height,
                                                                    style))
        after = _remembered(stream)
        drawing = _drawing(recorded) if complete and _fixed(stream) == before else None
        if drawing is not None and len(_replays) < _REPLAY_LIMIT:
            _replays[key] = _entry(after, drawing)
            diskcache.store(key, ".ops", json.dumps(after).encode("ascii") + b"\n" + drawing)

    draw.solver_cached = True  # type: ignore[attr-defined]
    draw.original = original  # type: ignore[attr-defined]
    images.SVGImage.draw = draw


__all__ = ["SCHEME", "WEASYPRINT_VERSION", "install", "name_images"]
