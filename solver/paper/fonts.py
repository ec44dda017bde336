"""Helvetica, the PDF standard font the booklets print with (no font file to embed): its
advance widths, for wrapping and placing text, and the encoding of its strings."""

from __future__ import annotations

# Adobe's Helvetica AFM widths (per 1000 em) of the printable ASCII characters, 32..126.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
BOLD_FACTOR = 1.07  # Helvetica-Bold is wider; wrapping with this margin keeps it inside
ENCODING = "cp1252"  # WinAnsiEncoding, as the font dictionary declares


def width(text: str, size: float, bold: bool = False) -> float:
    """The advance of ``text`` at ``size`` points (a character outside ASCII as a digit)."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else 556 for c in text)
    return units * size / 1000 * (BOLD_FACTOR if bold else 1.0)


def printable(text: str) -> str:
    """``text`` as the font can print it: typographic characters the encoding lacks become
    their look-alikes (a minus sign a hyphen); others a question mark."""
    plain = text.replace("\u2212", "-").replace("\u2011", "-").replace("\u00a0", " ")
    return plain.encode(ENCODING, errors="replace").decode(ENCODING)


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines at most ``room`` points wide."""
    lines: list[str] = []
    line = ""
    for word in printable(text).split():
        candidate = f"{line} {word}" if line else word
        if line and width(candidate, size, bold) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def pdf_string(text: str) -> bytes:
    """A PDF literal string of ``text`` in the font's encoding."""
    raw = printable(text).encode(ENCODING, errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
