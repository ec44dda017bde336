"""The paper answer booklets (``solver booklets``): the page code, the corner markers
against OpenCV's own dictionary, and a class's booklets as a printer and the scanner get
them: every box where booklets.json says, inside the printable area, one field per part of
the exam, choices in the variant's printed order."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from solver.paper import code as page_code
from solver.paper import geometry as g
from tests.conftest import run_cli

ROSTER = "number,name,email\n1234567,Ada Lovelace,ada@example.org\n7654321,\"Turing, Alan\",\n" \
         "42,Grace Hopper,\n"


def test_the_page_code_reads_back_and_refuses_every_damaged_strip() -> None:
    code = page_code.PageCode(0xBEEF, 2**63 - 5, 713, 4242, 13)
    cells = page_code.bits(page_code.encode(code))
    assert len(cells) == page_code.BITS == g.CODE_ROWS * g.CODE_COLUMNS
    assert page_code.decode(cells) == code
    for one in range(len(cells)):  # CRC-16 finds every single and double flip
        flipped = cells.copy()
        flipped[one] ^= 1
        assert page_code.decode(flipped) is None
    rng = random.Random(1)
    for a, b in (rng.sample(range(len(cells)), 2) for _ in range(2000)):
        flipped = cells.copy()
        flipped[a] ^= 1
        flipped[b] ^= 1
        assert page_code.decode(flipped) is None
    assert page_code.decode([0] * page_code.BITS) is None
    assert page_code.decode([1] * page_code.BITS) is None


def test_the_markers_are_opencvs_4x4_dictionary_and_inside_the_printable_area() -> None:
    cv2 = pytest.importorskip("cv2")
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    for marker, rows in g.ARUCO_4X4.items():
        image = dictionary.generateImageMarker(marker, 6)
        assert ["".join("1" if v == 0 else "0" for v in row[1:5]) for row in image[1:5]] == \
            list(rows)
        x, y = g.marker_origin(marker)
        assert min(x, y, g.WIDTH - x - g.MARKER_SIZE, g.HEIGHT - y - g.MARKER_SIZE) >= \
            10 * g.MM - 1e-9


@pytest.fixture(scope="module")
def class_booklets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("booklets")
    (folder / "roster.csv").write_text(ROSTER)
    result = run_cli("booklets", "--seed", "11", "--count", "2", "--roster",
                     str(folder / "roster.csv"), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    keys = run_cli("variants", "--seed", "11", "--count", "2", "--only", *(
        f"paper.{n}" for n in range(1, 15)), "--out", str(folder / "keys"))
    assert keys.returncode == 0, keys.stderr
    return folder


def _index(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "out" / "booklets.json").read_text())
    return data


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def test_every_booklet_page_is_coded_and_every_box_lies_alone_inside_the_markers(
        class_booklets: Path) -> None:
    index = _index(class_booklets)
    assert [b["student"]["number"] for b in index["booklets"]] == ["1234567", "7654321", "42"]
    assert [b["variant"] for b in index["booklets"]] == [1, 2, 1]
    for booklet in index["booklets"]:
        assert (class_booklets / "out" / booklet["file"]).is_file()
        for page in booklet["pages"]:
            found = page_code.decode(page_code.bits(bytes.fromhex(page["code"])))
            assert found is not None
            assert (found.seed, found.variant, found.booklet, found.page) == (
                11, booklet["variant"], booklet["booklet"], page["page"])
            assert found.exam == int(index["exam"]["id"], 16)
            things = page["boxes"] + page["areas"]
            for thing in things:
                assert thing["x"] >= g.MARKER_INSET and thing["y"] >= g.TOP - 1
                assert thing["x"] + thing["w"] <= g.WIDTH - g.MARKER_INSET
                assert thing["y"] + thing["h"] <= g.BOTTOM + 1
            for a, b in itertools.combinations(things, 2):
                assert not _overlap(a, b), (a["id"], b["id"])
            assert len({t["id"] for t in things}) == len(things)


def test_the_choices_are_in_the_printed_order_and_every_part_has_its_field(
        class_booklets: Path) -> None:
    index = _index(class_booklets)
    key = json.loads((class_booklets / "keys" / "key.json").read_text())
    exam = (Path(__file__).parent.parent / "solver" / "exams" / "deep_learning" /
            "exam.toml").read_text()
    for booklet in index["booklets"]:
        variant = next(v for v in key["variants"] if v["variant"] == booklet["variant"])
        boxes = [b for p in booklet["pages"] for b in p["boxes"]]
        for number in range(1, 15):
            printed = list(variant["questions"][f"paper.{number}"]["options"])
            assert [b["option"] for b in boxes if b.get("question") == f"paper.{number}"] == \
                printed
        assert sum(b["what"] == "student" for b in boxes) == 7 * 10
        asked = {(f["question"], f.get("part", "")) for f in booklet["fields"]}
        for question in {f["question"] for f in booklet["fields"]}:
            assert f'id = "{question}"' in exam
        assert ("lecture.3", "2") in asked and ("lab.8", "D") in asked
        grids = {(f["question"], f["part"]) for f in booklet["fields"] if f["field"] == "grid"}
        assert {("lecture.1", ""), ("lecture.5", "1"), ("lecture.5", "2")} <= grids
        assert not any(q == "lecture.3" for q, _ in grids)  # the matrix is hand graded
        written = {f["question"] + "/" + f["part"] for f in booklet["fields"]
                   if f["field"] == "written" and not f["working"]}
        areas = {a["question"] + "/" + a["part"] for p in booklet["pages"] for a in p["areas"]
                 if a["what"] == "written" and not a["id"].endswith(".working")}
        assert written == areas


def test_the_printed_pdf_has_the_markers_and_boxes_where_the_index_says(
        class_booklets: Path) -> None:
    cv2 = pytest.importorskip("cv2")
    pdfium = pytest.importorskip("pypdfium2")
    index = _index(class_booklets)
    booklet = index["booklets"][1]
    document = pdfium.PdfDocument(str(class_booklets / "out" / booklet["file"]))
    assert len(document) == len(booklet["pages"])
    scale = 200 / 72
    image = document[0].render(scale=scale, grayscale=True).to_numpy()
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    corners, ids, _ = cv2.aruco.ArucoDetector(dictionary).detectMarkers(image)
    assert sorted(ids.ravel().tolist()) == [0, 1, 2, 3]
    for found, marker in zip(corners, ids.ravel(), strict=True):
        x, y = g.marker_origin(int(marker))
        assert abs(found[0][0][0] / scale - x) < 1 and abs(found[0][0][1] / scale - y) < 1
    for box in booklet["pages"][0]["boxes"]:
        x0, y0 = round(box["x"] * scale), round(box["y"] * scale)
        x1, y1 = round((box["x"] + box["w"]) * scale), round((box["y"] + box["h"]) * scale)
        assert image[y0 - 1:y0 + 2, x0 + 4:x1 - 4].min() < 100  # the outline is there
        assert image[y0 + 5:y1 - 4, x0 + 5:x1 - 4].min() > 200  # and the box is empty
    document.close()


def test_the_same_class_gives_the_same_bytes(class_booklets: Path, tmp_path: Path) -> None:
    result = run_cli("booklets", "--seed", "11", "--count", "2", "--roster",
                     str(class_booklets / "roster.csv"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("booklets.pdf", "booklets.json", "booklet-003.pdf"):
        assert (tmp_path / name).read_bytes() == (class_booklets / "out" / name).read_bytes()


def test_a_grid_too_small_for_a_variants_key_fails_its_self_check(tmp_path: Path) -> None:
    exam = (Path(__file__).parent.parent / "solver" / "exams" / "deep_learning" /
            "exam.toml").read_text()
    assert "grid = { digits = 6 }" in exam
    (tmp_path / "exam.toml").write_text(exam.replace("grid = { digits = 6 }",
                                                     "grid = { digits = 2 }"))
    result = run_cli("--exam", str(tmp_path), "booklets", "--seed", "3", "--count", "1",
                     "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "lecture.1 variant 1: the key" in result.stderr
    assert "does not fit the grid's 2 digits" in result.stderr
    assert not (tmp_path / "out" / "booklets.json").exists()


@pytest.mark.parametrize(("roster", "expected"), [
    ("name\nAda\n", "the header must name the columns number and name"),
    ("number,name\n12a,Ada\n", "line 2: the student number '12a' is not 1..12 digits"),
    ("number,name\n1,Ada\n1,Bob\n", "line 3: student number 1 appears twice"),
    ("number,name\n", "no student below the header"),
    ("number,name,name\n1,A,B\n", "the header names a column twice"),
    ("number,name\n0123,A\n123,B\n", "line 3: student number 123 appears twice"),
])
def test_a_bad_roster_is_one_clear_line(tmp_path: Path, roster: str, expected: str) -> None:
    (tmp_path / "roster.csv").write_text(roster)
    result = run_cli("booklets", "--seed", "1", "--count", "1", "--roster",
                     str(tmp_path / "roster.csv"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_the_leak_guard_reads_what_the_booklet_prints_of_each_question(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.model import SelfCheckError
    from solver.paper import cli, layout
    from solver.paper.plan import Booklet, fields
    from solver.registry import exam
    from solver.variants.seeded import solve_variants

    the_exam = exam()
    questions = [the_exam.questions["lecture.1"], the_exam.questions["paper.2"]]
    variants = solve_variants(3, 1, questions)
    booklet = Booklet(1, 1, None, fields(questions, variants[0].solutions, 1))
    cli._guard(the_exam, [booklet], variants, 8)  # the exam's words only: passes
    total = variants[0].solutions["lecture.1"].answer_text["total"]
    labelled = layout.heading
    monkeypatch.setattr(layout, "heading",
                        lambda question, part: f"{labelled(question, part)} = {total}")
    with pytest.raises(SelfCheckError, match=r"leak guard: answer booklet of variant 1: "
                                             r"lecture\.1 shows text of its worked answer"):
        cli._guard(the_exam, [booklet], variants, 8)


def test_the_keys_kept_for_a_later_scan_are_the_keys_solved(tmp_path: Path) -> None:
    from solver.paper.scan.keys import variant_keys
    from solver.registry import exam

    questions = [exam().questions[q] for q in ("lecture.5", "paper.3")]
    solved = variant_keys(4, {1, 3}, questions, 1, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["variant-1.json", "variant-3.json"]
    assert variant_keys(4, {1, 3}, questions, 1, tmp_path) == solved  # read back, the same
    assert solved[(3, "lecture.5")]["gaps"]["S_hat"].wrong  # its known mistake kept too
    kept = (tmp_path / "variant-1.json").read_text()
    assert variant_keys(5, {1}, questions, 1, tmp_path) != {k: v for k, v in solved.items()
                                                             if k[0] == 1}
    assert (tmp_path / "variant-1.json").read_text() != kept  # another seed: solved again


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Ada Lovelace", "Ada Lovelace"), ("", ""),
])
def test_a_roster_name_never_reaches_a_spreadsheet_as_a_formula(cell: str, shown: str) -> None:
    from solver.paper.scan.tables import text

    assert text(cell) == shown
