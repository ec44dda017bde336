"""``solver scan`` end to end: booklets printed, marked and scanned, read back.

Two kinds of scans. Students who know the answers (tests/scan_oracle: letters and values
from oracles independent of the solver), marked with the simulator's marks or painted with
a brush as in an image editor, scanned crooked, upside down, at 150–300 dpi, as PNG, JPEG
and TIFF: their marks must come out as the key and the tolerance policy give them. And a
simulated batch (tests/scansim) with every kind of mark people make, a blank page, a page
of another document and a page scanned twice: compared box by box with its ground truth,
no box is read wrong without a flag, every unclear mark is flagged, few clear boxes are.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import scan_oracle as oracle
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

SEED = 7
ROSTER = ("number,name,email,section,login\n"
          "20240001,Ada Lovelace,ada@example.org,A,alovelace\n"
          "20240002,\"Turing, Alan\",alan@example.org,B,\n20240003,Grace Hopper,,A,\n"
          "20240004,Absent Student,,B,\n")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("printed")
    (folder / "roster.csv").write_text(ROSTER)
    made = run_cli("booklets", "--seed", str(SEED), "--count", "3", "--roster",
                   str(folder / "roster.csv"), "--out", str(folder / "booklets"))
    assert made.returncode == 0, made.stderr
    keys = run_cli("variants", "--seed", str(SEED), "--count", "3", "--out",
                   str(folder / "keys"), "--only", "lecture.1", "lecture.2", "lecture.5",
                   *(f"paper.{n}" for n in range(1, 15)))
    assert keys.returncode == 0, keys.stderr
    return folder


def _index(printed: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((printed / "booklets" / "booklets.json").read_text())
    return data


def _answers(booklet: dict[str, Any], key: dict[str, Any], wrong: set[str]) -> list[str]:
    """The boxes a student who knows the answers fills, but for the items in ``wrong``:
    paper.1 a wrong letter, lecture.1 a value 10 % off, lecture.5.2 S_t without the bias
    correction (a known mistake)."""
    params = {q: entry["params"] for q, entry in key["questions"].items()}
    boxes = [f"student.c{c}.d{d}" for c, d in enumerate(booklet["student"]["number"], 1)]
    for field in booklet["fields"]:
        question = field["question"]
        if field["field"] == "choice":
            printed = key["questions"][question]["options"]
            letter = oracle.right_letter(question, printed)
            if question in wrong:
                letter = next(x for x in printed if x != letter)
            boxes.append(f"{question}.{letter}")
        elif field["field"] == "grid":
            item = f"{question}.{field['part']}" if field["part"] else question
            if question == "lecture.1":
                value = Fraction(oracle.lecture1_total(params[question]))
                value = value * Fraction(11, 10) if item in wrong else value
            elif question == "lecture.2":
                value = Fraction(oracle.lecture2_value(params[question]))
            else:
                s, s_hat = oracle.lecture5(params[question])
                value = s if field["part"] == "1" or item in wrong else s_hat
            boxes += oracle.grid_boxes(field, value)
    return boxes


def _scan(printed: Path, booklet: dict[str, Any], boxes: list[str], style: str, dpi: int,
          turn: float, out: Path, fmt: str, pages: list[int] | str) -> list[Path]:
    """The booklet's pages with ``boxes`` marked, scanned crooked; one file a page."""
    from tests.scansim import distort, marks, render

    rng = np.random.default_rng(booklet["booklet"])
    files = []
    kinds = ("solid", "tick", "cross")
    for page in booklet["pages"]:
        if page["page"] not in pages if pages != "boxes" else not page["boxes"]:
            continue
        image = render.render_page(printed / "booklets" / booklet["file"], page["page"] - 1,
                                   dpi)
        for number, box in enumerate(b for b in page["boxes"] if b["id"] in boxes):
            where = render.pt_box_to_px(box, dpi)
            if style == "brush":
                oracle.brush(image, where, ("fill", "tick", "cross")[number % 3],
                             render.px_per_mm(dpi))
            else:
                marks.draw(image, where, kinds[number % 3], rng, render.px_per_mm(dpi))
        scanned = distort.scan_like(image, rng, dpi=dpi, rotate_deg=turn, scale=0.98,
                                    shift_mm=(1.5, -2.0), noise_sigma=3.0, blur_sigma=0.6,
                                    upside_down=abs(turn) > 90)
        path = out / f"b{booklet['booklet']}-p{page['page']}.{fmt}"
        distort.save(scanned, path, fmt)
        files.append(path)
    return files


@pytest.fixture(scope="module")
def students(printed: Path) -> dict[str, Any]:
    """Booklets 1–3 answered and scanned (booklet 1 whole, the others' pages with boxes);
    booklet 4's student was absent."""
    index = _index(printed)
    key = json.loads((printed / "keys" / "key.json").read_text())
    variants = {v["variant"]: v for v in key["variants"]}
    out = printed / "scans"
    out.mkdir()
    plan: dict[int, tuple[set[str], str, int, float, str, list[int] | str]] = {
            1: (set(), "marks", 150, 2.0, "png", list(range(1, 40))),
            2: ({"lecture.5.2"}, "brush", 150, 180 - 3.0, "jpg", "boxes"),
            3: ({"paper.1", "lecture.1"}, "brush", 300, -4.5, "tif", "boxes")}
    files: list[Path] = []
    for number, (wrong, style, dpi, turn, fmt, pages) in plan.items():
        booklet = index["booklets"][number - 1]
        boxes = _answers(booklet, variants[booklet["variant"]], wrong)
        files += _scan(printed, booklet, boxes, style, dpi, turn, out, fmt, pages)
    result = run_cli("scan", *map(str, files), "--booklets", str(printed / "booklets"),
                     "--seed", str(SEED), "--out", str(printed / "out"))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((printed / "out" / "results.csv").read_text())))
    return {"files": files, "rows": {int(r["booklet"]): r for r in rows}, "index": index}


def _points(question: str, part: str = "") -> int:
    record = oracle.RECORDS[question]
    return sum(p["points"] for p in record["parts"] if p["label"] == part)


def test_right_answers_earn_the_exams_points(students: dict[str, Any]) -> None:
    rows = students["rows"]
    assert sorted(rows) == [1, 2, 3]  # booklet 4 was not scanned
    for number in (1, 2, 3):
        row = rows[number]
        assert row["student number"] == f"2024000{number}"
        grids = [f for f in students["index"]["booklets"][number - 1]["fields"]
                 if f["field"] == "grid"]
        for field in grids:
            item = f"{field['question']}.{field['part']}" if field["part"] else field["question"]
            if (number, item) in ((2, "lecture.5.2"), (3, "lecture.1")):
                continue
            assert float(row[f"{item} marks"]) == _points(field["question"], field["part"]), (
                number, item, row[f"{item} reading"])
        for paper in range(1, 15):
            expected = 0 if (number, paper) == (3, 1) else 1
            assert row[f"paper.{paper} marks"] == str(expected), (number, paper)
    assert rows[1]["lecture.2 marks"] == "6" or "lecture.2 reading" not in rows[1]


def test_a_known_mistake_earns_its_partial_credit_and_a_wrong_value_nothing(
        students: dict[str, Any]) -> None:
    rows = students["rows"]
    assert 0 < float(rows[2]["lecture.5.2 marks"]) < _points("lecture.5", "2")
    assert rows[3]["lecture.1 marks"] == "0"
    assert rows[3]["lecture.1 reading"] != ""


def test_hand_marks_complete_a_booklet_and_reach_the_gradebooks(
        printed: Path, students: dict[str, Any], tmp_path: Path) -> None:
    booklet = students["index"]["booklets"][0]
    hand = {f"1/{f['question']}/{f['part']}": f["points"] / 2 for f in booklet["fields"]
            if f["field"] == "written" and not f["working"]}
    overrides = {"format": "solver-overrides/1", "groups": {}, "pages": {}, "marks": hand}
    (tmp_path / "overrides.json").write_text(json.dumps(overrides))
    out = tmp_path / "out"
    shutil.copytree(printed / "out", out)
    result = run_cli("scan", *map(str, students["files"]), "--booklets",
                     str(printed / "booklets"), "--seed", str(SEED), "--out", str(out),
                     "--overrides", str(tmp_path / "overrides.json"))
    assert result.returncode == 0, result.stderr
    assert "read 0 pages" in result.stderr  # every page was read before: resumed
    machine = 14 + sum(_points(f["question"], f["part"]) for f in booklet["fields"]
                       if f["field"] == "grid")
    expected = machine + sum(hand.values())
    canvas = list(csv.reader(io.StringIO((out / "gradebook-canvas.csv").read_text())))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "Deep Learning: closed-book exam"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "90"
    assert canvas[2:] == [["Ada Lovelace", "", "20240001", "alovelace", "A", f"{expected:g}"]]
    moodle = list(csv.reader(io.StringIO((out / "gradebook-moodle.csv").read_text())))
    assert moodle[1:] == [["20240001", "ada@example.org", "Ada Lovelace", f"{expected:g}"]]


@pytest.fixture(scope="module")
def batch(printed: Path) -> dict[str, Any]:
    """A simulated batch: two booklets' pages with boxes marked as people mark, a blank page,
    a page of another document and a page scanned twice; read in one run (the bench reads
    1000 such pages: tests/bench_scan.py)."""
    from tests.scansim.simulate import simulate

    scans = printed / "batch"
    truth = simulate(printed / "booklets", scans, 3, only_pages="boxes", booklets=[1, 2])
    files = sorted(str(p) for p in scans.iterdir() if p.name != "truth.json")
    result = run_cli("scan", *files, "--booklets", str(printed / "booklets"), "--seed",
                     str(SEED), "--out", str(printed / "batch-out"))
    assert result.returncode == 0, result.stderr
    return {"truth": truth, "files": files, "out": printed / "batch-out"}


def test_no_box_is_read_wrong_without_a_flag_and_few_clear_boxes_are_flagged(
        batch: dict[str, Any]) -> None:
    from tests.scan_compare import tally

    found = tally(batch["truth"], batch["out"])
    assert found.silent == []
    assert found.unclear_flagged == found.unclear > 0
    assert found.clear > 500 and found.flag_rate <= 0.01
    assert set(found.by_mark) == {"none", "solid", "tick", "cross", "light", "half", "erased",
                                  "dot"}


def test_every_page_it_cannot_use_is_listed_with_its_reason(batch: dict[str, Any]) -> None:
    readings = json.loads((batch["out"] / "readings.json").read_text())
    reasons = sorted(p["reason"].split(":")[0] for p in readings["problems"])
    kinds = sorted(page["kind"] for file in batch["truth"]["files"] for page in file["pages"]
                   if page["kind"] != "booklet")
    assert kinds == ["blank", "foreign"]
    assert reasons == ["no corner markers found (a blank page or another document?)"] * 2 + [
        "page seen twice"]
    review = (batch["out"] / "review.html").read_text()
    assert review.count("no corner markers found") == 2 and "page seen twice" in review


def test_a_batch_scanned_in_two_parts_gives_the_same_bytes_as_in_one(
        printed: Path, batch: dict[str, Any], tmp_path: Path) -> None:
    files = batch["files"]
    for part in (files[::2], files[1::2]):
        result = run_cli("scan", *part, "--booklets", str(printed / "booklets"), "--seed",
                         str(SEED), "--out", str(tmp_path))
        assert result.returncode == 0, result.stderr
    for name in ("results.csv", "readings.json", "gradebook-canvas.csv", "gradebook-moodle.csv",
                 "index.html"):
        assert (tmp_path / name).read_bytes() == (batch["out"] / name).read_bytes(), name


def test_a_persons_decision_replaces_the_flag(printed: Path, batch: dict[str, Any],
                                              tmp_path: Path) -> None:
    readings = json.loads((batch["out"] / "readings.json").read_text())
    booklet, name = next((b, g) for b, entry in sorted(readings["booklets"].items())
                         for g, v in sorted(entry["groups"].items())
                         if v["value"] is None and not g.startswith("student"))
    index = _index(printed)
    boxes = [box for page in index["booklets"][int(booklet) - 1]["pages"]
             for box in page["boxes"] if box["id"].startswith(name + ".") or box["id"] == name]
    chosen = boxes[0]["option"] if boxes[0]["what"] == "choice" else (
        "-" if boxes[0]["what"] == "sign" else str(boxes[0]["digit"]))
    overrides = {"format": "solver-overrides/1", "groups": {f"{booklet}/{name}": chosen},
                 "pages": {}, "marks": {}}
    (tmp_path / "overrides.json").write_text(json.dumps(overrides))
    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    result = run_cli("scan", *batch["files"], "--booklets", str(printed / "booklets"),
                     "--seed", str(SEED), "--out", str(out), "--overrides",
                     str(tmp_path / "overrides.json"))
    assert result.returncode == 0, result.stderr
    after = json.loads((out / "readings.json").read_text())["booklets"][booklet]["groups"][name]
    assert after == {"value": "" if chosen == "+" else chosen, "flag": "", "by_person": True}
    review = (out / "review.html").read_text()
    assert f'"{booklet}/{name}": "{chosen}"' in review  # the page shows the decision taken


@pytest.mark.parametrize(("change", "expected"), [
    ({"groups": {"1/paper.1": "E"}}, "groups['1/paper.1'] is 'E', not one of A, B, C, D, none"),
    ({"groups": {"9/paper.1": "A"}}, "groups['9/paper.1'] is not a group of these booklets"),
    ({"marks": {"1/lab.1/A": 7}}, "marks['1/lab.1/A'] must be a number in 0..1"),
    ({"pages": {"abc": "keep"}}, "pages['abc'] must be \"ignore\" or a booklet"),
    ({"pages": {"abc": {"booklet": True, "page": 1}}}, "pages['abc'] must be \"ignore\""),
    ({"format": "x"}, "not an overrides file"),
])
def test_a_bad_overrides_file_is_one_clear_line(printed: Path, tmp_path: Path,
                                                change: dict[str, Any], expected: str) -> None:
    overrides = {"format": "solver-overrides/1", "groups": {}, "pages": {}, "marks": {},
                 **change}
    (tmp_path / "o.json").write_text(json.dumps(overrides))
    (tmp_path / "page.png").write_bytes(b"")
    result = run_cli("scan", str(tmp_path / "page.png"), "--booklets",
                     str(printed / "booklets"), "--seed", str(SEED), "--out",
                     str(tmp_path / "out"), "--overrides", str(tmp_path / "o.json"))
    assert result.returncode == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_scan_stopped_midway_ends_at_once_and_the_next_run_finishes_it(
        printed: Path, batch: dict[str, Any], tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    shutil.copytree(batch["out"] / ".keys", out / ".keys")  # the keys solved: reading is tested
    command = [sys.executable, "-m", "solver", "scan", *batch["files"], "--booklets",
               str(printed / "booklets"), "--seed", str(SEED), "--out", str(out), "--jobs", "2"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((out / ".pages").glob("*.json")):
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGTERM)  # the whole group, workers too, as a terminal does
    _, stderr = run.communicate(timeout=60)
    assert run.returncode != 0 and b"Traceback" not in stderr
    left = time.monotonic() + 10  # no worker left behind (a killed one vanishes at once)
    while time.monotonic() < left:
        try:
            os.killpg(run.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.killpg(run.pid, 0)
    again = run_cli("scan", *batch["files"], "--booklets", str(printed / "booklets"), "--seed",
                    str(SEED), "--out", str(out), "--jobs", "2")
    assert again.returncode == 0, again.stderr
    for name in ("results.csv", "readings.json"):
        assert (out / name).read_bytes() == (batch["out"] / name).read_bytes(), name


def test_damaged_files_and_bombs_go_on_the_review_list_and_never_stop_the_batch(
        printed: Path, students: dict[str, Any], tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10**5, 10**5, 8, 0, 0,
                                                               0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    (tmp_path / "bomb.png").write_bytes(bomb)  # claims 10 gigapixels
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "cut.png").write_bytes(students["files"][0].read_bytes()[:2000])
    (tmp_path / "not.pdf").write_bytes(b"%PDF-1.7 and nothing else")
    names = ["bomb.png", "empty.jpg", "cut.png", "not.pdf"]
    result = run_cli("scan", *(str(tmp_path / n) for n in names), str(students["files"][0]),
                     "--booklets", str(printed / "booklets"), "--seed", str(SEED), "--out",
                     str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "WARN" not in result.stderr and "Traceback" not in result.stderr
    problems = json.loads((tmp_path / "out" / "readings.json").read_text())["problems"]
    assert sorted(Path(p["source"]).name for p in problems) == sorted(names)
    assert all("damaged or unreadable" in p["reason"] for p in problems)
    assert "1" in json.loads((tmp_path / "out" / "readings.json").read_text())["booklets"]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda i: i["booklets"][0]["pages"][0]["boxes"][0].update(x=float("nan")), "bad box"),
    (lambda i: i["booklets"][0]["pages"][0]["areas"][0].update(id="../../x"), "bad area"),
    (lambda i: i["booklets"][1].update(booklet=1), "every booklet needs its own number"),
    (lambda i: i.update(id_digits="8"), "'id_digits' must be 1..12"),
    (lambda i: i["exam"].update(id="ffff"), "these booklets were written for another exam"),
])
def test_a_damaged_booklets_index_is_one_clear_line_before_any_page_is_read(
        printed: Path, students: dict[str, Any], tmp_path: Path, change: Any,
        expected: str) -> None:
    index = _index(printed)
    change(index)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "booklets.json").write_text(json.dumps(index))
    result = run_cli("scan", str(students["files"][0]), "--booklets", str(tmp_path / "b"),
                     "--seed", str(SEED), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
