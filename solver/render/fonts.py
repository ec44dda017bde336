"""The sheet's fonts: matplotlib's bundled DejaVu TTFs, and the width of a line of text
in DejaVu Sans (to size each formula's invisible text layer).

Neither imports matplotlib (a quarter of a second; the sheet needs it only to draw a
figure that is not cached): the fonts are found through the package's import spec, and
widths are read with fontTools, which WeasyPrint loads anyway.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from solver.model import BuildError


@cache
def font_folder() -> Path:
    """The folder of matplotlib's bundled TTFs."""
    spec = importlib.util.find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise BuildError("matplotlib is not installed: its fonts are the sheet's fonts")
    return Path(locations[0]) / "mpl-data" / "fonts" / "ttf"


@cache
def _sans() -> tuple[dict[int, str], dict[str, int], dict[tuple[str, str], int], int]:
    """DejaVu Sans: its character map, advance widths, kerning pairs and units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(font_folder() / "DejaVuSans.ttf", lazy=True) as font:
        kerning: dict[tuple[str, str], int] = {}
        if "kern" in font:
            for table in font["kern"].kernTables:
                kerning.update(getattr(table, "kernTable", {}))
        advances = {glyph: metric[0] for glyph, metric in font["hmtx"].metrics.items()}
        return dict(font.getBestCmap()), advances, kerning, int(font["head"].unitsPerEm)


def drawn_characters() -> set[int]:
    """The code points DejaVu Sans has a glyph for."""
    return set(_sans()[0])


@cache
def text_width(words: str, size: float) -> float:
    """The advance of ``words`` in DejaVu Sans at ``size`` px: the glyphs' advance widths
    and the font's kerning pairs, unhinted (as the typesetter lays text out)."""
    characters, advances, kerning, units = _sans()
    total, previous = 0, None
    for character in words:
        glyph = characters.get(ord(character), ".notdef")
        total += advances[glyph]
        if previous is not None:
            total += kerning.get((previous, glyph), 0)
        previous = glyph
    return total * size / units
