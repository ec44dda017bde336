"""Typesetting the sheet: WeasyPrint, a private fontconfig and a locked-down URL fetcher
(the output file itself: ``solver.output``).

- The PDF is tagged (structure tree, the alt text of formulas and figures), carries the
  sheet's metadata and opens with its bookmarks shown (a finisher sets /PageMode).
- Fonts come only from matplotlib's bundled TTFs, through a ``fonts.conf`` written into a
  private folder made for this build (never a fixed, shared path that another local user
  could pre-plant with a symlink): ``.NAME.XXXXXXXX.tmp/`` beside the output, or a
  ``tempfile.mkdtemp`` folder when typesetting without an output. Its generic families
  (``monospace``, ``sans-serif``, ``serif``) name the DejaVu faces.
- SVG images reach WeasyPrint under short names, and their drawing is cached
  (``solver.sheet.speedups``).
- The URL fetcher serves files under ``templates/``, the named SVG images and inline
  ``data:`` URIs of at most MAX_DATA_URI characters, nothing else.
- What WeasyPrint only logs as an error (an image it could not draw: a formula missing
  from the page) fails the build.
- No /ID in the trailer (optional in PDF 1.7): with an identifier, pydyf serialises the
  whole file a second time to hash it. Builds are byte-identical without one (no dates).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.sax.saxutils import escape as xml_escape

from solver import interrupt
from solver.model import BuildError
from solver.output import locked_temporary, shown
from solver.render.fonts import font_folder
from solver.render.html import TEMPLATES
from solver.runtime import collector_paused

# The largest data: URI a full build embeds is a figure of about 42 kB; 1 MiB leaves
# room for any figure while bounding one image (a 1 MiB SVG of 17k shapes: ~4 s, 150 MB).
MAX_DATA_URI = 1024 * 1024


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
        fd, folder = locked_temporary(path, directory=True)
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
    typesetting speedups (``solver.sheet.speedups``)."""
    with private_fontconfig():
        from solver.sheet import speedups

        speedups.install()


# --- the fetcher and WeasyPrint -----------------------------------------------------------


def fetcher_class(images: Mapping[str, bytes] | None = None) -> type:
    """A WeasyPrint URL fetcher that serves templates/ files, data: URIs and the named SVG
    ``images`` (``solver.sheet.speedups.name_images``), nothing else."""
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
    """WeasyPrint's finisher: the viewer opens with the bookmarks panel shown, and the
    document's title, author, subject and keywords are also an XMP metadata stream
    (WeasyPrint writes one only for PDF/A, /UA and /X; no date or random id goes in)."""
    pdf.catalog["PageMode"] = "/UseOutlines"
    document.metadata.include_in_pdf(pdf, "", None, None, compress=True)


def typeset(html: str, announce: bool = True) -> bytes:
    """The PDF of ``html``: fonts from the private fontconfig, fetches locked down; tagged
    (structure, alt text of formulas and figures), the bookmarks panel open on start.
    Anything WeasyPrint reports as an error (an image it could not draw, a stylesheet it
    could not load) is a BuildError naming where it stands, not a PDF with a hole.
    ``announce``: a progress line says it is typesetting (a class run says it per variant)."""
    with private_fontconfig():
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError

        from solver.sheet import speedups

        speedups.install()
        if announce:
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


__all__ = ["MAX_DATA_URI", "fetcher_class", "preload", "private_fontconfig", "progress",
           "typeset", "workspace"]
