"""The build's disk cache: typeset formulas and figures (SVG), and the PDF operators that
draw them (``solver.sheet.speedups``).

It lives in the checkout's ``build/.mathcache`` when this package runs from a source
checkout and builds there (the output, or for a command without one the working
directory, lies inside the checkout: ``make pdf``), else in ``$XDG_CACHE_HOME/solver``
(``~/.cache/solver``), where a user's other builds find it; ``SOLVER_MATH_CACHE``
overrides both.
An entry is named by its key (a sha256 hex digest of everything it depends on) and a
suffix, and starts with a line holding that key and a digest of the rest: an entry that
does not match (truncated, corrupt, foreign) reads as missing and is written again. The
cache is an optimisation only: when it cannot be read or written, work is done without it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_HEADER = "<!-- solver-cache {key} {digest} -->\n"
_HEADER_PATTERN = re.compile(rb"<!-- solver-cache ([0-9a-f]{64}) ([0-9a-f]{64}) -->\n")


def _checkout_root() -> Path | None:
    """The source checkout this package runs from (pyproject.toml beside solver/), if any."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / "solver").is_dir():
        return ROOT
    return None


_destinations: list[Path] = []  # what the running command writes (innermost last)


@contextlib.contextmanager
def building(destination: Path) -> Iterator[None]:
    """While the block runs, ``destination`` (a file or folder) is what is being built:
    it decides whether the checkout's cache serves (see the module's docstring)."""
    _destinations.append(destination)
    try:
        yield
    finally:
        _destinations.pop()


@functools.lru_cache(maxsize=64)  # asked at every load and store: resolve each place once
def _inside(root: Path, place: Path) -> bool:
    try:
        return Path(os.path.realpath(place)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def cache_dir() -> Path | None:
    """Where entries are kept; None when no location can be named."""
    override = os.environ.get("SOLVER_MATH_CACHE", "")
    if override:  # an empty value means unset, not the current directory
        return Path(override)
    root = _checkout_root()
    if root is not None:
        try:
            place = _destinations[-1] if _destinations else Path.cwd()
        except OSError:  # the working directory was removed
            place = None
        if place is not None and _inside(root, place):
            return root / "build" / ".mathcache"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "solver"
    try:
        return Path.home() / ".cache" / "solver"
    except RuntimeError:  # no HOME and no password entry: no cache
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(key: str, suffix: str) -> bytes | None:
    """The body of the entry ``key + suffix`` if it is intact and is that key's, else None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"{key}{suffix}").read_bytes()
    except OSError:
        return None
    match = _HEADER_PATTERN.match(data)
    if match is None or match.group(1).decode() != key:
        return None
    body = data[match.end():]
    return body if match.group(2).decode() == _digest(body) else None


def store(key: str, suffix: str, body: bytes) -> None:
    """Write the entry atomically (temporary file, then rename); skip on any OS error."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key[:16]}.", suffix=".tmp")
    except OSError:
        return  # a read-only or missing location: work without the cache
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER.format(key=key, digest=_digest(body)).encode("ascii"))
            out.write(body)
        os.replace(temporary, folder / f"{key}{suffix}")  # never half a file for a reader
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(error, OSError):
            raise
