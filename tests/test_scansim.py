"""The scan simulator checked against facts measured independently of how it draws: each
mark's darkness lies in its class's stated range, ink only darkens, an upside-down scan
puts the top-left marker bottom-right, a seed fixes every byte, and truth.json names every
box of every scanned page. Without these the reader's tests would prove nothing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2
import pytest
from PIL import Image

from tests.scansim import distort, marks
from tests.scansim.render import pt_box_to_px, render_page
from tests.scansim.simulate import simulate
from tests.scansim.synthetic import make_booklets

DPIS = (150, 300)
SAMPLES = 12  # per mark kind and dpi


def _draw_one(mark: str, dpi: int, seed: int, background: int = 255
              ) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float], float]:
    """A mark drawn into a 4.5 mm box at an odd sub-pixel place: (before, after, box, ppm)."""
    ppm = dpi / 25.4
    side = 4.5 * ppm
    size = int(side * 3)
    rng = np.random.default_rng(seed)
    if background == 255:
        before = np.full((size, size), 255, np.uint8)
    else:
        before = rng.integers(background, 256, size=(size, size), dtype=np.uint8)
    box = (side + 0.37, side + 0.61, side, side)
    after = before.copy()
    marks.draw(after, box, mark, rng, ppm)
    return before, after, box, ppm


def _interior_darkness(image: np.ndarray, box: tuple[float, float, float, float],
                       ppm: float) -> np.ndarray:
    """Darkness (0 white .. 1 black) of the pixels wholly inside the box less 0.3 mm."""
    x, y, w, h = box
    inset = 0.3 * ppm
    x0, y0 = int(np.ceil(x + inset)), int(np.ceil(y + inset))
    x1, y1 = int(np.floor(x + w - inset)), int(np.floor(y + h - inset))
    return 1.0 - image[y0:y1, x0:x1].astype(np.float64) / 255.0


def _samples(mark: str) -> list[tuple[np.ndarray, tuple[float, float, float, float], float]]:
    return [(after, box, ppm) for dpi in DPIS for seed in range(SAMPLES)
            for _, after, box, ppm in [_draw_one(mark, dpi, seed)]]


def test_truth_classes() -> None:
    assert set(marks.MARKS) == set(marks.TRUTH)
    assert {m for m, t in marks.TRUTH.items() if t == "filled"} == {"solid", "tick", "cross"}
    assert {m for m, t in marks.TRUTH.items() if t == "empty"} == {"none"}
    assert {m for m, t in marks.TRUTH.items() if t == "unclear"} == {
        "light", "half", "erased", "dot"}
    with pytest.raises(ValueError, match="unknown mark"):
        marks.draw(np.full((9, 9), 255, np.uint8), (1, 1, 5, 5), "smudge",
                   np.random.default_rng(0), 2.0)


def test_an_untouched_box_stays_white() -> None:
    for after, box, ppm in _samples("none"):
        assert _interior_darkness(after, box, ppm).max() == 0


def test_solid_darkens_most_of_the_box() -> None:
    for after, box, ppm in _samples("solid"):
        dark = _interior_darkness(after, box, ppm)
        assert np.mean(dark >= 0.5) >= 0.70
        assert np.median(dark) >= 0.6  # a pen, 75-100 % dark, not a pencil


@pytest.mark.parametrize("mark", ["tick", "cross"])
def test_pen_strokes_span_the_box_and_leave_it_open(mark: str) -> None:
    for after, box, ppm in _samples(mark):
        dark = _interior_darkness(after, box, ppm)
        assert dark.max() >= 0.7
        assert 0.05 <= np.mean(dark >= 0.5) <= 0.65
        ys, xs = np.nonzero(1.0 - after / 255.0 >= 0.5)
        assert np.ptp(xs) >= 0.55 * box[2] and np.ptp(ys) >= 0.55 * box[3]


def test_light_is_a_grey_pencil_fill() -> None:
    for after, box, ppm in _samples("light"):
        dark = _interior_darkness(after, box, ppm)
        assert 0.25 <= dark.mean() <= 0.45
        assert dark.max() <= 0.7


def test_half_fills_about_half() -> None:
    for after, box, ppm in _samples("half"):
        assert 0.35 <= np.mean(_interior_darkness(after, box, ppm) >= 0.5) <= 0.65


def test_erased_leaves_a_faint_residue() -> None:
    for after, box, ppm in _samples("erased"):
        dark = _interior_darkness(after, box, ppm)
        assert 0.05 <= np.percentile(dark, 99) <= 0.25
        assert dark.max() < 0.35 and dark.mean() >= 0.005


def test_dot_is_small_and_inside() -> None:
    for after, box, ppm in _samples("dot"):
        dark = _interior_darkness(after, box, ppm)
        assert dark.max() >= 0.7
        ink = 1.0 - after / 255.0
        x, y, w, h = box
        inside = np.zeros(ink.shape, bool)
        inside[int(y): int(np.ceil(y + h)), int(x): int(np.ceil(x + w))] = True
        assert ink[~inside].max() == 0  # nothing outside the box
        ys, xs = np.nonzero(ink >= 0.5)
        width_mm = max(np.ptp(xs), np.ptp(ys)) / ppm
        assert 0.3 <= width_mm <= 1.4


@pytest.mark.parametrize("mark", marks.MARKS)
def test_ink_never_lightens_and_stays_near_the_box(mark: str) -> None:
    for seed in range(4):
        before, after, box, ppm = _draw_one(mark, 200, seed, background=120)
        assert (after <= before).all()
        x, y, w, h = box
        reach = int(2.0 * ppm)
        outside = np.ones(after.shape, bool)
        near = slice(int(y) - reach, int(y + h) + reach + 1)
        outside[near, int(x) - reach: int(x + w) + reach + 1] = False
        assert (after[outside] == before[outside]).all()


def test_upside_down_puts_the_top_left_marker_bottom_right() -> None:
    page = np.full((420, 300), 255, np.uint8)
    page[20:60, 30:70] = 0
    rng = np.random.default_rng(1)
    flipped = distort.scan_like(page, rng, dpi=50, upside_down=True, lighting=False)
    ys, xs = np.nonzero(flipped < 128)
    assert xs.mean() == pytest.approx(300 - 1 - 49.5, abs=1)
    assert ys.mean() == pytest.approx(420 - 1 - 39.5, abs=1)
    upright = distort.scan_like(page, rng, dpi=50, lighting=False)
    assert (upright == page).all()


def test_scan_like_keeps_size_and_darkens_lit_paper() -> None:
    page = np.full((200, 150), 255, np.uint8)
    rng = np.random.default_rng(2)
    scan = distort.scan_like(page, rng, dpi=50, rotate_deg=3, scale=0.97, shift_mm=(2, -1),
                             noise_sigma=3, blur_sigma=0.8)
    assert scan.shape == page.shape and scan.dtype == np.uint8
    assert 200 < scan.mean() < 252  # slightly grey paper, unevenly lit


@pytest.fixture(scope="module")
def booklets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_booklets(tmp_path_factory.mktemp("booklets"))


def _run(folder: Path, out: Path, seed: int, **options: Any) -> dict[str, Any]:
    return simulate(folder, out, seed, dpis=(90, 100), **options)


def test_same_seed_same_bytes(booklets: Path, tmp_path: Path) -> None:
    one = _run(booklets, tmp_path / "one", 7)
    two = _run(booklets, tmp_path / "two", 7)
    _run(booklets, tmp_path / "other", 8, booklets=[1], extras=False)
    assert one == two
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert (tmp_path / "one" / "truth.json").read_bytes() != (
        tmp_path / "other" / "truth.json").read_bytes()


def test_truth_lists_every_box_of_every_page(booklets: Path, tmp_path: Path) -> None:
    truth = _run(booklets, tmp_path, 3)
    assert json.loads((tmp_path / "truth.json").read_text("utf-8")) == truth
    layout = json.loads((booklets / "booklets.json").read_text("utf-8"))
    boxes = {(b["booklet"], p["page"]): {x["id"] for x in p["boxes"]}
             for b in layout["booklets"] for p in b["pages"]}
    seen: Counter[tuple[int, int]] = Counter()
    kinds: Counter[str] = Counter()
    for entry in truth["files"]:
        path = tmp_path / entry["file"]
        assert path.is_file()
        if entry["format"] == "pdf":
            pdf = pypdfium2.PdfDocument(str(path))
            assert len(pdf) == len(entry["pages"])
            pdf.close()
        else:
            with Image.open(path) as image:
                assert image.mode == "L"
        for page in entry["pages"]:
            kinds[page["kind"]] += 1
            assert set(page["marks"].values()) <= set(marks.MARKS)
            if page["kind"] == "booklet":
                assert set(page["marks"]) == boxes[(page["booklet"], page["page"])]
                seen[(page["booklet"], page["page"])] += 1
                kinds["duplicate"] += page["duplicate"]
            else:
                assert page["marks"] == {} and page["booklet"] is None
    assert set(seen) == set(boxes)
    assert sum(seen.values()) == len(boxes) + 1  # one page scanned twice
    assert kinds["blank"] == kinds["foreign"] == kinds["duplicate"] == 1


def test_scans_show_their_markers_where_the_truth_says(booklets: Path, tmp_path: Path) -> None:
    truth = _run(booklets, tmp_path, 11, extras=False)
    aruco = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    for entry in truth["files"]:
        for index, page in enumerate(entry["pages"]):
            path = tmp_path / entry["file"]
            if entry["format"] == "pdf":
                image = render_page(path, index, page["dpi"])
            else:
                with Image.open(path) as scan:
                    image = np.asarray(scan)
            corners, ids, _ = aruco.detectMarkers(image)
            assert ids is not None and sorted(ids.ravel()) == [0, 1, 2, 3]
            where = {int(i): c[0].mean(axis=0) for c, i in zip(corners, ids.ravel(), strict=True)}
            assert (where[0][1] > where[2][1]) == page["upside_down"]


def test_the_student_writes_their_number(booklets: Path, tmp_path: Path) -> None:
    truth = _run(booklets, tmp_path, 5, extras=False, mix={"solid": 1.0})
    numbers = truth["students"]
    assert numbers["1"] == "20240817"  # the roster's
    for entry in truth["files"]:
        for page in entry["pages"]:
            made = {box for box, mark in page["marks"].items() if mark != "none"}
            assert set(page["marks"].values()) <= {"none", "solid"}
            if page["page"] == 1:
                digits = sorted((int(b.split(".")[1][1:]), b.split(".")[2][1:])
                                for b in made if b.startswith("student."))
                assert "".join(d for _, d in digits) == numbers[str(page["booklet"])]


def test_answer_modes(booklets: Path, tmp_path: Path) -> None:
    blank = _run(booklets, tmp_path / "blank", 1, booklets=[2], extras=False, answers="blank")
    every = _run(booklets, tmp_path / "every", 1, booklets=[2], extras=False, answers="every")
    for truth, wanted in ((blank, {"none"}), (every, set(marks.MARKS) - {"none"})):
        used = {m for f in truth["files"] for p in f["pages"]
                for m in p["marks"].values()}
        assert used <= wanted
    with pytest.raises(ValueError, match="answers mode"):
        _run(booklets, tmp_path / "bad", 1, answers="sloppy")


def test_pt_box_to_px() -> None:
    assert pt_box_to_px({"x": 72, "y": 36, "w": 12.756, "h": 12.756}, 144) == pytest.approx(
        (144, 72, 25.512, 25.512))
    assert pt_box_to_px((0, 72, 1, 1), 300) == pytest.approx((0, 300, 300 / 72, 300 / 72))
