"""Typesetting the sheet: WeasyPrint, a private fontconfig, a locked-down URL fetcher, and
an atomic write of the PDF.

- The PDF is tagged (structure tree, the alt text of formulas and figures), carries the
  sheet's metadata and opens with its bookmarks shown (a finisher sets /PageMode).
- Fonts come only from matplotlib's bundled TTFs, through a ``fonts.conf`` written into a
  private folder made for this build (never a fixed, shared path that another local user
  could pre-plant with a symlink): ``.NAME.XXXXXXXX.tmp/`` beside the output, or a
  ``tempfile.mkdtemp`` folder when typesetting without an output. Its generic families
  (``monospace``, ``sans-serif``, ``serif``) name the DejaVu faces.
- SVG images reach WeasyPrint under short names, and their drawing is cached
  (``solver.speedups``).
- The URL fetcher serves files under ``templates/``, the named SVG images and inline
  ``data:`` URIs of at most MAX_DATA_URI characters, nothing else.
- What WeasyPrint only logs as an error (an image it could not draw: a formula missing
  from the page) fails the build.
- No /ID in the trailer (optional in PDF 1.7): with an identifier, pydyf serialises the
  whole file a second time to hash it. Builds are byte-identical without one (no dates).
- The PDF is written to ``.NAME.XXXXXXXX.tmp`` beside its target and renamed onto it only
  when complete, so a failed build keeps the previous PDF. Each temporary holds an
  ``flock`` while its build runs; one left by a killed build (the lock is gone with its
  process) is swept by the next build of the same output.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.sax.saxutils import escape as xml_escape

from solver import interrupt
from solver.model import BuildError, InputError
from solver.render.fonts import font_folder
from solver.render.html import TEMPLATES
from solver.runtime import collector_paused

# The largest data: URI a full build embeds is a figure of about 42 kB; 1 MiB leaves
# room for any figure while bounding one image (a 1 MiB SVG of 17k shapes: ~4 s, 150 MB).
MAX_DATA_URI = 1024 * 1024

# Temporaries beside the output are named ".NAME.XXXXXXXX.tmp" (mkstemp's 8 random
# characters), and a file name may have at most NAME_MAX bytes.
NAME_MAX = 255
PATH_MAX = 4096
TEMP_PREFIX_SUFFIX = 2 + 8 + len(".tmp")
MAX_OUTPUT_NAME = NAME_MAX - TEMP_PREFIX_SUFFIX  # 241 bytes
_RANDOM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
LOCK_NAME = "lock"
# A workspace folder without its lock file is one whose build was killed between creating
# the folder and locking it (microseconds); after this long it is certainly abandoned.
UNLOCKED_GRACE_SECONDS = 600

_FS_IOC_GETFLAGS = 0x80086601  # Linux: read a file's inode flags (chattr)
_FS_IMMUTABLE_FL = 0x00000010
_FS_APPEND_FL = 0x00000020


def progress(message: str) -> None:
    """One progress line on stderr; never fails the build (stderr may be closed or full).
    A stop signal whose exception was dropped is raised here, between steps."""
    interrupt.check()
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(f"solver: {message}\n")
        stream.flush()


def shown(path: str | Path) -> str:
    """A path for an error message: repr (newlines and escape codes stay visible), and
    its middle elided when it is very long."""
    text = str(path)
    if len(text) > 300:
        text = text[:140] + "..." + text[-140:]
    return repr(text)


# --- the output path ---------------------------------------------------------------------


def _flags(path: Path) -> int:
    """The target's chattr flags (0 if it is missing, a symlink, or flags are unknown)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return 0
    try:
        buffer = bytearray(8)
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, buffer, True)
        return int.from_bytes(buffer[:4], sys.byteorder)
    except OSError:
        return 0
    finally:
        os.close(fd)


def _check_replaceable(path: Path, name: str, parent: Path) -> None:
    """In a sticky folder (/tmp), another user's file cannot be replaced: say so now."""
    try:
        target = os.lstat(path)
        folder = os.stat(parent)
    except OSError:
        return
    me = os.geteuid()
    if folder.st_mode & stat.S_ISVTX and me not in (0, target.st_uid, folder.st_uid):
        raise InputError(
            f"--output {name} belongs to another user in a shared (sticky) folder, so it "
            "cannot be replaced; give another path"
        )


def check_output(output: str) -> Path:
    """The --output path, or an InputError before any work if it cannot be written."""
    name = shown(output)
    if not output or "\0" in output:
        raise InputError(f"--output {name} is not a file path; give a path ending in .pdf")
    path = Path(output)
    try:
        is_dir = path.is_dir()
    except OSError:  # a name too long to look up: reported below
        is_dir = False
    if is_dir:
        raise InputError(f"--output {name} is a directory; give a file path ending in .pdf")
    if path.suffix.lower() != ".pdf":
        raise InputError(f"--output {name} must end in .pdf")
    size = len(os.fsencode(path.name))
    if size > MAX_OUTPUT_NAME:
        raise InputError(
            f"--output {name}: the file name is {size} bytes long; at most "
            f"{MAX_OUTPUT_NAME} bytes are allowed (a temporary file is written beside it)"
        )
    for part in path.parent.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise InputError(
                f"--output {name}: the folder name {shown(part)} is longer than "
                f"{NAME_MAX} bytes, the most a file system allows"
            )
    try:
        full = len(os.fsencode(os.path.abspath(output)))
        if full + TEMP_PREFIX_SUFFIX >= PATH_MAX:
            raise InputError(
                f"--output {name}: the full path is {full} bytes long; at most "
                f"{PATH_MAX - TEMP_PREFIX_SUFFIX - 1} bytes are allowed"
            )
        parent = path.parent
        while not os.path.lexists(parent):
            parent = parent.parent
        is_folder = parent.is_dir()
    except OSError as error:
        raise InputError(f"--output {name}: {error.strerror or error}") from None
    if not is_folder:
        raise InputError(f"--output {name}: {shown(parent)} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--output {name}: cannot write in {shown(parent)}")
    _check_replaceable(path, name, parent)
    if _flags(path) & (_FS_IMMUTABLE_FL | _FS_APPEND_FL):
        raise InputError(
            f"--output {name} is immutable or append-only (chattr +i/+a), so it cannot be "
            "replaced; give another path or clear the flag"
        )
    return path


def make_parents(path: Path) -> list[Path]:
    """Create the output's missing folders; return them, deepest first, for rollback."""
    missing = []
    parent = path.parent
    while not os.path.lexists(parent):
        missing.append(parent)
        parent = parent.parent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create {shown(path.parent)}: {error.strerror or error}") from None
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Undo :func:`make_parents` after a failed build (only folders still empty)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


# --- temporaries beside the output, and sweeping those of killed builds -------------------


def _temporary_name(path: Path, name: str) -> bool:
    prefix = f".{path.name}."
    if not (name.startswith(prefix) and name.endswith(".tmp")):
        return False
    middle = name[len(prefix):-len(".tmp")]
    return len(middle) == 8 and set(middle) <= _RANDOM_CHARS


def _abandoned(lock: Path) -> bool:
    """True if nobody holds the flock on ``lock`` (its build is over or was killed)."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:  # BlockingIOError: a running build holds it
        return False
    finally:
        os.close(fd)


def sweep_stale(path: Path) -> list[str]:
    """Remove this output's temporaries left by killed builds; return their names.

    Only entries named like our temporaries, owned by this user and not locked by a
    running build are removed; a concurrent build of the same output is left alone.
    """
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    swept = []
    for name in sorted(names):
        if not _temporary_name(path, name):
            continue
        entry = path.parent / name
        try:
            info = os.lstat(entry)
        except OSError:
            continue
        if info.st_uid != os.geteuid():
            continue
        if stat.S_ISREG(info.st_mode):
            if _abandoned(entry):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    swept.append(name)
        elif stat.S_ISDIR(info.st_mode):
            lock = entry / LOCK_NAME
            if os.path.lexists(lock):
                stale = _abandoned(lock)
            else:
                stale = time.time() - info.st_mtime > UNLOCKED_GRACE_SECONDS
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                if not os.path.lexists(entry):
                    swept.append(name)
    return swept


def _locked_temporary(path: Path, directory: bool) -> tuple[int, Path]:
    """A new temporary beside ``path`` and an fd holding its flock (retried if swept)."""
    for _ in range(5):
        if directory:
            folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
            target = folder / LOCK_NAME
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                fd = os.open(target, flags, 0o600)
            except FileNotFoundError:  # swept in between: try another name
                continue
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            temporary = folder
        else:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            target = temporary = Path(name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.lstat(target).st_ino:
                return fd, temporary
        except OSError:  # a sweeper holds it, or removed it: it deletes it, we retry
            pass
        os.close(fd)
    raise BuildError(f"could not create a temporary file beside {shown(path)}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed build never leaves half a PDF."""
    interrupt.check()  # a stopped build writes nothing
    try:
        fd, temporary = _locked_temporary(path, directory=False)
    except OSError as error:
        raise BuildError(f"cannot write beside {shown(path)}: {error.strerror or error}") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.fchmod(fd, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise BuildError(f"cannot write {shown(path)}: {error.strerror or error}") from None
        raise
    finally:
        os.close(fd)


# --- the private fontconfig ---------------------------------------------------------------

_active: list[Path] = []  # fonts.conf of the innermost active workspace
GENERIC_FAMILIES = {"monospace": "DejaVu Sans Mono", "sans-serif": "DejaVu Sans",
                    "serif": "DejaVu Serif"}


def _write_fonts_conf(folder: Path) -> Path:
    """Write fonts.conf into the private ``folder`` (a new file: never through a link)."""
    # No <cachedir>: scanning the 40-odd bundled fonts takes about 10 ms, and a cache
    # would be one more place to write (and the folder's path, which may hold any
    # character, would have to be spelled in XML).
    fonts = font_folder()
    # The generic families name the bundled DejaVu faces: without these aliases a
    # `monospace` (a browser's default for <pre> and <code>) falls back to DejaVu Sans.
    aliases = "".join(
        f"  <alias><family>{generic}</family><prefer><family>{face}</family></prefer></alias>\n"
        for generic, face in GENERIC_FAMILIES.items()
    )
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{xml_escape(str(fonts))}</dir>\n{aliases}</fontconfig>\n"
    )
    conf = folder / "fonts.conf"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(conf, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return conf


@contextlib.contextmanager
def _fontconfig_in(folder: Path) -> Iterator[Path]:
    try:
        conf = _write_fonts_conf(folder)
    except OSError as error:
        raise BuildError(f"cannot write fonts.conf in {shown(folder)}: {error}") from None
    previous = os.environ.get("FONTCONFIG_FILE")
    # Absolute: fontconfig reads a relative FONTCONFIG_FILE against its own config folder
    # (/etc/fonts), not the working directory, and then loads no configuration at all.
    os.environ["FONTCONFIG_FILE"] = os.path.abspath(conf)
    _active.append(conf)
    try:
        yield conf
    finally:
        _active.pop()
        if previous is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = previous


@contextlib.contextmanager
def workspace(path: Path) -> Iterator[Path]:
    """A private, locked folder beside the output for this build's fontconfig; removed after."""
    try:
        fd, folder = _locked_temporary(path, directory=True)
    except OSError as error:
        raise BuildError(
            f"cannot create a folder beside {shown(path)}: {error.strerror or error}"
        ) from None
    try:
        with _fontconfig_in(folder) as conf:
            yield conf
    finally:
        os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def private_fontconfig() -> Iterator[Path]:
    """The active workspace's fontconfig, or one in a new private temporary folder."""
    if _active:
        yield _active[-1]
        return
    try:
        folder = Path(tempfile.mkdtemp(prefix="solver-fontconfig-"))
    except OSError as error:
        raise BuildError(f"no private folder for fontconfig: {error}") from None
    try:
        with _fontconfig_in(folder) as conf:
            yield conf
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def preload() -> None:
    """Import WeasyPrint (it reads the font configuration on import) and install the
    typesetting speedups (``solver.speedups``)."""
    with private_fontconfig():
        from solver import speedups

        speedups.install()


# --- the fetcher and WeasyPrint -----------------------------------------------------------


def fetcher_class(images: Mapping[str, bytes] | None = None) -> type:
    """A WeasyPrint URL fetcher that serves templates/ files, data: URIs and the named SVG
    ``images`` (``solver.speedups.name_images``), nothing else."""
    named = dict(images or {})
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class BlockedFetch(FatalURLFetchingError):  # type: ignore[misc]
        pass

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                if len(url) > MAX_DATA_URI:
                    raise BlockedFetch(
                        f"refused to fetch a data: URI of {len(url)} characters; "
                        f"at most {MAX_DATA_URI} are allowed"
                    )
                return super().fetch(url, headers)
            if url in named:
                return URLFetcherResponse(url, named[url], {"Content-Type": "image/svg+xml"})
            parsed = urlparse(url)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(TEMPLATES) and path.is_file():
                    mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            text = url if len(url) <= 200 else url[:200] + "..."
            text = text if text.isprintable() else repr(text)
            raise BlockedFetch(f"refused to fetch {text}: only templates/ assets are allowed")

    return AssetFetcher


def _open_outlines(document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher: the viewer opens with the bookmarks panel shown."""
    pdf.catalog["PageMode"] = "/UseOutlines"


def typeset(html: str) -> bytes:
    """The PDF of ``html``: fonts from the private fontconfig, fetches locked down; tagged
    (structure, alt text of formulas and figures), the bookmarks panel open on start.
    Anything WeasyPrint reports as an error (an image it could not draw, a stylesheet it
    could not load) is a BuildError naming where it stands, not a PDF with a hole."""
    with private_fontconfig():
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError

        from solver import speedups

        speedups.install()
        progress("typesetting the PDF")
        html, images = speedups.name_images(html, MAX_DATA_URI)
        try:
            with _errors_fail_the_build(html):
                document = weasyprint.HTML(
                    string=html, base_url=TEMPLATES.as_uri() + "/",
                    url_fetcher=fetcher_class(images)(),
                )
                with collector_paused():
                    pdf: bytes = document.write_pdf(pdf_tags=True, finisher=_open_outlines)
        except FatalURLFetchingError as error:
            raise BuildError(str(error)) from None
    return pdf


class _Errors(logging.Handler):
    """What WeasyPrint logs at ERROR level while it typesets: it reports an unusable
    resource (an SVG that failed halfway, an image or stylesheet it could not load) by
    logging it and going on without it."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _errors_fail_the_build(html: str) -> Iterator[None]:
    """Collect WeasyPrint's errors while the block runs; if it logged any, raise a
    BuildError (one line) naming the first, where it stands in ``html``, and how many."""
    logger = logging.getLogger("weasyprint")
    errors = _Errors()
    level = logger.level
    if logger.getEffectiveLevel() > logging.ERROR:  # a caller quietened it: still hear errors
        logger.setLevel(logging.ERROR)
    logger.addHandler(errors)
    try:
        yield
    finally:
        logger.removeHandler(errors)
        logger.setLevel(level)
    if errors.records:
        raise BuildError(_error_line(errors.records, html))


_IMAGE_NAME = re.compile(r"solver-svg:[0-9a-f]{64}")
_RUNNING_HEADER = re.compile(r'data-running="([^"]*)"')


def _error_line(records: list[logging.LogRecord], html: str) -> str:
    """The first error in one line: where it stands (the question whose running header
    precedes its image), what failed, and how many more there were."""
    message = " ".join(records[0].getMessage().split())
    where = ""
    name = _IMAGE_NAME.search(message)
    if name is not None:
        message = message.replace(name.group(0), "(a formula or figure)")
        position = html.find(name.group(0))
        headers = _RUNNING_HEADER.findall(html, 0, max(position, 0))
        if headers:
            where = f"{html_unescape(headers[-1])}: "
    more = f" (and {len(records) - 1} more errors)" if len(records) > 1 else ""
    if len(message) > 300:
        message = message[:300] + "..."
    return f"{where}WeasyPrint reported: {message}{more}"


__all__ = [
    "MAX_DATA_URI", "MAX_OUTPUT_NAME", "check_output", "fetcher_class", "make_parents",
    "preload", "private_fontconfig", "progress", "remove_empty", "sweep_stale", "typeset",
    "workspace", "write_atomically",
]
