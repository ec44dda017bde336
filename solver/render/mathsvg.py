"""LaTeX to SVG with ziamath, cached on disk, as <img> tags aligned on the text baseline.

WeasyPrint renders neither MathML nor JavaScript, so every formula becomes an SVG image
(a data: URI, so no file is fetched). Over the image lies the formula's Unicode
(``solver.render.unimath``) in transparent text, so the PDF can be searched and copied;
the same Unicode is the image's alt text (the tagged PDF's /Alt). ziamath's glyph
symbols are inlined as transformed paths (:func:`_flatten`). Rendered formulas are cached
on disk (``solver.render.diskcache``) keyed by (ziamath version, size, inline, form,
LaTeX); an entry that does not read back intact is rendered again and replaced. The same
cache (:func:`cached`) holds the sheet's matplotlib figures, keyed by their data
(``solver.render.html.figure_svg``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from functools import cache

from markupsafe import Markup, escape

from solver.render import diskcache
from solver.render.fonts import text_width
from solver.render.unimath import bounded, slashed_fractions, unicode_math

# px: STIX Two set with the x-height of the 10.5 pt (14 px) DejaVu body (0.473 em vs
# 0.519 em): at 14 px its glyphs looked smaller than the text around them.
SIZE = 15.4
TEXT_SIZE = 12.0  # px; the invisible text layer's largest size
BODY = 14.0  # px: the 10.5 pt body the formulas are drawn for
TALL_INLINE = 30.0  # px; an inline formula taller than this (a matrix) gets a margin
# The stored SVG's form: ziamath's glyph symbols inlined as transformed paths (see
# _flatten), a hat as U+02C6 (see svg); part of the cache key, so entries of another form
# are never read.
FORMAT = "flat-4"
_SVG_NS = "http://www.w3.org/2000/svg"
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@cache
def _version() -> str:
    from importlib.metadata import version

    return version("ziamath")


def _key(latex: str, inline: bool) -> str:
    payload = json.dumps([_version(), SIZE, inline, FORMAT, latex]).encode()
    return hashlib.sha256(payload).hexdigest()


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _flatten(text: str) -> str:
    """ziamath's SVG with each ``<use>`` of a glyph ``<symbol>`` replaced by the symbol's
    paths under the same transform (viewBox fitted as xMidYMid meet), and the symbols
    dropped: one node per glyph instead of three, and a glyph's path data is the same
    string wherever it is used (the typesetter parses each one once)."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _SVG_NS)
    root = ET.fromstring(text)
    tag = f"{{{_SVG_NS}}}"
    symbols = {element.get("id"): element for element in root.iter(f"{tag}symbol")}
    out = ET.Element(root.tag, root.attrib)
    for element in root:
        if element.tag == f"{tag}symbol":
            continue
        href = (element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") or "")
        symbol = symbols.get(href[1:]) if element.tag == f"{tag}use" else None
        if symbol is None:
            out.append(element)
            continue
        vx, vy, vw, vh = (float(v) for v in (symbol.get("viewBox") or "0 0 1 1").split())
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        w, h = float(element.get("width", vw)), float(element.get("height", vh))
        if min(vw, vh, w, h) <= 0:  # an empty viewport (a space) draws nothing
            continue
        scale = min(w / vw, h / vh)
        tx = x + (w - vw * scale) / 2 - vx * scale
        ty = y + (h - vh * scale) / 2 - vy * scale
        placed = {"transform": f"matrix({_number(scale)} 0 0 {_number(scale)} {_number(tx)} "
                               f"{_number(ty)})",
                  "fill": element.get("fill", "black")}
        children = list(symbol)
        while len(children) == 1 and children[0].tag == f"{tag}g" and not children[0].attrib:
            children = list(children[0])
        if len(children) == 1 and children[0].tag == f"{tag}path" and \
                not {"transform", "fill"} & set(children[0].attrib):
            ET.SubElement(out, f"{tag}path", {**placed, **children[0].attrib})
        else:
            ET.SubElement(out, f"{tag}g", placed).extend(children)
    return ET.tostring(out, encoding="unicode")


def cached(key: str, render: Callable[[], str]) -> str:
    """The SVG stored under ``key`` (a sha256 hex digest of everything it depends on) when
    an intact entry is there, else ``render()``, stored for the next build."""
    entry = diskcache.load(key, ".svg")
    if entry is not None:
        with contextlib.suppress(UnicodeDecodeError):
            text = entry.decode("utf-8")
            if _VIEWBOX.search(text) is not None:
                return text
    text = render()
    diskcache.store(key, ".svg", text.encode("utf-8"))
    return text


# A minus that starts a formula or a matrix cell, or follows a relation, an opening bracket
# or a comma, is a sign: TeX sets it without the spacing of a binary minus, ziamath does
# not ("x = − 0.8"), so it is given as an ordinary symbol, {-}.
_UNARY_MINUS = re.compile(r"(^|[=(\[,{<>&]|\\(?:leq|geq|le|ge|approx|neq|ne|to|in)\b)"
                          r"(\s*)-(?=\s*[\w.\\])")


def unary_minus(latex: str) -> str:
    return _UNARY_MINUS.sub(r"\1\2{-}", latex)


@cache
def svg(latex: str, inline: bool) -> str:
    """The formula as SVG text, from the disk cache when an intact entry is there."""
    latex = unary_minus(bounded(latex))
    if inline:
        latex = slashed_fractions(latex)

    def render() -> str:
        import ziamath

        from solver.model import InputError

        try:
            from ziamath.tex import tex2mml

            # \hat as the spacing circumflex (U+02C6) that ziamath sets for a
            # non-stretchy hat: as the combining one (U+0302) it takes a box 5 px wider on
            # the left than its ink, a visible gap before Ŝ in a sentence.
            mathml = tex2mml(latex, inline=inline).replace("<mo>&#x00302;</mo>",
                                                           "<mo>&#x002C6;</mo>")
            return _flatten(str(ziamath.Math(mathml, size=SIZE).svg()))  # type: ignore[attr-defined]
        except Exception as error:  # its parser's own error classes (and RecursionError)
            raise InputError(f"the formula ${latex[:60]}$ cannot be typeset: "
                             f"{type(error).__name__} {error}".rstrip()) from None

    return cached(_key(latex, inline), render)


def img(latex: str, inline: bool = True) -> Markup:
    """The formula: an <img> whose bottom is lowered by the depth below the baseline, and
    over it an invisible line of Unicode (``unimath``) that the PDF's text layer carries,
    so the formula can be searched for and copied. The same Unicode is its alt text."""
    text = svg(latex, inline)
    match = _VIEWBOX.search(text)
    if match is None:  # pragma: no cover - ziamath always writes a viewBox
        raise RuntimeError(f"ziamath gave no viewBox for {latex!r}")
    _, top, width, height = (float(v) for v in match.groups())
    depth = height + top
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    css = f"width:{_em(width)};height:{_em(height)};vertical-align:{_em(-depth)}"
    if inline and height > TALL_INLINE:  # a matrix in a sentence: room above and below,
        css += ";margin:4px 2px"         # so stacked ones and the line above do not touch
    kind = "math-inline" if inline else "math-display"
    words = unicode_math(latex)
    return Markup(
        f'<span class="math"><img class="{kind}" style="{css}" alt="{escape(words)}" '
        f'src="data:image/svg+xml;base64,{data}">{_text_layer(words, width)}</span>'
    )


def _text_layer(words: str, width: float) -> str:
    """``words`` in transparent DejaVu Sans laid over the image (a box of the image's
    width pulled back by that width: the line does not move), spaced out to end where
    the image ends: a gap there reads as a space before the punctuation that follows
    ("target y , a₀" in a copy or a phrase search)."""
    natural = max(text_width(words, TEXT_SIZE), 1e-6)
    font = max(min(TEXT_SIZE, TEXT_SIZE * 0.97 * width / natural), 0.5)
    spacing = (width - natural * font / TEXT_SIZE) / max(len(words), 1)
    return (f'<span class="math-text" style="width:{_em(width)};margin-left:{_em(-width)};'
            f'font-size:{_em(font)};letter-spacing:{spacing / font:.4f}em">{escape(words)}</span>')


def _em(pixels: float) -> str:
    """A length in em of the text around it: a formula drawn for the 10.5 pt body scales with
    its context (the key's 9.5 pt table cells, the answer box's 10 pt) as the text does."""
    return f"{pixels / BODY:.4f}em"
