"""The pages of the scans given: PDFs rendered with pdfium, images (PNG, JPEG, TIFF, one
page or many) decoded by OpenCV, each as a grey image near 200 dpi, with the SHA-256 of the
page's pixels as its name (the same page scanned into another file is the same page; a
page re-scanned is another). Every input is bounded before it is decoded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.model import InputError

MAX_FILE_BYTES = 500 * 2**20
MAX_PAGES = 5000  # of one file
MAX_PIXELS = 80_000_000  # of one page (A4 at 600 dpi is 35 MP)
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


def _damaged(path: Path, reason: str) -> ScanPage:
    """A file that is no readable scan, for the review list: named by its bytes."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return ScanPage(str(path), digest, None, reason)


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
    """The file's pages in order; a file that cannot be decoded is one page without an
    image (listed for review: it never stops the batch); one too large raises
    InputError."""
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
    import cv2
    import numpy as np

    data = np.frombuffer(path.read_bytes(), dtype=np.uint8)
    if path.suffix.lower() in (".tif", ".tiff"):
        ok, images = cv2.imdecodemulti(data, cv2.IMREAD_UNCHANGED)
        if not ok or not images:
            yield _damaged(path, "a damaged or unreadable TIFF file")
            return
    else:
        image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        if image is None:
            yield _damaged(path, "a damaged or unreadable image file")
            return
        images = [image]
    if len(images) > MAX_PAGES:
        raise InputError(f"{path}: more than {MAX_PAGES} pages")
    for number, image in enumerate(images, start=1):
        if image.shape[0] * image.shape[1] > MAX_PIXELS:
            raise InputError(f"{path}: page {number} has more than {MAX_PIXELS} pixels")
        where = f"{path}, page {number}" if len(images) > 1 else str(path)
        yield _named(where, _grey(image))


def _pdf_pages(path: Path) -> Iterator[ScanPage]:
    import numpy as np
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        yield _damaged(path, "a damaged or unreadable PDF file")
        return
    try:
        if len(document) > MAX_PAGES:
            raise InputError(f"{path}: more than {MAX_PAGES} pages")
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            if width * height * (PDF_DPI / 72) ** 2 > MAX_PIXELS or width <= 0 or height <= 0:
                raise InputError(f"{path}: page {index + 1} is too large to render")
            bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
            image = np.array(bitmap.to_numpy(), copy=True)
            if image.ndim == 3:
                image = image[:, :, 0]
            yield _named(f"{path}, page {index + 1}", image)
    finally:
        document.close()
