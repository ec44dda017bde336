"""LaTeX to SVG with ziamath, cached on disk, as <img> tags aligned on the text baseline.

WeasyPrint renders neither MathML nor JavaScript, so every formula becomes an SVG image
(a data: URI, so no file is fetched) with the LaTeX as its alt text. Rendered formulas
are cached under ``build/.mathcache`` keyed by (ziamath version, size, inline, LaTeX).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("SOLVER_MATH_CACHE", ROOT / "build" / ".mathcache"))
SIZE = 14.0  # px; the body text is 10.5pt = 14px
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@cache
def _version() -> str:
    from importlib.metadata import version

    return version("ziamath")


def _key(latex: str, inline: bool) -> str:
    payload = json.dumps([_version(), SIZE, inline, latex]).encode()
    return hashlib.sha256(payload).hexdigest()


@cache
def svg(latex: str, inline: bool) -> str:
    """The formula as SVG text, from the disk cache when present."""
    path = CACHE_DIR / f"{_key(latex, inline)}.svg"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    import ziamath

    text = str(ziamath.Latex(latex, size=SIZE, inline=inline).svg())  # type: ignore[attr-defined]
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)  # atomic: a concurrent build never reads half a file
    except OSError:
        pass  # a read-only checkout still renders, just without the cache
    return text


def img(latex: str, inline: bool = True) -> Markup:
    """An <img> of the formula; its bottom is lowered by the depth below the baseline."""
    text = svg(latex, inline)
    match = _VIEWBOX.search(text)
    if match is None:  # pragma: no cover - ziamath always writes a viewBox
        raise RuntimeError(f"ziamath gave no viewBox for {latex!r}")
    _, top, width, height = (float(v) for v in match.groups())
    depth = height + top
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    css = f"width:{width:.3f}px;height:{height:.3f}px;vertical-align:{-depth:.3f}px"
    kind = "math-inline" if inline else "math-display"
    return Markup(
        f'<img class="{kind}" style="{css}" alt="{escape(latex)}" '
        f'src="data:image/svg+xml;base64,{data}">'
    )
