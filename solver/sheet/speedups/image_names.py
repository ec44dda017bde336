"""Short names for the sheet's inline SVG images: the typesetter reads ``solver-svg:DIGEST``
instead of a base64 ``data:`` URI and fetches the image from memory (not a patch:
WeasyPrint's URL fetcher API; ``solver.typeset`` serves the names)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

SCHEME = "solver-svg:"
_DATA_PREFIX = "data:image/svg+xml;base64,"
_INLINE_SVG = re.compile(r'(<img\b[^>]*?\bsrc=")' + re.escape(_DATA_PREFIX) + r'([A-Za-z0-9+/=]+)"')


def name_images(html: str, longest: int) -> tuple[str, dict[str, bytes]]:
    """``html`` with each ``<img>``'s inline SVG replaced by a ``solver-svg:`` name, and
    the SVG of each name (the sha256 digest of its bytes: one entry per distinct image).
    A data: URI longer than ``longest`` characters is left for the fetcher to refuse."""
    images: dict[str, bytes] = {}

    def replace(match: re.Match[str]) -> str:
        if len(_DATA_PREFIX) + len(match.group(2)) > longest:
            return match.group(0)
        try:
            data = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)  # not ours to name: WeasyPrint reads it as it is
        name = SCHEME + hashlib.sha256(data).hexdigest()
        images[name] = data
        return f'{match.group(1)}{name}"'

    return _INLINE_SVG.sub(replace, html), images
