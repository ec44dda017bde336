"""Figures to SVG directly: a cheap, deterministic writer for the learning-platform exports.

``solver.render.plots`` draws a figure with matplotlib (a tenth of a second or more
each); this module writes the same picture as SVG text in under a millisecond, with the
standard library only. It draws what ``plots`` draws: each series as a line (a mark at
each point when it has at most 25 points; marks only for a series of ``points``), a log
y axis (ticks at 1, 2 and 5 of each decade over at most three decades), a legend when
there are two series or more (beside the plot from four on, or when no corner of the
plot is free), and a grid: a matrix of numbers in cells shaded on a light blue scale,
each outlined window in its own colour and dash pattern, named in a legend ("rows 0–2,
cols 0–2").

Text stays text (``<text>``, DejaVu Sans or a fallback), so a browser draws it and a
reader can select it; ``$…$`` spans of matplotlib mathtext become Unicode
(``solver.render.unimath``). The caption is the drawing's ``<title>``. Series differ by
colour (the Okabe–Ito palette, safe for colour-blind readers) and by dash pattern or mark
shape. Points that cannot be drawn (nan, ±inf, magnitudes over 1e250, y ≤ 0 on a log
axis) are left out and break the line there. The same figure gives the same bytes; the
output grows linearly with the number of points.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from solver.model import Figure, InputError, Series
from solver.render.svgticks import TICK_FONT, linear_ticks, log_ticks, text_width, with_minus
from solver.render.unimath import plain

__all__ = ["svg"]

FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH, HEIGHT = 560, 300  # a plot's canvas; a legend beside it widens it
# Okabe & Ito's palette, safe for colour-blind readers (its yellow is too light on white).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#000000", "#CC79A7", "#E69F00", "#56B4E9")
DASHES = ("", "6 3", "1.5 2.5", "8 2.5 1.5 2.5", "13 3", "3 2 1 2 1 2")  # the n-th line's
MARKS = ("circle", "square", "triangle", "diamond", "down")  # the n-th marked series'
BOX_COLOURS = ("#c0392b", "#1f5f3f", "#8e44ad", "#d68910")  # as plots.py
BOX_DASHES = ("", "7 3.5", "2 2.5", "7 3 2 3")  # solid, dashed, dotted, dash-dot
MARKED = 25  # a line of at most this many points marks each point (as plots.py)
LIMIT = 1e250  # larger magnitudes are left out: a span of two would overflow
LABEL_FONT, LEGEND_FONT, CELL_FONT = 13.0, 12.0, 12.0
TICK = 4.0  # tick length
TOP, EDGE = 12.0, 6.0  # space above the plot; the least space at the canvas's edges
RADIUS = 3.0  # a mark's size
LINE = 1.8  # a line's width
# The light blue scale of the grid's cells: matplotlib's "Blues" seen at 60 % over white
# (as plots.py draws it), so black numbers stay readable on the darkest cell.
_SHADES = ((246, 250, 255), (235, 243, 250), (221, 234, 245), (197, 224, 237),
           (166, 206, 230), (141, 186, 219), (122, 170, 211), (107, 151, 196),
           (107, 131, 166))
# Characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def svg(figure: Figure) -> str:
    """The figure as a standalone SVG document (a plot, or a grid of numbers)."""
    columns = max((len(row) for row in figure.grid), default=0)
    canvas = _grid(figure, columns) if columns else _plot(figure)
    return canvas.document(figure.caption)


# --- text -----------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _shown(text: str) -> str:
    """A label as drawn: its ``$…$`` spans in Unicode (as given when it cannot be read)."""
    try:
        return plain(text)
    except (InputError, RecursionError):  # too long, or nested too deep, to read
        return text


def _n(value: float) -> str:
    """A coordinate, rounded to two decimals with no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --- the canvas: the plot area, its axes and legend -------------------------------------------


@dataclass
class _Entry:
    """A legend's line: a series' look (``colour``, ``dash``, ``mark``, ``line``) or an
    outlined window's (``box``)."""

    label: str
    colour: str
    dash: str = ""
    mark: str = ""
    line: bool = True
    box: bool = False


@dataclass
class _Legend:
    entries: list[_Entry]
    title: str = ""
    handle: float = 28.0

    ROW = 17.0
    PAD = 6.0

    @property
    def width(self) -> float:
        widest = max([text_width(e.label, LEGEND_FONT) for e in self.entries], default=0.0)
        title = text_width(self.title, LEGEND_FONT) if self.title else 0.0
        return 2 * self.PAD + max(self.handle + 7 + widest, title)

    @property
    def height(self) -> float:
        return 2 * self.PAD + self.ROW * (len(self.entries) + bool(self.title))

    def draw(self, x: float, y: float, background: bool) -> str:
        out = [f'<g class="legend" font-size="{LEGEND_FONT:g}">']
        if background:
            out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(self.width)}" '
                       f'height="{_n(self.height)}" fill="#fff" fill-opacity="0.85"/>')
        row = y + self.PAD + self.ROW / 2
        text_x = x + self.PAD
        if self.title:
            out.append(f'<text x="{_n(text_x)}" y="{_n(row + 0.35 * LEGEND_FONT)}">'
                       f"{_escape(self.title)}</text>")
            row += self.ROW
        for entry in self.entries:
            left, right = x + self.PAD, x + self.PAD + self.handle
            if entry.box:
                out.append(f'<rect x="{_n(left + 1)}" y="{_n(row - 5)}" '
                           f'width="{_n(self.handle - 2)}" height="10" fill="none" '
                           f'stroke="{entry.colour}" stroke-width="2"'
                           f"{_dash(entry.dash)}/>")
            else:
                if entry.line:
                    out.append(f'<path d="M{_n(left)} {_n(row)}H{_n(right)}" fill="none" '
                               f'stroke="{entry.colour}" stroke-width="{LINE}"'
                               f"{_dash(entry.dash)}/>")
                if entry.mark:
                    out.append(f'<path d="{_marks(entry.mark, [((left + right) / 2, row)])}" '
                               f'fill="{entry.colour}"/>')
            out.append(f'<text x="{_n(right + 7)}" y="{_n(row + 0.35 * LEGEND_FONT)}">'
                       f"{_escape(entry.label)}</text>")
            row += self.ROW
        out.append("</g>")
        return "".join(out)


def _dash(pattern: str) -> str:
    return f' stroke-dasharray="{pattern}"' if pattern else ""


@dataclass
class _Canvas:
    """A plot area at (left, top) of size (width, height), what is drawn inside it
    (clipped to it), its ticks as (pixel, label), axis labels, and a legend."""

    left: float
    top: float
    width: float
    height: float
    xticks: list[tuple[float, str]]
    yticks: list[tuple[float, str]]
    xlabel: str
    ylabel: str
    under: list[str] = field(default_factory=list)  # drawn first, unclipped (grid cells)
    inside: list[str] = field(default_factory=list)  # clipped to the plot area
    over: list[str] = field(default_factory=list)  # drawn last (legend)
    size: tuple[float, float] = (WIDTH, HEIGHT)

    def document(self, caption: str) -> str:
        width, height = (math.ceil(v) for v in self.size)
        body = "".join([
            '<defs><clipPath id="@CLIP@">',
            f'<rect x="{_n(self.left)}" y="{_n(self.top)}" width="{_n(self.width)}" '
            f'height="{_n(self.height)}"/></clipPath></defs>',
            *self.under,
            '<g clip-path="url(#@CLIP@)">', *self.inside, "</g>",
            self._axes(),
            *self.over,
            "</svg>\n",
        ])
        # The clip's id names the drawing, so two figures inlined in one page never share
        # an id (unless they are the same drawing), and the bytes stay reproducible.
        clip = "clip-" + hashlib.blake2b(body.encode(), digest_size=6).hexdigest()
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
                f'width="{width}" height="{height}" role="img" font-family="{FONT}" '
                f'fill="#222"><title>{_escape(_shown(caption))}</title>'
                + body.replace("@CLIP@", clip))

    def _axes(self) -> str:
        left, top, bottom = self.left, self.top, self.top + self.height
        right = left + self.width
        ticks = "".join(f"M{_n(x)} {_n(bottom)}v{TICK}" for x, _ in self.xticks)
        ticks += "".join(f"M{_n(left)} {_n(y)}h-{TICK}" for y, _ in self.yticks)
        out = [f'<path class="axes" d="M{_n(left)} {_n(top)}V{_n(bottom)}H{_n(right)}{ticks}" '
               'fill="none" stroke="#333" stroke-width="1"/>']
        below = bottom + TICK + 3 + 0.8 * TICK_FONT
        out.append(f'<g class="xticks" font-size="{TICK_FONT:g}" text-anchor="middle">')
        out += [f'<text x="{_n(x)}" y="{_n(below)}">{_escape(label)}</text>'
                for x, label in self.xticks]
        out.append(f'</g><g class="yticks" font-size="{TICK_FONT:g}" text-anchor="end">')
        out += [f'<text x="{_n(left - TICK - 3)}" y="{_n(y + 0.35 * TICK_FONT)}">'
                f"{_escape(label)}</text>" for y, label in self.yticks]
        out.append("</g>")
        if self.xlabel:
            size = _fitted(self.xlabel, LABEL_FONT, self.size[0] - 2 * EDGE)
            y = below + 5 + 0.95 * size
            out.append(f'<text class="xlabel" x="{_n(left + self.width / 2)}" y="{_n(y)}" '
                       f'font-size="{size:g}" text-anchor="middle">'
                       f"{_escape(self.xlabel)}</text>")
        if self.ylabel:
            size = _fitted(self.ylabel, LABEL_FONT, max(self.height, self.size[1] - 2 * EDGE))
            x, y = EDGE + 0.8 * size, top + self.height / 2
            out.append(f'<text class="ylabel" x="{_n(x)}" y="{_n(y)}" font-size="{size:g}" '
                       f'text-anchor="middle" transform="rotate(-90 {_n(x)} {_n(y)})">'
                       f"{_escape(self.ylabel)}</text>")
        return "".join(out)


def _fitted(text: str, size: float, room: float) -> float:
    """The font size (at most ``size``, at least 7) at which ``text`` fits in ``room``."""
    width = text_width(text, size)
    return size if width <= room else max(7.0, round(size * room / width, 1))


def _left_margin(ylabel: str, labels: Sequence[str]) -> float:
    widest = max([text_width(label, TICK_FONT) for label in labels], default=0.0)
    room = (0.8 + 0.3) * LABEL_FONT + 6 if ylabel else 0.0
    return EDGE + room + widest + TICK + 5


def _bottom_margin(xlabel: str) -> float:
    return TICK + 3 + 1.05 * TICK_FONT + (5 + 1.2 * LABEL_FONT if xlabel else 0) + EDGE


# --- plots --------------------------------------------------------------------------------


@dataclass
class _Style:
    colour: str
    dash: str
    mark: str  # "" when the series' points are not marked
    line: bool


def _styles(series: Sequence[Series]) -> list[_Style]:
    """Each series' colour and, told apart without colour, its dash pattern (the n-th
    line's) or mark (the n-th marked series')."""
    styles, lines, marked = [], 0, 0
    for index, one in enumerate(series):
        line = not one.points
        mark = ""
        if one.points or len(one.x) <= MARKED:
            mark = MARKS[marked % len(MARKS)]
            marked += 1
        styles.append(_Style(COLOURS[index % len(COLOURS)],
                             DASHES[lines % len(DASHES)] if line else "", mark, line))
        lines += line
    return styles


def _runs(one: Series, log: bool) -> list[list[tuple[float, float]]]:
    """The series' drawable points (y as log10 y on a log axis), in runs broken where a
    point is left out."""
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for x, y in zip(one.x, one.y, strict=False):
        if (math.isfinite(x) and math.isfinite(y) and abs(x) <= LIMIT and abs(y) <= LIMIT
                and (y > 0 or not log)):
            run.append((x, math.log10(y) if log else y))
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _limits(low: float, high: float, log: bool) -> tuple[float, float]:
    """The axis's range: the data's with 5 % margins (a point, or no range, padded)."""
    if low > high:  # nothing to draw
        return 0.0, 1.0
    span = high - low
    if span <= max(abs(low), abs(high)) * 1e-9 or span < 1e-250:
        centre = (low + high) / 2
        pad = 0.5 if log else (abs(centre) * 0.1 if abs(centre) > 1e-250 else 1.0)
        return centre - pad, centre + pad
    return low - span * 0.05, high + span * 0.05


def _plot(figure: Figure) -> _Canvas:
    log = figure.log_y
    runs = [_runs(one, log) for one in figure.series]
    points = [p for series_runs in runs for run in series_runs for p in run]
    x0, x1 = _limits(min((p[0] for p in points), default=1.0),
                     max((p[0] for p in points), default=0.0), False)
    data_low = min((p[1] for p in points), default=1.0)
    data_high = max((p[1] for p in points), default=0.0)
    y0, y1 = _limits(data_low, data_high, log)

    xlabel, ylabel = _shown(figure.xlabel), _shown(figure.ylabel)
    top = TOP
    height = HEIGHT - top - _bottom_margin(xlabel)
    yvalues = (log_ticks(y0, y1, max(data_high - data_low, 0.0), height) if log
               else linear_ticks(y0, y1, height, vertical=True))
    left = _left_margin(ylabel, [label for _, label in yvalues])
    # The last x tick's label may stand out past the plot's right end: room for half.
    width = WIDTH - left - 10
    xvalues = linear_ticks(x0, x1, width, vertical=False)
    if xvalues:
        last, label = xvalues[-1]
        overhang = text_width(label, TICK_FONT) / 2 - (x1 - last) / (x1 - x0) * width
        width -= max(0.0, overhang + EDGE - 10)

    kx, ky = width / (x1 - x0), height / (y1 - y0)
    bottom = top + height

    def px(x: float) -> float:
        return left + (x - x0) * kx

    def py(y: float) -> float:
        return bottom - (y - y0) * ky

    canvas = _Canvas(left, top, width, height,
                     [(px(v), label) for v, label in xvalues],
                     [(py(v), label) for v, label in yvalues], xlabel, ylabel)
    styles = _styles(figure.series)
    pixels = [[[(px(x), py(y)) for x, y in run] for run in series_runs] for series_runs in runs]
    for style, series_pixels in zip(styles, pixels, strict=True):
        canvas.inside.append(_series(style, series_pixels))
    entries = [_Entry(_shown(one.label), s.colour, s.dash, s.mark, s.line)
               for one, s in zip(figure.series, styles, strict=True) if one.label]
    if len(figure.series) > 1 and entries:
        _place_legend(canvas, _Legend(entries), pixels, beside=len(figure.series) > 3)
    return canvas


def _series(style: _Style, runs: list[list[tuple[float, float]]]) -> str:
    out = ['<g class="series">']
    if style.line:
        d = "".join("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in run[:2])
                    + "".join(f" {_n(x)} {_n(y)}" for x, y in run[2:]) for run in runs)
        out.append(f'<path class="line" d="{d}" fill="none" stroke="{style.colour}" '
                   f'stroke-width="{LINE}" stroke-linejoin="round"{_dash(style.dash)}/>')
    if style.mark:
        marks = _marks(style.mark, [p for run in runs for p in run])
        out.append(f'<path class="marks" d="{marks}" fill="{style.colour}"/>')
    out.append("</g>")
    return "".join(out)


def _marks(kind: str, points: Sequence[tuple[float, float]]) -> str:
    """One mark per point, in one path: each is a move to its start and a fixed shape."""
    r = RADIUS
    if kind == "circle":
        shape, dx, dy = f"a{r:g} {r:g} 0 1 0 {2 * r:g} 0a{r:g} {r:g} 0 1 0 {-2 * r:g} 0", -r, 0.0
    elif kind == "square":
        s = 0.9 * r
        shape, dx, dy = f"h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}z", -s, -s
    elif kind == "diamond":
        s = 1.3 * r
        d, m = _n(s), _n(-s)
        shape, dx, dy = f"l{d} {d}l{m} {d}l{m} {m}z", 0.0, -s
    else:  # triangles, pointing up or down
        sign, half = (1 if kind == "triangle" else -1), round(1.15 * r, 2)
        shape = f"l{_n(half)} {_n(sign * 1.95 * r)}h{_n(-2 * half)}z"
        dx, dy = 0.0, -sign * 1.3 * r
    return "".join(f"M{_n(x + dx)} {_n(y + dy)}{shape}" for x, y in points)


def _place_legend(canvas: _Canvas, legend: _Legend,
                  pixels: list[list[list[tuple[float, float]]]], beside: bool) -> None:
    """Inside the plot in the first of matplotlib's "best" places that no line or mark
    crosses; beside the plot when there are many entries or no such place."""
    w, h = legend.width, legend.height
    left, top, right = canvas.left, canvas.top, canvas.left + canvas.width
    bottom = top + canvas.height
    if not beside and w < canvas.width * 0.6 and h < canvas.height * 0.8:
        occupied = _occupied(pixels)
        inset = 4.0
        xs = {"l": left + inset, "c": left + (canvas.width - w) / 2, "r": right - inset - w}
        ys = {"t": top + inset, "c": top + (canvas.height - h) / 2, "b": bottom - inset - h}
        for place in ("rt", "lt", "lb", "rb", "rc", "lc", "cb", "ct", "cc"):
            x, y = xs[place[0]], ys[place[1]]
            cells = range(int(x // _CELL) - 1, int((x + w) // _CELL) + 2)
            rows = range(int(y // _CELL) - 1, int((y + h) // _CELL) + 2)
            if not any((c, r) in occupied for c in cells for r in rows):
                canvas.over.append(legend.draw(x, y, background=True))
                return
    x = right + 16
    canvas.over.append(legend.draw(x, top, background=False))
    canvas.size = (max(canvas.size[0], x + w + EDGE), max(canvas.size[1], top + h + EDGE))


_CELL = 6.0  # the legend's search grid, in SVG units


def _occupied(pixels: list[list[list[tuple[float, float]]]]) -> set[tuple[int, int]]:
    """The search grid's cells that a line or a mark touches: each point's, and along each
    segment one sample per 4 units (linear in the length drawn)."""
    cells: set[tuple[int, int]] = set()
    for series_runs in pixels:
        for run in series_runs:
            previous: tuple[float, float] | None = None
            for x, y in run:
                cells.add((int(x // _CELL), int(y // _CELL)))
                if previous is not None:
                    px, py = previous
                    steps = min(int(math.hypot(x - px, y - py) / 4), 400)
                    for i in range(1, steps + 1):
                        t = i / (steps + 1)
                        cells.add((int((px + (x - px) * t) // _CELL),
                                   int((py + (y - py) * t) // _CELL)))
                previous = (x, y)
    return cells


# --- grids ----------------------------------------------------------------------------------


def _grid(figure: Figure, columns: int) -> _Canvas:
    """A matrix of numbers, row 0 on top, each cell shaded by its value; the boxes are
    outlined over it, each in its own colour and dash pattern, named in a legend beside."""
    grid = figure.grid
    rows = len(grid)
    side = max(12.0, min(44.0, 440.0 / columns, 520.0 / rows))
    texts = [[with_minus(f"{value:g}") for value in row] for row in grid]
    widest = max(text_width(text, 1.0) for row in texts for text in row) if columns else 1.0
    font = round(min(CELL_FONT, 0.82 * side / max(widest, 0.5), 0.6 * side), 1)

    xlabel, ylabel = _shown(figure.xlabel), _shown(figure.ylabel)
    yindex = _index_ticks(rows, side, vertical=True)
    xindex = _index_ticks(columns, side, vertical=False)
    left, top = _left_margin(ylabel, [str(i) for i in yindex]), TOP
    width, height = columns * side, rows * side
    canvas = _Canvas(left, top, width, height,
                     [(left + (i + 0.5) * side, str(i)) for i in xindex],
                     [(top + (i + 0.5) * side, str(i)) for i in yindex], xlabel, ylabel)

    finite = [v for row in grid for v in row if math.isfinite(v)]
    low, high = min(finite, default=0.0), max(finite, default=0.0)
    cells = ['<g class="cells">']
    numbers = [f'<g class="numbers" font-size="{font:g}" text-anchor="middle" fill="#000">']
    for r, row in enumerate(grid):
        y = top + r * side
        for c, value in enumerate(row):
            x = left + c * side
            if math.isfinite(value):
                shade = _shade((value - low) / (high - low) if high > low else 0.0)
                cells.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(side)}" '
                             f'height="{_n(side)}" fill="{shade}"/>')
            numbers.append(f'<text x="{_n(x + side / 2)}" y="{_n(y + side / 2 + 0.35 * font)}">'
                           f"{_escape(texts[r][c])}</text>")
    canvas.under += [*cells, "</g>", *numbers, "</g>"]

    entries = []
    step = min(2.5, side / 12)  # each box a little further in: shared edges stay visible
    for index, (r, c, size) in enumerate(figure.boxes):
        colour = BOX_COLOURS[index % len(BOX_COLOURS)]
        dash = BOX_DASHES[index % len(BOX_DASHES)]
        inset = 1.0 + step * (index % len(BOX_COLOURS))
        extent = max(size * side - 2 * inset, 0.0)
        canvas.inside.append(f'<rect class="box" x="{_n(left + c * side + inset)}" '
                             f'y="{_n(top + r * side + inset)}" width="{_n(extent)}" '
                             f'height="{_n(extent)}" fill="none" stroke="{colour}" '
                             f'stroke-width="2"{_dash(dash)}/>')
        entries.append(_Entry(f"rows {r}–{r + size - 1}, cols {c}–{c + size - 1}".replace(
            "-", "−"), colour, dash, box=True))

    if figure.series:  # drawn in the cells' coordinates: (column, row)
        styles = _styles(figure.series)
        for one, style in zip(figure.series, styles, strict=True):
            runs = [[(left + (x + 0.5) * side, top + (y + 0.5) * side) for x, y in run]
                    for run in _runs(one, False)]
            canvas.inside.append(_series(style, runs))
        if len(figure.series) > 1:
            entries += [_Entry(_shown(one.label), s.colour, s.dash, s.mark, s.line)
                        for one, s in zip(figure.series, styles, strict=True) if one.label]

    below = top + height + _bottom_margin(xlabel)
    right = left + width + 10
    if entries:
        legend = _Legend(entries, "outlined window" if figure.boxes else "", handle=30.0)
        x = left + width + 18
        canvas.over.append(legend.draw(x, top, background=False))
        right = max(right, x + legend.width + EDGE)
        below = max(below, top + legend.height + EDGE)
    canvas.size = (right, below)
    return canvas


def _index_ticks(count: int, side: float, vertical: bool) -> list[int]:
    """Every row's (or column's) index, or every 2nd, 5th, 10th … where they would touch."""
    need = 1.4 * TICK_FONT if vertical else text_width(str(count - 1), TICK_FONT) + 6
    stride = 1
    for stride in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if stride * side >= need:
            break
    return list(range(0, count, stride))


def _shade(t: float) -> str:
    """The light blue of ``t`` in [0, 1] on the cells' scale."""
    position = max(0.0, min(1.0, t)) * (len(_SHADES) - 1)
    index = min(int(position), len(_SHADES) - 2)
    low, high, f = _SHADES[index], _SHADES[index + 1], position - index
    red, green, blue = (round(a + (b - a) * f) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"
