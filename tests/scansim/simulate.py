"""A scanning session of marked booklets, with its ground truth.

simulate() fills in booklet pages as students would (pages.py), scans each crookedly
(distort.py), adds what else ends up in a feeder (a blank sheet, a page of another
document, a page scanned twice), shuffles the pages across PNG, JPEG, TIFF and multi-page
PDF files and writes truth.json: for every page of every file, what it is and the mark
in every box. One seed fixes every byte.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tests.scansim import distort, foreign, pages
from tests.scansim.answers import Mix
from tests.scansim.layout import Booklet, Layout, Page, load
from tests.scansim.pages import ARRANGE, EXTRA, SCAN, stream

TRUTH_FILE = "truth.json"
TRUTH_FORMAT = "scansim-truth/1"
ROTATE_DEG = 5.0  # the page lies up to this crooked on the glass
SCALE = (0.95, 1.05)
SHIFT_MM = 4.0
NOISE_SIGMA = (1.0, 6.0)  # grey levels
BLUR_SIGMA = (0.3, 1.0)  # pixels at 200 dpi, proportionally more at higher dpi
UPSIDE_DOWN = 0.10
JPEG_SHARE, TIFF_SHARE, PDF_SHARE = 0.20, 0.10, 0.25
PDF_PAGES = 4  # at most, per PDF
JPEG_QUALITY = 50
PT_PER_MM = 72 / 25.4
FIDUCIAL_MARGIN_MM = 1.0  # a corner marker this close to the scan's edge counts as cut off
PLACEMENT_TRIES = 100


@dataclass(frozen=True)
class Scan:
    """How one sheet went through the scanner."""

    dpi: int
    rotate_deg: float
    scale: float
    shift_mm: tuple[float, float]
    noise_sigma: float
    blur_sigma: float
    upside_down: bool


@dataclass(frozen=True)
class Job:
    """One sheet to scan: a booklet page (booklet, page set), a blank or a foreign page."""

    kind: str
    scan: Scan
    key: tuple[int, ...]  # its streams of randomness: (*key, 0) scan settings, (*key, 1) pixels
    booklet: Booklet | None = None
    page: Page | None = None
    duplicate: bool = False


def _scan(rng: np.random.Generator, dpis: Sequence[int],
          fits: Callable[[Scan], bool] | None = None) -> Scan:
    """How a sheet goes through the scanner; redrawn until fits (if given) accepts it."""
    scan = _draw_scan(rng, dpis)
    for _ in range(PLACEMENT_TRIES):
        if fits is None or fits(scan):
            break
        scan = _draw_scan(rng, dpis)
    return scan


def _draw_scan(rng: np.random.Generator, dpis: Sequence[int]) -> Scan:
    dpi = int(dpis[int(rng.integers(len(dpis)))])
    return Scan(
        dpi=dpi,
        rotate_deg=float(rng.uniform(-ROTATE_DEG, ROTATE_DEG)),
        scale=float(rng.uniform(*SCALE)),
        shift_mm=(float(rng.uniform(-SHIFT_MM, SHIFT_MM)),
                  float(rng.uniform(-SHIFT_MM, SHIFT_MM))),
        noise_sigma=float(rng.uniform(*NOISE_SIGMA)),
        blur_sigma=float(rng.uniform(*BLUR_SIGMA) * dpi / 200),
        upside_down=bool(rng.random() < UPSIDE_DOWN),
    )


def _jobs(layout: Layout, chosen: Sequence[Booklet], seed: int, dpis: Sequence[int],
          extras: bool, keep_fiducials: bool, only: Sequence[int] | str | None = None
          ) -> list[Job]:
    jobs = []
    key: tuple[int, ...]
    fits = partial(_fiducials_inside, layout) if keep_fiducials else None
    for booklet in chosen:
        for page in booklet.pages:
            if only == "boxes" and not page.boxes:
                continue
            if only is not None and only != "boxes" and page.page not in only:
                continue
            key = (SCAN, booklet.booklet, page.page)
            scan = _scan(stream(seed, *key, 0), dpis, fits)
            jobs.append(Job("booklet", scan, key, booklet, page))
    if extras:
        rng = stream(seed, EXTRA)
        for k, kind in enumerate(("blank", "foreign")):
            key = (EXTRA, k + 1)
            jobs.append(Job(kind, _scan(stream(seed, *key, 0), dpis), key))
        if jobs[0].kind == "booklet":
            again = jobs[int(rng.integers(len(jobs) - 2))]
            key = (*again.key, 2)
            # the same marked page, at the same dpi, put on the glass again
            rescan = _scan(stream(seed, *key, 0), [again.scan.dpi], fits)
            jobs.append(Job("booklet", rescan, key, again.booklet, again.page, duplicate=True))
    return jobs


def _files(jobs: list[Job], rng: np.random.Generator) -> list[tuple[str, list[Job]]]:
    """Shuffle the sheets and pack them into files: (format, sheets) in scan order. A PDF
    holds sheets of one dpi; at least one PDF holds two or more when any dpi has two."""
    order = [jobs[int(i)] for i in rng.permutation(len(jobs))]
    in_pdf = [rng.random() < PDF_SHARE for _ in order]
    by_dpi: dict[int, list[int]] = defaultdict(list)
    for i, job in enumerate(order):
        by_dpi[job.scan.dpi].append(i)
    if not any(sum(in_pdf[i] for i in group) >= 2 for group in by_dpi.values()):
        group = max(by_dpi.values(), key=len, default=[])
        if len(group) >= 2:
            for i in rng.choice(group, size=2, replace=False):
                in_pdf[int(i)] = True
    files: list[tuple[str, list[Job]]] = []
    open_pdf: dict[int, list[Job]] = {}
    for job, pdf in zip(order, in_pdf, strict=True):
        if pdf:
            sheets = open_pdf.get(job.scan.dpi)
            if sheets is None or len(sheets) >= PDF_PAGES:
                sheets = open_pdf[job.scan.dpi] = []
                files.append(("pdf", sheets))
            sheets.append(job)
            continue
        r = rng.random()
        files.append(("jpeg" if r < JPEG_SHARE else "tiff" if r < JPEG_SHARE + TIFF_SHARE
                      else "png", [job]))
    return files


def _page_shape(layout: Layout, dpi: int) -> tuple[int, int]:
    """(height, width) in pixels of a booklet page rendered at dpi (pdfium rounds up)."""
    s = dpi / 72
    return (math.ceil(layout.height * s - 1e-6), math.ceil(layout.width * s - 1e-6))


def _fiducials_inside(layout: Layout, scan: Scan) -> bool:
    """Whether all four corner markers lie wholly inside the scanned image, at least
    FIDUCIAL_MARGIN_MM from its edges."""
    shape = _page_shape(layout, scan.dpi)
    matrix = distort.placement(shape, dpi=scan.dpi, rotate_deg=scan.rotate_deg,
                               scale=scan.scale, shift_mm=scan.shift_mm,
                               upside_down=scan.upside_down)
    s = scan.dpi / 72
    margin = FIDUCIAL_MARGIN_MM * scan.dpi / 25.4
    for f in layout.fiducials:
        corners = np.array([[f.x, f.y], [f.x + f.size, f.y], [f.x, f.y + f.size],
                            [f.x + f.size, f.y + f.size]]) * s
        moved = corners @ matrix[:, :2].T + matrix[:, 2]
        if (moved.min(axis=0) < margin).any() or (
                moved.max(axis=0) > np.array([shape[1], shape[0]]) - margin).any():
            return False
    return True


def _sheet(booklets_dir: Path, layout: Layout, job: Job, seed: int, mix: Mix, mode: str,
           writers: Mapping[int, pages.Writer]) -> tuple[NDArray[np.uint8], dict[str, Any]]:
    """One scanned sheet and its truth."""
    size_mm = (layout.width / PT_PER_MM, layout.height / PT_PER_MM)
    rng = stream(seed, *job.key, 1)
    chosen: dict[str, str] = {}
    if job.booklet is not None and job.page is not None:
        image, chosen = pages.filled_page(booklets_dir, job.booklet, job.page,
                                          writers[job.booklet.booklet], seed, job.scan.dpi,
                                          mix, mode)
    elif job.kind == "foreign":
        image = foreign.text_page(rng, job.scan.dpi, size_mm)
    else:
        image = foreign.blank_page(job.scan.dpi, size_mm)
    scan = job.scan
    scanned = distort.scan_like(image, rng, dpi=scan.dpi, rotate_deg=scan.rotate_deg,
                                scale=scan.scale, shift_mm=scan.shift_mm,
                                noise_sigma=scan.noise_sigma, blur_sigma=scan.blur_sigma,
                                upside_down=scan.upside_down)
    truth: dict[str, Any] = {
        "kind": job.kind,
        "booklet": job.booklet.booklet if job.booklet else None,
        "page": job.page.page if job.page else None,
        "duplicate": job.duplicate,
        "dpi": scan.dpi,
        "upside_down": scan.upside_down,
        "fiducials_inside": _fiducials_inside(layout, scan) if job.kind == "booklet" else None,
        "scan": {"rotate_deg": round(scan.rotate_deg, 4), "scale": round(scan.scale, 5),
                 "shift_mm": [round(v, 4) for v in scan.shift_mm],
                 "noise_sigma": round(scan.noise_sigma, 4),
                 "blur_sigma": round(scan.blur_sigma, 4)},
        "marks": chosen,
    }
    return scanned, truth


def simulate(
    booklets_dir: Path,
    out_dir: Path,
    seed: int,
    *,
    dpis: Sequence[int] = (150, 200, 300),
    booklets: list[int] | None = None,
    extras: bool = True,
    mix: dict[str, float] | None = None,
    answers: str = "random",
    keep_fiducials: bool = True,
    only_pages: Sequence[int] | str | None = None,
) -> dict[str, Any]:
    """Scan the booklets in booklets_dir (all, or those numbered in booklets) as marked by
    students into out_dir; write out_dir/truth.json and return it. answers: "random" (as
    students answer), "blank" (no box marked) or "every" (every box marked from mix).
    keep_fiducials: redraw a booklet page's placement (within the same ranges) until its
    four corner markers lie inside the scan; False lets some be cut off. only_pages: scan
    only these page numbers of each booklet, or "boxes": the pages that have boxes."""
    booklets_dir, out_dir = Path(booklets_dir), Path(out_dir)
    layout = load(booklets_dir)
    known = {b.booklet: b for b in layout.booklets}
    missing = sorted(set(booklets or []) - set(known))
    if missing:
        raise ValueError(f"no booklet numbered {missing} in {booklets_dir}")
    chosen = [known[n] for n in sorted(known) if booklets is None or n in booklets]
    marks_mix = Mix(mix)
    writers = {b.booklet: pages.writer(layout, b, seed) for b in chosen}
    jobs = _jobs(layout, chosen, seed, dpis, extras, keep_fiducials, only_pages)
    files = _files(jobs, stream(seed, ARRANGE))
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (fmt, jobs) in enumerate(files, start=1):
        ext = {"jpeg": "jpg", "tiff": "tif"}.get(fmt, fmt)
        name = f"scan-{number:03d}.{ext}"
        images, truths = [], []
        for job in jobs:
            image, truth = _sheet(booklets_dir, layout, job, seed, marks_mix, answers, writers)
            images.append(image)
            truths.append(truth)
        dpi = jobs[0].scan.dpi
        if fmt == "pdf":
            distort.save_pdf(images, out_dir / name, dpi)
        else:
            distort.save(images[0], out_dir / name, fmt, jpeg_quality=JPEG_QUALITY, dpi=dpi)
        entries.append({"file": name, "format": fmt, "pages": truths})
    result: dict[str, Any] = {
        "format": TRUTH_FORMAT,
        "seed": seed,
        "students": {str(n): w.number for n, w in writers.items()},
        "files": entries,
    }
    with open(out_dir / TRUTH_FILE, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    return result
