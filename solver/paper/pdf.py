"""Draws booklet pages as PDF with pydyf (WeasyPrint's PDF writer): vector boxes, lines,
markers and the code strip at exactly the points ``booklets.json`` gives, Helvetica text.
No dates, no random ids: the same pages give the same bytes."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pydyf

from solver.paper import code as page_code
from solver.paper import fonts
from solver.paper import geometry as g
from solver.paper.page import Page


def _n(value: float) -> bytes:
    return f"{value:.3f}".rstrip("0").rstrip(".").encode()


class _Canvas:
    """PDF drawing operators in top-left coordinates."""

    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def rect(self, x: float, y: float, w: float, h: float, op: bytes) -> None:
        self.ops.append(b" ".join((_n(x), _n(g.HEIGHT - y - h), _n(w), _n(h), b"re", op)))

    def grey(self, level: float, stroke: bool = False) -> None:
        self.ops.append(_n(level) + (b" G" if stroke else b" g"))

    def width(self, width: float) -> None:
        self.ops.append(_n(width) + b" w")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.ops.append(b" ".join((_n(x1), _n(g.HEIGHT - y1), b"m", _n(x2), _n(g.HEIGHT - y2),
                                   b"l S")))

    def text(self, x: float, y: float, size: float, text: str, bold: bool) -> None:
        font = b"/F2 " if bold else b"/F1 "
        self.ops.append(b"BT " + font + _n(size) + b" Tf " + _n(x) + b" " + _n(g.HEIGHT - y)
                        + b" Td " + fonts.pdf_string(text) + b" Tj ET")


def _marker(canvas: _Canvas, marker: int) -> None:
    x0, y0 = g.marker_origin(marker)
    cell = g.MARKER_SIZE / 6
    canvas.grey(0)
    canvas.rect(x0, y0, g.MARKER_SIZE, g.MARKER_SIZE, b"f")
    canvas.grey(1)
    for row, bits in enumerate(g.ARUCO_4X4[marker]):
        for column, bit in enumerate(bits):
            if bit == "0":
                canvas.rect(x0 + (column + 1) * cell, y0 + (row + 1) * cell, cell, cell, b"f")


def _strip(canvas: _Canvas, cells: list[int]) -> None:
    """The code's cells row by row; a run of black cells is one rectangle (no seams)."""
    canvas.grey(0)
    for row in range(g.CODE_ROWS):
        bits = cells[row * g.CODE_COLUMNS:(row + 1) * g.CODE_COLUMNS]
        column = 0
        while column < len(bits):
            if not bits[column]:
                column += 1
                continue
            start = column
            while column < len(bits) and bits[column]:
                column += 1
            canvas.rect(g.CODE_X + start * g.CODE_CELL, g.CODE_Y + row * g.CODE_CELL,
                        (column - start) * g.CODE_CELL, g.CODE_CELL, b"f")


def page_ops(page: Page, code: page_code.PageCode) -> bytes:
    canvas = _Canvas()
    for marker in range(4):
        _marker(canvas, marker)
    _strip(canvas, page_code.bits(page_code.encode(code)))
    for line in page.lines:
        canvas.grey(line.grey, stroke=True)
        canvas.width(line.width)
        canvas.line(line.x1, line.y1, line.x2, line.y2)
    canvas.grey(0, stroke=True)
    canvas.width(0.6)
    for box in page.boxes:
        canvas.rect(box.x, box.y, box.w, box.h, b"S")
    canvas.grey(0)
    for text in page.texts:
        canvas.text(text.x, text.y, text.size, text.text, text.bold)
    return b"\n".join(canvas.ops)


def write_pdf(pages: Iterable[bytes]) -> bytes:
    """One PDF of A4 pages, each drawn by its operators (from :func:`page_ops`)."""
    pdf = pydyf.PDF()
    fonts_used = {}
    for name, base in (("F1", "Helvetica"), ("F2", "Helvetica-Bold")):
        font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": f"/{base}",
                                 "Encoding": "/WinAnsiEncoding"})
        pdf.add_object(font)
        fonts_used[name] = font.reference
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary(fonts_used)})
    pdf.add_object(resources)
    for ops in pages:
        stream = pydyf.Stream([ops], compress=True)
        pdf.add_object(stream)
        pdf.add_page(pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, round(g.WIDTH, 3), round(g.HEIGHT, 3)]),
            "Contents": stream.reference, "Resources": resources.reference,
        }))
    out = io.BytesIO()
    pdf.write(out, compress=True)
    return out.getvalue()
