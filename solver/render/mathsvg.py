"""LaTeX to SVG with ziamath, cached on disk, as <img> tags aligned on the text baseline.

WeasyPrint renders neither MathML nor JavaScript, so every formula becomes an SVG image
(a data: URI, so no file is fetched). Over the image lies the formula's Unicode
(``solver.render.unimath``) in transparent text, so the PDF can be searched and copied;
the same Unicode is the image's alt text (the tagged PDF's /Alt). ziamath's glyph
symbols are inlined as transformed paths (:func:`_flatten`). Rendered formulas are cached
on disk keyed by (ziamath version, size, inline, form, LaTeX): in ``build/.mathcache``
when run from a source checkout, else in ``$XDG_CACHE_HOME/solver`` (``~/.cache/solver``);
``SOLVER_MATH_CACHE`` overrides both. Each entry carries its key and a digest of its SVG:
an entry that does not match (truncated, corrupt, foreign) is rendered again and
replaced. The cache is an optimisation only: when it cannot be read or written, formulas
are rendered without it. The same cache (:func:`cached`) holds the sheet's matplotlib
figures, keyed by their data (``solver.render.html.figure_svg``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from solver.render.unimath import unicode_math

ROOT = Path(__file__).resolve().parents[2]
SIZE = 14.0  # px; the body text is 10.5pt = 14px
TEXT_SIZE = 12.0  # px; the invisible text layer's largest size
# The stored SVG's form: ziamath's glyph symbols inlined as transformed paths (see
# _flatten); part of the cache key, so entries of another form are never read.
FORMAT = "flat-2"
_SVG_NS = "http://www.w3.org/2000/svg"
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
_HEADER = "<!-- solver-math {key} {digest} -->\n"
_HEADER_PATTERN = re.compile(r"<!-- solver-math ([0-9a-f]{64}) ([0-9a-f]{64}) -->\n")


def _checkout_root() -> Path | None:
    """The source checkout this package runs from (pyproject.toml beside solver/), if any."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "solver").is_dir():
        return ROOT
    return None


def cache_dir() -> Path | None:
    """Where rendered formulas are cached; None when no location can be named."""
    override = os.environ.get("SOLVER_MATH_CACHE", "")
    if override:  # an empty value means unset, not the current directory
        return Path(override)
    root = _checkout_root()
    if root is not None:
        return root / "build" / ".mathcache"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "solver"
    try:
        return Path.home() / ".cache" / "solver"
    except RuntimeError:  # no HOME and no password entry: no cache
        return None


@cache
def _version() -> str:
    from importlib.metadata import version

    return version("ziamath")


def _key(latex: str, inline: bool) -> str:
    payload = json.dumps([_version(), SIZE, inline, FORMAT, latex]).encode()
    return hashlib.sha256(payload).hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_entry(path: Path, key: str) -> str | None:
    """The cached SVG at ``path`` if it is intact and is the entry for ``key``, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    match = _HEADER_PATTERN.match(text)
    if match is None or match.group(1) != key:
        return None
    body = text[match.end():]
    if match.group(2) != _digest(body) or _VIEWBOX.search(body) is None:
        return None
    return body


def _write_entry(folder: Path, path: Path, key: str, text: str) -> None:
    """Write the entry atomically (temporary file, then rename); skip on any OS error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key[:16]}.", suffix=".tmp")
    except OSError:
        return  # a read-only or missing location: render without the cache
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER.format(key=key, digest=_digest(text)).encode("utf-8"))
            out.write(text.encode("utf-8"))
        os.replace(temporary, path)  # a concurrent build never reads half a file
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(error, OSError):
            raise


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
    folder = cache_dir()
    path = folder / f"{key}.svg" if folder is not None else None
    if path is not None:
        entry = _read_entry(path, key)
        if entry is not None:
            return entry
    text = render()
    if folder is not None and path is not None:
        _write_entry(folder, path, key, text)
    return text


@cache
def svg(latex: str, inline: bool) -> str:
    """The formula as SVG text, from the disk cache when an intact entry is there."""

    def render() -> str:
        import ziamath

        latex_svg = ziamath.Latex(latex, size=SIZE, inline=inline)  # type: ignore[attr-defined]
        return _flatten(str(latex_svg.svg()))

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
    css = f"width:{width:.3f}px;height:{height:.3f}px;vertical-align:{-depth:.3f}px"
    kind = "math-inline" if inline else "math-display"
    words = unicode_math(latex)
    return Markup(
        f'<span class="math"><img class="{kind}" style="{css}" alt="{escape(words)}" '
        f'src="data:image/svg+xml;base64,{data}">{_text_layer(words, width)}</span>'
    )


def _text_layer(words: str, width: float) -> str:
    """``words`` in transparent DejaVu Sans, as wide as the image at most and laid over
    it (a box of the image's width pulled back by that width: the line does not move)."""
    font = min(TEXT_SIZE, TEXT_SIZE * 0.97 * width / max(text_width(words), 1e-6))
    return (f'<span class="math-text" style="width:{width:.3f}px;margin-left:-{width:.3f}px;'
            f'font-size:{max(font, 0.5):.3f}px">{escape(words)}</span>')


@cache
def _sans() -> Any:
    import matplotlib
    from matplotlib.ft2font import FT2Font

    return FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))


@cache
def text_width(words: str) -> float:
    """The advance of ``words`` in DejaVu Sans at TEXT_SIZE px (FreeType, with kerning)."""
    font = _sans()
    font.set_size(TEXT_SIZE, 72)  # 72 dpi: one point per pixel
    font.set_text(words, 0.0)
    return float(font.get_width_height()[0]) / 64
