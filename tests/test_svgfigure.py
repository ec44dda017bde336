"""The direct SVG writer (solver.render.svgfigure): every figure the exam's questions draw
(with their defaults and with parameters that reach the other figures), and hostile ones."""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.model import Figure, InputError, Series
from solver.registry import entries
from solver.render.svgfigure import LIMIT, MARKED, svg
from solver.render.unimath import plain
from tests.conftest import ROOT, solve

SVG = "{http://www.w3.org/2000/svg}"
# Parameters that reach the figures the defaults do not draw: lecture 5's given sequence of
# gradients (with a negative one), one padded input channel with stride 2, and a Jacobian
# norm over 200 steps (a log axis over 200 decades).
VARIANTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("lecture.5", {"rho": 0.9, "t": 3, "values": [1.5, -0.5, 2]}),
    ("lecture.5", {"rho": 0.5, "t": 30, "values": [float((-1)**i * i) for i in range(30)]}),
    ("lecture.3", {"image": [[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]],
                   "kernel_size": 3, "stride": 2, "padding": 1}),
    ("lecture.6", {"steps": 200, "radius_small": 0.1, "radius_large": 3}),
)


@pytest.fixture(scope="module")
def figures() -> list[tuple[str, Figure]]:
    """Every figure step of every question of the exam, solved with its defaults, and of
    the variants, named by question id."""
    found = [(qid, step) for qid in entries() for step in solve(qid).steps
             if isinstance(step, Figure)]
    found += [(f"{qid} {params}", step) for qid, params in VARIANTS
              for step in solve(qid, **params).steps if isinstance(step, Figure)]
    return found


# --- reading the output ---------------------------------------------------------------------


def _parse(out: str) -> ET.Element:
    root = ET.fromstring(out)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert "DejaVu Sans" in (root.get("font-family") or "")
    width, height = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert width is not None and height is not None and float(width) > 0 and float(height) > 0
    first = root[0]
    assert first.tag == f"{SVG}title"  # the accessible name comes first
    return root


def _shown(text: str) -> str:
    """A label as it should read: its mathtext in Unicode (as given when unimath cannot
    read it), without the characters XML cannot hold, line ends as XML reads them."""
    with contextlib.suppress(InputError, RecursionError):
        text = plain(text)
    text = re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _texts(root: ET.Element) -> list[str]:
    return [_text(element) for element in root.iter(f"{SVG}text")]


def _groups(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == name]


def _pairs(d: str) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert len(numbers) % 2 == 0
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def _paths(group: ET.Element) -> dict[str, str]:
    return {path.get("class") or "": path.get("d") or "" for path in group.iter(f"{SVG}path")}


def _drawable(series: Series, log: bool) -> list[tuple[float, float]]:
    return [(x, y) for x, y in zip(series.x, series.y, strict=False)
            if math.isfinite(x) and math.isfinite(y) and abs(x) <= LIMIT and abs(y) <= LIMIT
            and (y > 0 or not log)]


def _clip(root: ET.Element) -> tuple[float, float, float, float]:
    """The plot area (left, top, right, bottom): the one clipPath's rectangle, which the
    data's group refers to."""
    clips = list(root.iter(f"{SVG}clipPath"))
    assert len(clips) == 1
    clipped = [g for g in root.iter(f"{SVG}g") if g.get("clip-path")]
    assert [g.get("clip-path") for g in clipped] == [f"url(#{clips[0].get('id')})"]
    rect = clips[0].find(f"{SVG}rect")
    assert rect is not None
    x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
    return x, y, x + float(rect.get("width", "0")), y + float(rect.get("height", "0"))


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _number(label: str) -> float:
    """A tick label's value: 0.5, −2, 3×10⁶, 10⁻⁵."""
    label = label.replace("−", "-")
    if "10" in label and any(c in label for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        mantissa, _, power = label.rpartition("10")
        return float(mantissa.rstrip("×") or "1") * 10.0 ** int(power.translate(_SUPERSCRIPTS))
    return float(label)


def _ticks(root: ET.Element, axis: str) -> list[tuple[float, float]]:
    """(position, value) of each tick label of an axis ("x" or "y")."""
    (group,) = _groups(root, f"{axis}ticks")
    return [(float(t.get(axis, "0")), _number(_text(t))) for t in group.iter(f"{SVG}text")]


# --- the real figures ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_exam_draws_every_kind_of_figure(figures: list[tuple[str, Figure]]) -> None:
    kinds = [f for _, f in figures]
    assert any(f.grid and f.boxes for f in kinds)
    assert any(f.log_y for f in kinds)
    assert any(s.points for f in kinds for s in f.series)
    assert any(len(f.series) > 3 for f in kinds)  # a legend beside the plot
    assert any(len(s.x) > MARKED for f in kinds for s in f.series)
    assert any(0 < len(s.x) <= MARKED and not s.points for f in kinds for s in f.series)


@pytest.mark.slow
def test_real_figures_are_complete(figures: list[tuple[str, Figure]]) -> None:
    for name, figure in figures:
        out = svg(figure)
        root = _parse(out)
        assert _text(root[0]) == plain(figure.caption), name
        texts = _texts(root)
        for label in (figure.xlabel, figure.ylabel):
            if label:
                assert plain(label) in texts, (name, label)
        if len(figure.series) > 1:  # the legend names every series
            for series in figure.series:
                assert plain(series.label) in texts, (name, series.label)
        left, top, right, bottom = _clip(root)
        groups = _groups(root, "series")
        assert len(groups) == len(figure.series), name
        for series, group in zip(figure.series, groups, strict=True):
            count = len(_drawable(series, figure.log_y and not figure.grid))
            paths = _paths(group)
            assert ("line" in paths) == (not series.points), (name, series.label)
            assert ("marks" in paths) == (series.points or len(series.x) <= MARKED), name
            if "line" in paths:
                points = _pairs(paths["line"])
                assert len(points) == count, (name, series.label)
                assert all(left < x < right and top < y < bottom for x, y in points), name
            if "marks" in paths:
                assert paths["marks"].count("M") == count, (name, series.label)
        if figure.grid:
            _check_grid(name, figure, root)


def _check_grid(name: str, figure: Figure, root: ET.Element) -> None:
    (numbers,) = _groups(root, "numbers")
    cells = [_text(t) for t in numbers.iter(f"{SVG}text")]
    assert cells == [f"{v:g}".replace("-", "\u2212") for row in figure.grid for v in row], name
    (shading,) = _groups(root, "cells")
    assert len(list(shading.iter(f"{SVG}rect"))) == sum(map(len, figure.grid))
    boxes = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "box"]
    assert len(boxes) == len(figure.boxes), name
    # Each window in its own colour and its own dash pattern (the first is solid).
    looks = [(b.get("stroke"), b.get("stroke-dasharray")) for b in boxes]
    assert len(set(looks)) == len(looks) == len(figure.boxes)
    texts = _texts(root)
    assert "outlined window" in texts
    for r, c, size in figure.boxes:
        assert f"rows {r}–{r + size - 1}, cols {c}–{c + size - 1}" in texts, name


@pytest.mark.slow
def test_real_figures_map_monotonically(figures: list[tuple[str, Figure]]) -> None:
    """A larger x is further right, a larger y higher (on a log axis too); the tick labels
    agree (their values grow with x and upwards); an axis has 3 to 10 ticks."""
    for name, figure in figures:
        root = _parse(svg(figure))
        if figure.grid:
            continue
        for series, group in zip(figure.series, _groups(root, "series"), strict=True):
            data = _drawable(series, figure.log_y)
            paths = _paths(group)
            if "line" not in paths:
                continue
            drawn = _pairs(paths["line"])
            by_x = sorted(zip(data, drawn, strict=True), key=lambda pair: pair[0][0])
            by_y = sorted(zip(data, drawn, strict=True), key=lambda pair: pair[0][1])
            for (a, pa), (b, pb) in itertools.pairwise(by_x):
                assert pa[0] < pb[0] if a[0] < b[0] else pa[0] == pb[0], name
            for (a, pa), (b, pb) in itertools.pairwise(by_y):
                if a[1] < b[1]:
                    assert pa[1] >= pb[1], name  # equal only when closer than the rounding
            low, high = by_y[0][0][1], by_y[-1][0][1]
            if high - low > 1e-6 * (abs(high) + 1):  # not a constant with rounding noise
                assert by_y[0][1][1] > by_y[-1][1][1], name
        for axis, sign in (("x", 1), ("y", -1)):
            ticks = _ticks(root, axis)
            assert 3 <= len(ticks) <= 10, (name, axis, ticks)
            for (p, v), (q, w) in itertools.pairwise(ticks):
                assert (q - p) * sign > 0 and w > v, (name, axis, ticks)


@pytest.mark.slow
def test_real_figures_are_reproducible_and_small(figures: list[tuple[str, Figure]]) -> None:
    for name, figure in figures:
        out = svg(figure)
        assert svg(figure) == out, name
        # Coordinates are rounded to two decimals.
        for value in re.findall(r' (?:d|x|y|width|height)="([^"]*)"', out):
            assert not re.search(r"\.\d{3}", value), (name, value)
        assert len(out.encode()) < 20_000, name


def test_no_plotting_library_is_imported() -> None:
    code = ("import sys, solver.render.svgfigure; "
            "print(sorted({'matplotlib', 'numpy', 'torch', 'sympy'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


# --- hostile figures ------------------------------------------------------------------------

NAN, INF = math.nan, math.inf
HOSTILE = Figure(
    caption='A <caption> & "quotes" with $\\rho(W)$',
    xlabel="<x> & y", ylabel=r"$p_{\mathrm{data}}$ \"",
    series=(Series('a <&> "b"', (0.0, 1.0, NAN, 3.0, 4.0, 5.0, INF),
                   (1.0, INF, 2.0, -1.0, 5.0, 0.0, 3.0)),
            Series("empty", (), ()),
            Series("one point", (2.0,), (3.0,)),
            Series("control \x01\x1f characters", (1.0, 2.0), (1e300, 2.0)),
            Series("flat", (0.0, 1.0), (7.0, 7.0), points=True)),
    log_y=True,
)


def _check(figure: Figure) -> ET.Element:
    """Valid XML, the same bytes twice, and each series' drawable points drawn."""
    out = svg(figure)
    assert svg(figure) == out
    root = _parse(out)
    assert _text(root[0]) == _shown(figure.caption)
    for series, group in zip(figure.series, _groups(root, "series"), strict=True):
        count = len(_drawable(series, figure.log_y and not figure.grid))
        for kind, d in _paths(group).items():
            assert (len(_pairs(d)) if kind == "line" else d.count("M")) == count
    return root


def test_hostile_figure() -> None:
    root = _check(HOSTILE)
    texts = _texts(root)
    assert 'a <&> "b"' in texts
    assert "<x> & y" in texts
    assert plain(HOSTILE.ylabel) in texts
    assert "control  characters" in texts  # characters XML cannot hold are left out
    paths = [_paths(g) for g in _groups(root, "series")]
    assert paths[0]["line"].count("M") == 2  # (0, 1) and (4, 5): the line broken between
    assert paths[1]["line"] == "" and paths[1]["marks"] == ""


@pytest.mark.parametrize("figure", [
    Figure("no data"),
    Figure("no data, log", log_y=True, series=(Series("a", (), ()), Series("b", (), ()))),
    Figure("one point", series=(Series("p", (5.0,), (5.0,)),)),
    Figure("one point, log", series=(Series("p", (0.0,), (3e-7,)),), log_y=True),
    Figure("zero range", series=(Series("a", (0.0, 1e-300), (1.0, 1.0 + 1e-12)),)),
    Figure("only non-positive on a log axis",
           series=(Series("a", (0.0, 1.0), (-1.0, 0.0)),), log_y=True),
    Figure("large and small", series=(
        Series("a", tuple(float(i) for i in range(5)), (1e6, 2e6, 3.5e6, 4e6, 5e6)),
        Series("b", (0.0, 1.0), (1e-5, 3e-5)))),
    Figure("huge", series=(Series("a", (-1e249, 1e249), (-1e249, 1e249)),
                           Series("b", (0.0, 1.0), (1e-300, 1e-299)))),
    Figure("mismatched lengths", series=(Series("a", (0.0, 1.0, 2.0), (1.0,)),)),
    Figure("too long to read $" + "x^" * 2000 + "$", xlabel="$" + "\\sqrt" * 600 + "x$"),
    Figure("grid", grid=((1.0, NAN), (-INF, 1e7), (0.333333333, -1e-9)),
           boxes=((0, 0, 2), (1, 1, 1), (0, 0, 1), (1, 0, 1), (2, 0, 1))),
    Figure("ragged grid", grid=((1.0,), (), (2.0, 3.0))),
    Figure("empty grid", grid=((), ())),
    Figure("grid with lines", grid=((1.0, 2.0), (3.0, 4.0)), series=(
        Series("a", (0.0, 1.0), (0.0, 1.0)), Series("b", (1.0, 0.0), (0.0, 1.0)))),
    Figure("a big grid", grid=tuple(tuple(float(r * c) for c in range(28)) for r in range(28)),
           boxes=((0, 0, 9), (19, 19, 9))),
], ids=lambda figure: figure.caption[:20])
def test_edge_cases(figure: Figure) -> None:
    _check(figure)


def test_unreadable_mathtext_is_shown_as_given() -> None:
    label = "$" + "\\sqrt" * 600 + "x$"  # deeper than unimath reads
    root = _check(Figure("c", xlabel=label, ylabel="$\\frac{1}{2}$"))
    assert label in _texts(root) and "1/2" in _texts(root)


def test_output_grows_linearly() -> None:
    def size(n: int) -> int:
        xs = tuple(float(i) for i in range(n))
        ys = tuple(math.sin(i / 7) for i in range(n))
        return len(svg(Figure("long", series=(Series("a", xs, ys), Series("b", xs, ys[::-1])))))

    small, large = size(5_000), size(20_000)
    assert large < 4.4 * small
    assert large < 20_000 * 2 * 30  # at most about 30 bytes a point


finite = st.floats(allow_nan=True, allow_infinity=True)


@given(st.lists(st.tuples(finite, finite), max_size=40), st.booleans(), st.booleans(),
       st.text(max_size=20))
def test_any_series_gives_valid_svg(points: list[tuple[float, float]], log: bool,
                                    marked: bool, label: str) -> None:
    xs, ys = tuple(p[0] for p in points), tuple(p[1] for p in points)
    _check(Figure(label, xlabel=label, series=(Series(label, xs, ys, points=marked),
                                               Series("other", ys, xs)), log_y=log))
