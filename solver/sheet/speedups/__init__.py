"""Typesetting fast: changes to how WeasyPrint 70 and pydyf 0.13 work, each installed
only on the version it was written for, and only where ``SOLVER_SPEEDUPS`` leaves it on
(``solver.runtime``: ``0`` switches every one off; a build gives the same pages). This
package installs them (:func:`install`) and holds what the WeasyPrint wrappers remember
per process; its modules hold the rest.

- **Short image names** (:func:`name_images`, ``image_names``; not a patch: WeasyPrint's
  URL fetcher API): the sheet's images are base64 ``data:`` URIs (2 MB of the 2.3 MB
  full sheet); the typesetter gets ``solver-svg:DIGEST`` names instead, served from
  memory by its URL fetcher, so the HTML parser reads 90 % less. Always on.
- ``paths`` (:func:`_install_path_cache`): each distinct SVG path's data is parsed once
  per process.
- ``replay`` (:func:`_install_image_replay`, ``drawings``): the PDF operators that draw a
  named SVG image at a given size are recorded the first time and replayed after, from
  memory and from the disk cache (``solver.render.diskcache``), so a formula that did
  not change since the last build is not drawn again; only plain drawings are kept.
- ``deflate`` (its module of that name): pydyf deflates the PDF's streams at zlib's
  level 6, not 9.

Each gain is measured by ``tests/bench.py --shortcuts`` (the warm sheet once per shortcut
switched off, against the same import floor); ``tests/test_speedups.py`` compares the
pages with and without them and fails with a clear message when the installed WeasyPrint
or pydyf is not the version these were written for.
"""

from __future__ import annotations

from typing import Any

from solver import runtime
from solver.sheet.speedups import drawings
from solver.sheet.speedups.deflate import install_compression_level
from solver.sheet.speedups.image_names import SCHEME, name_images

WEASYPRINT_VERSION = "70.0"  # the version whose SVG drawing these wrap
PYDYF_VERSION = "0.13.0"  # the version whose Stream.data deflates at level 9
_PATH_CACHE_LIMIT = 50_000  # paths remembered per process
_REPLAY_LIMIT = 20_000  # image drawings remembered per process

# Module attributes, not closure state: tests/test_speedups.py swaps them for empty ones.
_path_cache: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
_replays: dict[str, drawings.Replay] = {}


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
        install_compression_level(pydyf)


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
    drawings.count_errors()

    def path(svg: Any, node: Any, font_size: float) -> None:
        data = node.get("d", "")
        entry = _path_cache.get(data)
        if entry is not None:
            svg.stream.stream.extend(entry[0])
            node.vertices.extend(entry[1])
            return
        first = len(node.vertices)
        recorded, complete = drawings.recording(svg.stream,
                                                lambda: original(svg, node, font_size))
        if complete and len(_path_cache) < _PATH_CACHE_LIMIT:
            _path_cache[data] = (tuple(recorded), tuple(list(node.vertices)[first:]))

    path.solver_cached = True  # type: ignore[attr-defined]
    path.original = original  # type: ignore[attr-defined]
    weasy_svg.TAGS["path"] = path


def _install_image_replay() -> None:
    """Draw each named SVG image at each size once, then replay its operators."""
    from weasyprint import images

    original = images.SVGImage.draw
    if getattr(original, "solver_cached", False):
        return
    drawings.count_errors()

    def draw(self: Any, stream: Any, width: float, height: float, style: Any) -> None:
        name = self._base_url
        if not isinstance(name, str) or not name.startswith(SCHEME) or _clips(self):
            original(self, stream, width, height, style)
            return
        key = drawings.replay_key(name, width, height, stream)
        entry = _replays.get(key)
        if entry is None:
            entry = drawings.stored(key)
            if entry is not None and len(_replays) < _REPLAY_LIMIT:
                _replays[key] = entry
        if entry is not None:
            drawings.replay(stream, entry)
            return
        before = drawings.fixed_state(stream)
        recorded, complete = drawings.recording(
            stream, lambda: original(self, stream, width, height, style))
        after = drawings.remembered(stream)
        drawing = (drawings.plain_drawing(recorded)
                   if complete and drawings.fixed_state(stream) == before else None)
        if drawing is not None and len(_replays) < _REPLAY_LIMIT:
            _replays[key] = drawings.as_replay(after, drawing)
            drawings.store(key, after, drawing)

    draw.solver_cached = True  # type: ignore[attr-defined]
    draw.original = original  # type: ignore[attr-defined]
    images.SVGImage.draw = draw


def _clips(image: Any) -> bool:
    """Whether an SVG image clips (matplotlib's figures do; ziamath's formulas do not).
    WeasyPrint undoes a clip's transform with old_ctm · new_ctm⁻¹, computed from where the
    image stands on the page: its rounding (an operator ending "0" or "0.") differs from
    place to place, so a clipping image is never replayed (a replay recorded elsewhere
    made a warm build differ from a cold one by that one character)."""
    name = image._base_url
    found = _clipping.get(name)
    if found is None:
        def clips(node: Any) -> bool:
            return bool(node.get("clip-path")) or any(clips(child) for child in node)

        found = _clipping[name] = clips(image._svg.tree)
    return found


_clipping: dict[str, bool] = {}

__all__ = ["SCHEME", "WEASYPRINT_VERSION", "install", "name_images"]
# Their names before the package was split: tests/test_speedups.py reads them here.
_DRAWING_CODE = drawings.DRAWING_CODE
_drawing_code = drawings.drawing_code
_stored = drawings.stored
