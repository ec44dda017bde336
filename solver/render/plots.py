"""Figures to SVG with matplotlib, reproducibly (fixed hash salt, no date metadata).

Labels and legends may hold matplotlib mathtext (``$\\rho(W)$``, ``$p_{\\mathrm{data}}$``),
so a plot uses the same notation as the typeset prose around it.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from solver.model import Figure


@cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "solver",  # stable element ids, so builds are byte-identical
        # Text as glyph outlines and the grid as vector cells: a figure is then plain
        # paths, which the typesetter draws once and replays in later builds
        # (solver.sheet.speedups); text drawn with a font would be drawn anew every time.
        # The caption below a figure is its alt text.
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "mathtext.fontset": "dejavusans",
        # The figure is drawn at 5.6 in and shown at about 5.1 in: these sizes stay at or
        # above 8 pt on the page.
        "font.size": 10,
        "xtick.labelsize": 9.5,
        "ytick.labelsize": 9.5,
        "legend.fontsize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    import matplotlib.pyplot as plt

    return plt


def svg(figure: Figure) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 3.0))
    try:
        if figure.grid:
            _grid(ax, figure)
        for series in figure.series:
            # Markers only where points are few: each one is an SVG node to draw.
            style = "o" if series.points else ("-o" if len(series.x) <= 25 else "-")
            ax.plot(series.x, series.y, style, label=series.label, markersize=3, linewidth=1.4)
        if figure.log_y:
            _log_axis(ax, figure)
        ax.set_xlabel(figure.xlabel)
        ax.set_ylabel(figure.ylabel)
        if len(figure.series) > 3:  # a long legend would cover the curves: beside them
            ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        elif len(figure.series) > 1:
            ax.legend(frameon=False)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        return out.getvalue()
    finally:
        plt.close(fig)


def _log_axis(ax: Any, figure: Figure) -> None:
    """A log y axis; over at most three decades ticks at 1, 2 and 5 of each decade, so the
    axis has more than one or two labels."""
    import math

    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    values = [v for series in figure.series for v in series.y if v > 0]
    if values and math.log10(max(values) / min(values)) <= 3:
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())


def _grid(ax: Any, figure: Figure) -> None:
    """A matrix of numbers; each outlined window has its own colour and line style and a
    legend entry naming its rows and columns (not colour alone)."""
    from matplotlib.patches import Rectangle

    values = figure.grid
    rows, columns = len(values), len(values[0])
    # Cells centred on integer coordinates, row 0 on top (as imshow shows a matrix).
    ax.pcolormesh([c - 0.5 for c in range(columns + 1)], [r - 0.5 for r in range(rows + 1)],
                  values, cmap="Blues", alpha=0.6)
    ax.set_aspect("equal")
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            ax.text(c, r, f"{value:g}".replace("-", "\u2212"), ha="center", va="center",
                    fontsize=9)
    colours = ("#c0392b", "#1f5f3f", "#8e44ad", "#d68910")
    styles = ("-", "--", ":", "-.")
    for index, (r, c, size) in enumerate(figure.boxes):
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), size, size, fill=False, linewidth=2.0,
                               edgecolor=colours[index % len(colours)],
                               linestyle=styles[index % len(styles)],
                               label=f"rows {r}–{r + size - 1}, cols {c}–{c + size - 1}"))
    ax.set_xticks(range(columns))
    ax.set_yticks(range(rows))
    if figure.boxes:
        ax.legend(title="outlined window", loc="upper left", bbox_to_anchor=(1.04, 1.0),
                  frameon=False, handlelength=3.0)
