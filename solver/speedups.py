"""Typesetting fast: changes to how WeasyPrint 70 and pydyf 0.13 work, each installed
only on the version it was written for.

Three concern the sheet's SVG images (formulas and figures) and change no byte of the PDF:

- **Short image names** (:func:`name_images`): the sheet's images are base64 ``data:``
  URIs (2 MB of the 2.3 MB full sheet); the typesetter gets ``solver-svg:DIGEST`` names
  instead, served from memory by its URL fetcher, so the HTML parser reads 90 % less.
- **Path cache** (:func:`_install_path_cache`): each distinct SVG path's data is parsed
  once per process.
- **Image replay** (:func:`_install_image_replay`): the PDF operators that draw a named
  SVG image at a given size are recorded the first time and replayed after, from memory
  and from the disk cache (``solver.render.diskcache``), so a formula that did not change
  since the last build is not drawn again. Only drawings made of plain path, colour and
  state operators (and the fill/stroke alpha states WeasyPrint names after their value)
  are kept: anything that uses a font, an image, a pattern or another resource is drawn
  every time. Stored operators are checked against that list again when read.

A test compares the PDF with and without them. The fourth, **compression level**
(:func:`_install_compression_level`), has pydyf deflate the PDF's streams at zlib's
default level 6 instead of 9: 40 % of the time (0.20 s against 0.50 s for the full
sheet's streams) for a file 2 % larger.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import types
import zlib
from collections.abc import Callable
from typing import Any

from solver.render import diskcache

WEASYPRINT_VERSION = "70.0"  # the version whose SVG drawing these wrap
PYDYF_VERSION = "0.13.0"  # the version whose Stream.data deflates at level 9
COMPRESSION_LEVEL = 6
_PATH_CACHE_LIMIT = 50_000  # paths remembered per process
_REPLAY_LIMIT = 20_000  # image drawings remembered per process
# What a replayable drawing may hold, one operator per item: numbers (and a dash array)
# before a path, painting, colour, line-style or graphics-state operator, or the alpha
# state that Stream.set_alpha names after its value.
_PLAIN_OPERATOR = re.compile(
    rb"[-+0-9.eE \[\]]*(?:m|l|c|v|y|h|re|f|f\*|F|S|s|B|B\*|b|b\*|n|W|W\*|W n|W\* n|q|Q|cm"
    rb"|rg|RG|g|G|k|K|w|J|j|M|d|i)"
)
_ALPHA_STATE = re.compile(rb"/([aA])(\d+(?:\.\d+)?) gs")
_ALPHA_NAME = re.compile(r"[aA]\d+(?:\.\d+)?")
SCHEME = "solver-svg:"
_DATA_PREFIX = "data:image/svg+xml;base64,"
_INLINE_SVG = re.compile(r'(<img\b[^>]*?\bsrc=")' + re.escape(_DATA_PREFIX) + r'([A-Za-z0-9+/=]+)"')
REPLAY_FORMAT = "ops-1"  # part of each entry's key: entries of another form are never read

_path_cache: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
Replay = tuple[list[Any], tuple[bytes, ...]]  # the remembered state after, the operators
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
    """Install the changes (once; each only on the version it was written for)."""
    import pydyf
    import weasyprint

    if weasyprint.__version__ == WEASYPRINT_VERSION:
        _install_path_cache()
        _install_image_replay()
    if pydyf.__version__ == PYDYF_VERSION:
        _install_compression_level(pydyf)


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
    whether it completed."""
    target: list[Any] = stream.stream
    recorded: list[Any] = []
    stream.stream = recorded
    complete = False
    try:
        draw()
        complete = True
    finally:
        stream.stream = target
        target.extend(recorded)
    return recorded, complete


def _replay_key(name: str, width: float, height: float, stream: Any) -> str:
    """Everything a drawing depends on: the image, its size, and the colours and alpha
    states in force (the stream leaves out an operator that would repeat one of them)."""
    payload = [WEASYPRINT_VERSION, REPLAY_FORMAT, name, repr(width), repr(height),
               _remembered(stream)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def _replayable(operators: list[Any] | tuple[Any, ...]) -> bool:
    return all(
        isinstance(op, bytes) and (_PLAIN_OPERATOR.fullmatch(op) or _ALPHA_STATE.fullmatch(op))
        for op in operators
    )


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
    operators = tuple(rest.split(b"\n")) if rest else ()
    return (after, operators) if _replayable(operators) else None


def _plain_state(value: Any) -> bool:
    """A remembered colour (a colour space and numbers) or alpha state name, or None."""
    if value is None or (isinstance(value, str) and _ALPHA_NAME.fullmatch(value)):
        return True
    return (isinstance(value, list) and bool(value) and isinstance(value[0], str)
            and all(isinstance(number, int | float) for number in value[1:]))


def _replay(stream: Any, operators: tuple[bytes, ...]) -> None:
    """Append ``operators``, first registering the alpha states they name, as
    Stream.set_alpha does on first use (same key, same dictionary, same order)."""
    import pydyf

    states = stream._resources["ExtGState"]
    for op in operators:
        match = _ALPHA_STATE.fullmatch(op) if op.endswith(b" gs") else None
        if match is not None:
            key = op[1:-3].decode("ascii")
            if key not in states:
                alpha = float(match.group(2)) if b"." in match.group(2) else int(match.group(2))
                states[key] = pydyf.Dictionary({"ca" if match.group(1) == b"a" else "CA": alpha})
    stream.stream.extend(operators)


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


def _restore(stream: Any, remembered: list[Any]) -> None:
    for attribute, value in zip(_REMEMBERED, remembered, strict=True):
        setattr(stream, attribute, tuple(value) if isinstance(value, list) else value)


def _install_image_replay() -> None:
    """Draw each named SVG image at each size once, then replay its operators."""
    from weasyprint import images

    original = images.SVGImage.draw
    if getattr(original, "solver_cached", False):
        return

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
            _replay(stream, entry[1])
            _restore(stream, entry[0])
            return
        before = _fixed(stream)
        recorded, complete = _recording(stream, lambda: original(self, stream, width, height,
                                                                    style))
        after = _remembered(stream)
        if (complete and _fixed(stream) == before and _replayable(recorded)
                and len(_replays) < _REPLAY_LIMIT):
            _replays[key] = (after, tuple(recorded))
            header = json.dumps(after).encode("ascii")
            diskcache.store(key, ".ops", b"\n".join([header, *recorded]))

    draw.solver_cached = True  # type: ignore[attr-defined]
    draw.original = original  # type: ignore[attr-defined]
    images.SVGImage.draw = draw


__all__ = ["SCHEME", "WEASYPRINT_VERSION", "install", "name_images"]
