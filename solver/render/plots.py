"""Figures to SVG with matplotlib, reproducibly (fixed hash salt, no date metadata)."""

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
        # Text stays text in DejaVu Sans, which the PDF's private fontconfig provides:
        # far fewer SVG nodes for WeasyPrint to draw than glyph outlines.
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
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
            ax.set_yscale("log")
        ax.set_xlabel(figure.xlabel)
        ax.set_ylabel(figure.ylabel)
        if len(figure.series) > 1:
            ax.legend(frameon=False)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        return out.getvalue()
    finally:
        plt.close(fig)


def _grid(ax: Any, figure: Figure) -> None:
    from matplotlib.patches import Rectangle

    values = figure.grid
    ax.imshow(values, cmap="Blues", alpha=0.6)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=8)
    colours = ("#c0392b", "#1f5f3f", "#8e44ad", "#d68910")
    for index, (r, c, size) in enumerate(figure.boxes):
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), size, size, fill=False, linewidth=1.8,
                               edgecolor=colours[index % len(colours)]))
    ax.set_xticks(range(len(values[0])))
    ax.set_yticks(range(len(values)))
