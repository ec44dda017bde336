"""The pages of the scans given: PDFs rendered with pdfium, images (PNG, JPEG, TIFF, one
page or many) decoded by OpenCV, each as a grey image near 200 dpi, with the SHA-256 of the
page's pixels as its name (the same page scanned into another file is the same page; a
page re-scanned is another). Every input is bounded before it is decoded."""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.model import InputError

# OpenCV refuses to decode an image whose header claims more pixels than this (a bomb);
# read when it decodes its first image, so set before any.
MAX_PIXELS = 80_000_000  # of one page (A4 at 600 dpi is 35 MP)
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))
# A damaged file is reported once, on the review list; OpenCV's own warnings are not.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

MAX_FILE_BYTES = 500 * 2**20
MAX_PAGES = 5000  # of one file
DPI = 200  # the reading resolution: pages are brought near it
PDF_DPI = 200
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
A4_INCHES = (8.27, 11.69)


@dataclass(frozen=True)
class ScanPage:
    source: str  # "batch.pdf, page 3" (the file as given)
    sha: str
    image: Any  # a grey uint8 numpy array; None when the file could not be decoded
    problem: str = ""  # why not


def _damaged(path: Path, reason: str, where: str = "", page: int = 0) -> ScanPage:
    """A file or page that is no readable scan, for the review list: named by the file's
    bytes (and the page's number)."""
    digest = hashlib.sha256(path.read_bytes() + f"#{page}".encode()).hexdigest()
    return ScanPage(where or shown(path), digest, None, reason)


def check_inputs(paths: list[str]) -> list[Path]:
    """Each path an existing readable file of a known kind, or an InputError naming it."""
    found = []
    for name in paths:
        path = Path(name)
        suffix = path.suffix.lower()
        if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
            raise InputError(f"{name}: not a scan (give PDF, PNG, JPEG or TIFF files)")
        try:
            size = path.stat().st_size
        except OSError as error:
            raise InputError(f"{name}: {error.strerror or error}") from None
        if not path.is_file():
            raise InputError(f"{name}: not a file")
        if size > MAX_FILE_BYTES:
            raise InputError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        found.append(path)
    return found


def pages(path: Path) -> Iterator[ScanPage]:
    """The file's pages in order; a file or page that cannot be decoded, or is too large,
    is a page without an image (listed for review with why: it never stops the batch)."""
    if path.suffix.lower() == ".pdf":
        yield from _pdf_pages(path)
    else:
        yield from _image_pages(path)


def _named(source: str, image: Any) -> ScanPage:
    import numpy as np

    image = _near_reading_dpi(np.ascontiguousarray(image))
    digest = hashlib.sha256(f"{image.shape}".encode() + image.tobytes()).hexdigest()
    return ScanPage(source, digest, image)


def _near_reading_dpi(image: Any) -> Any:
    """Larger scans brought down to about DPI (area averaging): reading is as good and
    every later step faster; smaller ones are left as they are."""
    import cv2

    height, width = image.shape[:2]
    dpi = max(width / A4_INCHES[0], height / A4_INCHES[1]) if height > width else max(
        width / A4_INCHES[1], height / A4_INCHES[0])
    if dpi <= DPI * 1.15:
        return image
    scale = DPI / dpi
    return cv2.resize(image, (round(width * scale), round(height * scale)),
                      interpolation=cv2.INTER_AREA)


def _grey(image: Any) -> Any:
    import cv2

    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if image.dtype != "uint8":
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1.0, float(image.max())))
    return image


def _image_pages(path: Path) -> Iterator[ScanPage]:
    """An image file's pages, one decoded at a time (a TIFF of many pages stays in bounds);
    a page larger than MAX_PIXELS is refused by OpenCV before it is decoded (its header
    says the size) and goes on the review list."""
    import cv2
    import numpy as np

    tiff = path.suffix.lower() in (".tif", ".tiff")
    try:
        count = cv2.imcount(str(path)) if tiff else 1
    except cv2.error:
        count = 0
    if count > MAX_PAGES:
        yield _damaged(path, f"a TIFF file of {count} pages (more than {MAX_PAGES})")
        return
    for number in range(1, max(count, 1) + 1):
        try:
            if tiff:
                ok, frames = cv2.imreadmulti(str(path), start=number - 1, count=1,
                                             flags=cv2.IMREAD_UNCHANGED)
                image = frames[0] if ok and frames else None
            else:
                image = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
        except cv2.error:
            image = None
        where = f"{shown(path)}, page {number}" if count > 1 else shown(path)
        if image is None:
            yield _damaged(path, "a damaged or unreadable image file, or a page larger than "
                                 f"{MAX_PIXELS} pixels", where, number)
            continue
        yield _named(where, _grey(image))


RENDER_SECONDS = 30  # to draw one PDF page: a scan's page takes well under a second
RENDER_BYTES = 2 * 2**30  # more memory than the process had before


def _bounded_render(document: Any, index: int) -> Any:
    """Page ``index`` loaded and drawn at PDF_DPI in grey by a forked child limited in
    memory and time (a few kilobytes of nested forms can ask pdfium for gigabytes, already
    when it loads the page); None when it failed."""
    import resource
    import signal

    import numpy as np

    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: draw, send the size and the pixels, leave without clean-up
        code = 1
        try:
            os.close(reader)
            pages = int(Path("/proc/self/statm").read_text().split()[0])
            limit = pages * os.sysconf("SC_PAGE_SIZE") + RENDER_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            signal.alarm(RENDER_SECONDS)
            image = document[index].render(scale=PDF_DPI / 72, grayscale=True).to_numpy()
            image = np.ascontiguousarray(image[:, :, 0] if image.ndim == 3 else image,
                                         dtype=np.uint8)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(struct.pack(">II", *image.shape) + image.tobytes())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        head = pipe.read(8)
        rows, columns = struct.unpack(">II", head) if len(head) == 8 else (0, 0)
        size = rows * columns
        data = pipe.read(size + 1) if 0 < size <= MAX_PIXELS else b""
    _, status = os.waitpid(child, 0)
    if status != 0 or not data or len(data) != size:
        return None
    return np.frombuffer(data, np.uint8).reshape(rows, columns).copy()


def shown(path: Path) -> str:
    """A file's name as the pages and tables show it: bytes that are no UTF-8 escaped."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _pdf_pages(path: Path) -> Iterator[ScanPage]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        yield _damaged(path, "a damaged or unreadable PDF file")
        return
    try:
        if len(document) > MAX_PAGES:
            yield _damaged(path, f"a PDF of {len(document)} pages (more than {MAX_PAGES})")
            return
        for index in range(len(document)):
            width, height = document.get_page_size(index)
            if not (0 < width * height * (PDF_DPI / 72) ** 2 <= MAX_PIXELS):
                yield _damaged(path, f"a page of {width:.0f} × {height:.0f} points: not an "
                                     "A4 scan", f"{shown(path)}, page {index + 1}", index + 1)
                continue
            image = _bounded_render(document, index)
            where = f"{shown(path)}, page {index + 1}"
            if image is None:
                yield _damaged(path, f"a page that could not be drawn within {RENDER_SECONDS} s "
                                     f"and {RENDER_BYTES // 2**30} GiB (a damaged or hostile "
                                     "PDF?)", where, index + 1)
                continue
            yield _named(where, image)
    finally:
        document.close()
