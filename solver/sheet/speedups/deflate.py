"""The ``deflate`` patch: pydyf deflates the PDF's streams at zlib's default level 6
instead of 9 (a file 2 % larger; the only change of bytes): the full sheet's 4.6 MB of
streams deflate in 0.10 s instead of 0.26 s."""

from __future__ import annotations

import types
import zlib
from typing import Any

COMPRESSION_LEVEL = 6


class _Deflate(types.ModuleType):
    """pydyf's ``zlib``: the real module, but compressobj at COMPRESSION_LEVEL."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(COMPRESSION_LEVEL, *args, **kwargs)


def install_compression_level(pydyf: Any) -> None:
    if not isinstance(pydyf.zlib, _Deflate):
        pydyf.zlib = _Deflate("zlib")
