"""A wheel of this package, written from the files it runs from, byte for byte the same
for the same files.

An autograder bundle installs solver where it grades (Gradescope's image, a PrairieLearn
grading image). Building the wheel with pip would need a checkout and a build backend;
this package may run from either a checkout or an installed wheel, so the wheel is written
here from the package folder itself (the wheel format, PEP 427: the files, then
``*.dist-info`` with METADATA, WHEEL, entry_points.txt and RECORD), with every date fixed
so that one set of files always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import os
import tomllib
import zipfile
from functools import cache
from pathlib import Path

from solver.model import InputError

NAME = "solver"
DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no build time in the bytes


def _package() -> Path:
    return Path(__file__).resolve().parent.parent


def files() -> dict[str, Path]:
    """Archive name -> file: every file of the package but caches, and in a checkout the
    top-level ``templates/`` as ``solver/templates/`` (as pyproject.toml maps it)."""
    package = _package()
    found: dict[str, Path] = {}
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders
                               if d != "__pycache__" and not d.startswith("."))
        for name in names:
            if not name.startswith(".") and not name.endswith((".pyc", ".tmp")):
                path = Path(folder) / name
                found[f"{NAME}/{path.relative_to(package).as_posix()}"] = path
    templates = package.parent / "templates"
    if not (package / "templates").is_dir() and templates.is_dir():
        for path in sorted(templates.iterdir()):
            if path.suffix in (".j2", ".css"):
                found[f"{NAME}/templates/{path.name}"] = path
    return dict(sorted(found.items()))


@cache  # read by the wheel and by each bundle's torch pin
def metadata() -> tuple[str, str, tuple[str, ...]]:
    """(version, Requires-Python, Requires-Dist without the test extra) of this package:
    from its installed metadata, or from pyproject.toml beside a checkout."""
    try:
        found = importlib.metadata.metadata(NAME)
        requires = tuple(r for r in found.get_all("Requires-Dist") or [] if "extra ==" not in r)
        return found["Version"], found["Requires-Python"] or "", requires
    except importlib.metadata.PackageNotFoundError:
        pass
    project = _package().parent / "pyproject.toml"
    try:
        table = tomllib.loads(project.read_text(encoding="utf-8"))["project"]
        return table["version"], table.get("requires-python", ""), tuple(table["dependencies"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot tell this package's version and dependencies: it is not "
                         f"installed and {project} cannot be read ({error})") from None


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(
        b"=").decode()


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, DATE)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compresslevel=6)


def build() -> tuple[str, bytes]:
    """(``solver-VERSION-py3-none-any.whl``, its bytes)."""
    version, python, requires = metadata()
    info = f"{NAME}-{version}.dist-info"
    contents = {name: path.read_bytes() for name, path in files().items()}
    contents[f"{info}/METADATA"] = "".join(
        ["Metadata-Version: 2.1\n", f"Name: {NAME}\n", f"Version: {version}\n",
         "Summary: Worked, verified answer sheet for a deep-learning exam\n",
         *([f"Requires-Python: {python}\n"] if python else []),
         *(f"Requires-Dist: {r}\n" for r in requires)]).encode()
    contents[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: solver\n"
                                 b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    contents[f"{info}/entry_points.txt"] = b"[console_scripts]\nsolver = solver.cli:main\n"
    contents[f"{info}/top_level.txt"] = b"solver\n"
    record = "".join(f"{name},{_digest(data)},{len(data)}\n" for name, data in contents.items())
    contents[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    return f"{NAME}-{version}-py3-none-any.whl", archive(contents)


def archive(contents: dict[str, bytes], executable: frozenset[str] = frozenset()) -> bytes:
    """A zip of ``contents`` in the order given, every date fixed; the names in
    ``executable`` marked executable (0755), the others 0644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as written:
        for name, data in contents.items():
            _add(written, name, data, 0o755 if name in executable else 0o644)
    return buffer.getvalue()
