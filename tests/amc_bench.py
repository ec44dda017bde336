"""Auto Multiple Choice (AMC) on the same simulated scans: the benchmark the reader is held to.

An AMC project holds the exam's 14 multiple-choice questions (paper.1..paper.14 of the
deep-learning exam, 4 options A-D, one right) with a separate answer sheet per copy: an
8-digit student number grid (80 boxes) and the 14 x 4 answer boxes (56 boxes), letters and
digits printed BESIDE the boxes (tests/amc/exam.tex.in). `auto-multiple-choice prepare`
builds the copies (one per simulated sheet) and `meptex` the layout; the answer sheets are
rendered to grey pixels, marked by the shared simulator (tests/scansim: answers.decide picks
the boxes and mark kinds exactly as for the project's own booklets, marks.draw draws them,
with the simulator's random streams, AMC's copy number standing for the booklet number),
scanned crookedly in the simulator's ranges (simulate.py: 150, 200 or 300 dpi, rotation up
to 5 degrees either way, scale 0.95-1.05, shift, noise, blur; distort.scan_like) but never
upside down, which AMC cannot read, and written as one multi-page PDF of JPEG pages per dpi
(distort.save_pdf), as a document feeder does. `getimages` splits those PDFs (`analyse`
does not take a multi-page PDF), `analyse` reads the pages in ONE process (--n-procs 1, so
seconds per page are per core) and `note` scores them.

AMC's decision for a box is its own SQL (AMC::DataModule::capture, statement tickedList):
a manual decision if one was made, else ticked iff black >= seuil * total and black <=
seuil_up * total, with the thresholds of a new AMC project (seuil 0.15, seuil_up 1.0, from
AMC::Config's defaut_seuil and defaut_seuil_up). AMC asks a person to look at:
  * a page it could not read (no capture_page row, or no zones for it);
  * a page whose corner-mark fit is poor (mse > seuil_eqm, 3.0; shown red in the GUI);
  * a box whose darkness lies so near the threshold that its "sensitivity"
    10 * (seuil - |ratio - seuil|) / seuil exceeds seuil_sens (8.0), i.e.
    |ratio - seuil| < 0.2 * seuil. The GUI raises this per page (the most sensitive box
    on it); here it counts for the box itself (the page-wide variant is reported too, under
    "flag_rules").
Those are AMC's flags. Against the truth per box: a clean box (truth "filled" or "empty")
is silently misread when AMC's decision differs and the box is not flagged; an unclear box
(light, half, erased, dot) must be flagged, and an unflagged one is reported by what AMC
read it as.

    .venv/bin/python tests/amc_bench.py --sheets 60 --seed 1 [--workdir DIR] [--keep]
                                        [--letters inside]

--letters inside prints the letters in the boxes as AMC's default sheet does: the glyphs
then darken empty boxes to about the threshold and AMC ticks many of them (the trap).

Needs the Debian package auto-multiple-choice (its dependencies bring LaTeX); without it
run_amc raises AmcUnavailable.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tests.scansim must import
    sys.path.insert(0, str(ROOT))

from tests.scansim import answers, distort, marks, render  # noqa: E402
from tests.scansim import pages as sim_pages  # noqa: E402
from tests.scansim import simulate as sim  # noqa: E402
from tests.scansim.layout import Page, Rect  # noqa: E402

AMC = "auto-multiple-choice"
TEMPLATE = ROOT / "tests" / "amc" / "exam.tex.in"
EXAM = ROOT / "solver" / "exams" / "deep_learning" / "exam.toml"
QUESTIONS = tuple(f"paper.{n}" for n in range(1, 15))
LETTERS = "ABCD"
ID_DIGITS = 8

# AMC's settings for a new project (AMC::Config, AMC-analyse.pl): the darkness threshold
# and its upper bound, the review thresholds of the GUI, and analyse's measuring options.
SEUIL = 0.15
SEUIL_UP = 1.0
SEUIL_SENS = 8.0
SEUIL_EQM = 3.0
ANALYSE_OPTIONS = ("--tol-marque", "0.2,0.2", "--prop", "0.8", "--bw-threshold", "0.6",
                   "--try-three")
ZONE_BOX = 4  # AMC::DataModule::capture

# The scans: the simulator's own ranges (tests/scansim/simulate.py): dpi, rotation, scale,
# shift, noise and blur drawn per sheet, never upside down (AMC cannot turn a page).
DPIS = (150, 200, 300)
FIDUCIAL_MARGIN_MM = 1.0  # AMC's corner marks stay this far inside the scan
PLACEMENT_TRIES = 100

TIMEOUT_PREPARE = 600
TIMEOUT_PER_PAGE = 30  # getimages, analyse and note: this much per page, plus a minute
TIMEOUT_BASE = 60


class AmcUnavailable(RuntimeError):
    """AMC is not installed, or a step of it failed (the message says which and why)."""


@dataclass(frozen=True)
class AmcBox:
    """A box AMC reads: its AMC ids, the simulator's record of it (in pt) and its group."""

    student: int  # AMC copy number
    page: int  # page of the copy
    question: int  # AMC question id (layout_question.question)
    answer: int  # AMC answer id, 1-based
    rect: Rect


# ---------------------------------------------------------------------------------------
# The project


def _tex_escape(text: str) -> str:
    """Plain text as LaTeX (the questions' words carry %, _, & and the like)."""
    specials = {
        "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
        "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
        "<": r"\textless{}", ">": r"\textgreater{}",
    }
    return "".join(specials.get(ch, ch) for ch in text)


def exam_questions() -> tuple[str, list[dict[str, Any]]]:
    """The exam's title and its 14 choice questions (id, statement, options A-D, key); short
    stand-ins if the exam file is missing or differs."""
    try:
        with open(EXAM, "rb") as handle:
            data = tomllib.load(handle)
        title = str(data.get("exam", {}).get("title") or data.get("title") or "Deep Learning")
        found = {q["id"]: q for q in data.get("questions", []) if q.get("id") in QUESTIONS}
        questions = []
        for qid in QUESTIONS:
            q = found[qid]
            options = {k: str(q["options"][k]) for k in LETTERS}
            questions.append({"id": qid, "statement": str(q["statement"]),
                              "options": options, "key": str(q["key"])})
        return title, questions
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return "Deep Learning", [
            {"id": qid, "statement": f"Question {n}: which statement is right?",
             "options": {k: f"Statement {k} of question {n}." for k in LETTERS},
             "key": LETTERS[n % 4]}
            for n, qid in enumerate(QUESTIONS, 1)
        ]


def write_source(path: Path, copies: int, *, letters: str = "beside") -> None:
    """The AMC LaTeX source: the template filled with the questions and the copy count.
    letters "beside" (the benchmark) or "inside" (AMC's default sheet, for the trap)."""
    title, questions = exam_questions()
    elements = []
    for q in questions:
        choices = "\n".join(
            f"  \\{'correctchoice' if k == q['key'] else 'wrongchoice'}"
            f"{{{_tex_escape(q['options'][k])}}}"
            for k in LETTERS)
        elements.append(
            "\\element{paper}{\n"
            f"\\begin{{question}}{{{q['id']}}}\n"
            f" {_tex_escape(q['statement'])}\n"
            " \\begin{choices}[o]\n"
            f"{choices}\n"
            " \\end{choices}\n"
            "\\end{question}\n"
            "}")
    source = TEMPLATE.read_text(encoding="utf-8")
    fill = {
        "@@TITLE@@": _tex_escape(title),
        "@@ELEMENTS@@": "\n".join(elements),
        "@@COPIES@@": str(copies),
        "@@LETTERS@@": ",outsidebox" if letters == "beside" else "",
    }
    for key, value in fill.items():
        source = source.replace(key, value)
    path.write_text(source, encoding="utf-8")


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", LC_NUMERIC="C",
               HOME=str(workdir / "home"), TMPDIR=str(workdir / "tmp"),
               SOURCE_DATE_EPOCH="1735689600", DISPLAY="")
    return env


def _run(args: list[str], workdir: Path, log: str, timeout: float, *,
         err_lines_fail: bool = True) -> None:
    """Run one AMC command in workdir, its output to logs/<log>.log; raise AmcUnavailable
    with the log's tail if it exits non-zero, prints an "ERR" line (unless err_lines_fail
    is false: analyse prints one per page it cannot read, and goes on) or runs past
    timeout."""
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    logfile = logs / f"{log}.log"
    try:
        with open(logfile, "wb") as out:
            done = subprocess.run(args, cwd=workdir, env=_env(workdir), stdin=subprocess.DEVNULL,
                                  stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                                  check=False)
    except subprocess.TimeoutExpired as exc:
        raise AmcUnavailable(f"{' '.join(args[:2])} ran past {timeout:.0f} s "
                             f"(log: {logfile})") from exc
    text = logfile.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0 or (err_lines_fail and re.search(r"^ERR", text, re.MULTILINE)):
        tail = "\n".join(text.splitlines()[-25:])
        raise AmcUnavailable(f"{' '.join(args[:2])} failed (exit {done.returncode}, log "
                             f"{logfile}):\n{tail}")


def amc_version() -> str:
    """The installed AMC's version, from dpkg (the program itself needs a display for it)."""
    if shutil.which(AMC) is None:
        raise AmcUnavailable(
            "auto-multiple-choice is not installed: apt-get install -y "
            "--no-install-recommends auto-multiple-choice (Debian; it brings its LaTeX)")
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", AMC], capture_output=True,
                             text=True, timeout=30, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    return out or "unknown"


def prepare(workdir: Path, copies: int, *, letters: str = "beside") -> Path:
    """Write and compile the project: the question PDF (DOC-sujet.pdf), its layout
    (data/layout.sqlite) and its scoring strategy. Returns the PDF."""
    for sub in ("data", "cr", "scans", "home", "tmp", "feeder"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    source = workdir / "source.tex"
    write_source(source, copies, letters=letters)
    data, pdf, xy = workdir / "data", workdir / "DOC-sujet.pdf", workdir / "DOC-calage.xy"
    _run([AMC, "prepare", "--mode", "s[s]", "--with", "pdflatex", "--prefix", f"{workdir}/",
          "--data", str(data), "--out-sujet", str(pdf), "--out-calage", str(xy),
          "--epoch", "1735689600", str(source)], workdir, "prepare-subject", TIMEOUT_PREPARE)
    _run([AMC, "meptex", "--src", str(xy), "--data", str(data)], workdir, "meptex",
         TIMEOUT_PREPARE)
    _run([AMC, "prepare", "--mode", "b", "--with", "pdflatex", "--prefix", f"{workdir}/",
          "--data", str(data), "--epoch", "1735689600", str(source)], workdir,
         "prepare-scoring", TIMEOUT_PREPARE)
    return pdf


# ---------------------------------------------------------------------------------------
# The layout, as the simulator's pages


def read_layout(data: Path) -> list[tuple[int, int, int, Page, list[AmcBox]]]:
    """The answer sheets (pages with boxes AMC reads, role 1), in copy order: (copy, page,
    page of the question PDF, the simulator's Page in pt, its boxes with AMC's ids)."""
    db = sqlite3.connect(data / "layout.sqlite")
    try:
        names = dict(db.execute("SELECT question, name FROM layout_question"))
        pages = db.execute(
            "SELECT p.student, p.page, p.subjectpage, p.dpi FROM layout_page p"
            " WHERE EXISTS (SELECT 1 FROM layout_box b WHERE b.student = p.student"
            "  AND b.page = p.page AND b.role = 1) ORDER BY p.student, p.page").fetchall()
        sheets = []
        for student, page, subjectpage, dpi in pages:
            rows = db.execute(
                "SELECT question, answer, xmin, xmax, ymin, ymax, char FROM layout_box"
                " WHERE student = ? AND page = ? AND role = 1 ORDER BY question, answer",
                (student, page)).fetchall()
            pt = 72.0 / float(dpi)
            code_x = sorted({min(r[2] for r in rows if r[0] == q)
                             for q in {r[0] for r in rows} if names[q].startswith("student[")})
            boxes = []
            for question, answer, xmin, xmax, ymin, ymax, char in rows:
                name = names[question]
                place = {"x": xmin * pt, "y": ymin * pt, "w": (xmax - xmin) * pt,
                         "h": (ymax - ymin) * pt}
                if name.startswith("student["):
                    qx = min(r[2] for r in rows if r[0] == question)
                    column = code_x.index(qx) + 1  # 1 = leftmost
                    digit = int(char) if char and char.isdigit() else answer - 1
                    rect = Rect(id=f"student.c{column}.d{digit}", what="student",
                                column=column, digit=digit, **place)
                else:
                    option = char or LETTERS[answer - 1]
                    rect = Rect(id=f"{name}.{option}", what="choice", question=name,
                                option=option, **place)
                boxes.append(AmcBox(student, page, question, answer, rect))
            sim_page = Page(page=int(page), code=f"{student}/{page}",
                            boxes=tuple(b.rect for b in boxes), areas=())
            sheets.append((int(student), int(page), int(subjectpage), sim_page, boxes))
        return sheets
    finally:
        db.close()


def read_corner_marks(
    data: Path,
) -> dict[tuple[int, int], tuple[list[tuple[float, float]], float, float]]:
    """AMC's corner marks per (copy, page): their centres and diameter in layout pixels,
    and the layout's dpi."""
    db = sqlite3.connect(data / "layout.sqlite")
    try:
        found: dict[tuple[int, int], tuple[list[tuple[float, float]], float, float]] = {}
        for student, page, diameter, dpi in db.execute(
                "SELECT student, page, markdiameter, dpi FROM layout_page"):
            centres = [(float(x), float(y)) for x, y in db.execute(
                "SELECT x, y FROM layout_mark WHERE student = ? AND page = ? ORDER BY corner",
                (student, page))]
            found[(int(student), int(page))] = (centres, float(diameter), float(dpi))
        return found
    finally:
        db.close()


# ---------------------------------------------------------------------------------------
# Marking and scanning


def _corners_inside(marks_px: list[tuple[float, float]], radius: float,
                    shape: tuple[int, int], dpi: int, placed: sim.Scan) -> bool:
    """Whether AMC's four corner marks (centres and radius in page pixels) lie wholly inside
    the scan, FIDUCIAL_MARGIN_MM from its edges, once the sheet is placed so."""
    matrix = distort.placement(shape, dpi=dpi, rotate_deg=placed.rotate_deg,
                               scale=placed.scale, shift_mm=placed.shift_mm, upside_down=False)
    centres = np.asarray(marks_px, np.float64) @ matrix[:, :2].T + matrix[:, 2]
    reach = radius * placed.scale + FIDUCIAL_MARGIN_MM * dpi / 25.4
    h, w = shape
    return bool((centres.min(axis=0) >= reach).all()
                and (centres[:, 0].max() <= w - reach) and (centres[:, 1].max() <= h - reach))


def _placement(rng: np.random.Generator, dpi: int, fits: Any) -> sim.Scan:
    """How the sheet goes through the scanner, in the simulator's ranges, redrawn until
    AMC's corner marks are on the scan."""
    placed = None
    for _ in range(PLACEMENT_TRIES):
        placed = sim.Scan(
            dpi=dpi,
            rotate_deg=float(rng.uniform(-sim.ROTATE_DEG, sim.ROTATE_DEG)),
            scale=float(rng.uniform(*sim.SCALE)),
            shift_mm=(float(rng.uniform(-sim.SHIFT_MM, sim.SHIFT_MM)),
                      float(rng.uniform(-sim.SHIFT_MM, sim.SHIFT_MM))),
            noise_sigma=float(rng.uniform(*sim.NOISE_SIGMA)),
            blur_sigma=float(rng.uniform(*sim.BLUR_SIGMA) * dpi / 200),
            upside_down=False,
        )
        if fits(placed):
            break
    assert placed is not None
    return placed


def mark_and_scan(
    pdf: Path, sheet_pages: list[tuple[int, int, int, Page, list[AmcBox]]],
    corner_marks: dict[tuple[int, int], tuple[list[tuple[float, float]], float, float]],
    seed: int, mix: dict[str, float] | None, feeder: Path,
) -> tuple[dict[tuple[int, int, int, int], str], list[Path], Counter[int]]:
    """Mark every answer sheet as a student does (the simulator's random streams, keyed by
    AMC's copy number as the booklet) and scan it; the scans go into one PDF of JPEG pages
    per dpi in feeder. Returns the mark drawn in each box, by (copy, page, AMC question, AMC
    answer), the PDFs, and the sheets per dpi."""
    chooser = answers.Mix(mix)
    truth: dict[tuple[int, int, int, int], str] = {}
    batches: dict[int, list[Any]] = {}
    for copy, page, subjectpage, sim_page, boxes in sheet_pages:
        digits = sim_pages.stream(seed, sim_pages.STUDENT, copy).integers(0, 10, size=ID_DIGITS)
        number = "".join(str(d) for d in digits)
        chosen = answers.decide(
            sim_page, number, sim_pages.stream(seed, sim_pages.CHOICES, copy, page), chooser)
        scan_rng = sim_pages.stream(seed, sim_pages.SCAN, copy, page, 0)
        dpi = int(DPIS[int(scan_rng.integers(len(DPIS)))])
        image = render.render_page(pdf, subjectpage - 1, dpi)
        centres, diameter, layout_dpi = corner_marks[(copy, page)]
        k = dpi / layout_dpi
        placed = _placement(scan_rng, dpi, lambda p, k=k, c=centres, d=diameter, i=image:
                            _corners_inside([(x * k, y * k) for x, y in c], d * k / 2,
                                            i.shape[:2], p.dpi, p))
        draw_rng = sim_pages.stream(seed, sim_pages.DRAWING, copy, page, dpi)
        for box in boxes:
            mark = chosen[box.rect.id]
            marks.draw(image, render.pt_box_to_px(box.rect.pt, dpi), mark, draw_rng,
                       render.px_per_mm(dpi))
            truth[(copy, page, box.question, box.answer)] = mark
        batches.setdefault(dpi, []).append(distort.scan_like(
            image, sim_pages.stream(seed, sim_pages.SCAN, copy, page, 1), dpi=dpi,
            rotate_deg=placed.rotate_deg, scale=placed.scale, shift_mm=placed.shift_mm,
            noise_sigma=placed.noise_sigma, blur_sigma=placed.blur_sigma, upside_down=False))
    files = [distort.save_pdf(batches[dpi], feeder / f"scan-{dpi}dpi.pdf", dpi)
             for dpi in sorted(batches)]
    return truth, files, Counter({dpi: len(batches[dpi]) for dpi in batches})


# ---------------------------------------------------------------------------------------
# AMC reads them


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_scans(workdir: Path, feeder: list[Path], pages: int) -> tuple[float, float]:
    """getimages (split the PDF), analyse (one process), note. Returns analyse's wall and
    CPU seconds (its children's user + system time)."""
    data, scans, listing = workdir / "data", workdir / "scans", workdir / "scans.list"
    timeout = TIMEOUT_BASE + TIMEOUT_PER_PAGE * pages
    _run([AMC, "getimages", "--copy-to", str(scans), "--list", str(listing),
          "--pdfimages-opts", "-png -j", "--vector-density", "250", *map(str, feeder)],
         workdir, "getimages", timeout)
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    _run([AMC, "analyse", "--projet", str(workdir), "--data", str(data), "--cr",
          str(workdir / "cr"), "--n-procs", "1", *ANALYSE_OPTIONS, "--liste-fichiers",
          str(listing)], workdir, "analyse", timeout, err_lines_fail=False)
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    _run([AMC, "note", "--data", str(data), "--seuil", str(SEUIL), "--seuil-up",
          str(SEUIL_UP), "--grain", "0.01", "--notemax", "14"], workdir, "note", timeout)
    return wall, cpu


def _sensitivity(ratio: float, seuil: float) -> float:
    """AMC::DataModule::capture::sensitivity_down for one box (0 far from the threshold,
    10 on it)."""
    return 10.0 * (seuil - abs(ratio - seuil)) / seuil


def read_capture(data: Path) -> dict[str, Any]:
    """AMC's reading: per box (copy, page, question, answer) -> (ticked, ratio), the pages
    read with their mse, and the scoring's "why" per question."""
    db = sqlite3.connect(data / "capture.sqlite")
    try:
        db.execute("ATTACH DATABASE ? AS scoring", (str(data / "scoring.sqlite"),))
        # AMC's own decision: the CASE of capture.pm's tickedList statement.
        rows = db.execute(
            "SELECT student, page, copy, id_a, id_b, total, black, manual,"
            " CASE WHEN manual >= 0 THEN manual WHEN total <= 0 THEN 0"
            "  WHEN black >= ? * total AND black <= ? * total THEN 1 ELSE 0 END"
            " FROM capture_zone WHERE type = ?", (SEUIL, SEUIL_UP, ZONE_BOX)).fetchall()
        boxes = {}
        for student, page, copy, qa, ab, total, black, _manual, ticked in rows:
            ratio = black / total if total and total > 0 else None
            boxes[(student, page, qa, ab)] = {"ticked": bool(ticked), "ratio": ratio,
                                              "copy": copy}
        pages = {(s, p): {"mse": mse, "auto": ta}
                 for s, p, mse, ta in db.execute(
                     "SELECT student, page, mse, timestamp_auto FROM capture_page")}
        why: dict[tuple[int, int], str] = {}
        tables = {r[0] for r in db.execute("SELECT name FROM scoring.sqlite_master")}
        if "scoring_score" in tables:
            for student, question, w in db.execute(
                    "SELECT student, question, why FROM scoring.scoring_score"):
                why[(student, question)] = w or ""
        failed = db.execute("SELECT COUNT(*) FROM capture_failed").fetchone()[0]
        return {"boxes": boxes, "pages": pages, "why": why, "failed": int(failed)}
    finally:
        db.close()


def score(
    truth: dict[tuple[int, int, int, int], str], capture: dict[str, Any]
) -> dict[str, Any]:
    """Compare AMC's reading with the truth, box by box."""
    boxes, pages = capture["boxes"], capture["pages"]
    band = (1.0 - SEUIL_SENS / 10.0) * SEUIL  # |ratio - seuil| below this: sensitivity > 8
    page_sens: dict[tuple[int, int], float] = {}
    for (student, page, _q, _a), b in boxes.items():
        if b["ratio"] is not None:
            s = _sensitivity(b["ratio"], SEUIL)
            page_sens[(student, page)] = max(page_sens.get((student, page), -1e9), s)
    result: dict[str, Any] = {
        "boxes": len(truth), "clean_boxes": 0, "clean_misread": 0, "clean_flagged": 0,
        "unclear_boxes": 0, "unclear_flagged": 0,
    }
    silent_by_mark: dict[str, Counter[str]] = {m: Counter() for m in marks.MARKS
                                          if marks.TRUTH[m] == "unclear"}
    clean_misread_by_mark: Counter[str] = Counter()
    page_rule: Counter[str] = Counter()
    pages_read = {(s, p) for (s, p, _q, _a) in boxes}
    pages_unread = {(s, p) for (s, p, _q, _a) in truth
                    if (s, p) not in pages or (s, p) not in pages_read}
    ratios: dict[str, list[float]] = {m: [] for m in marks.MARKS}
    for key, mark in sorted(truth.items()):
        student, page = key[0], key[1]
        expect = marks.TRUTH[mark]
        b = boxes.get(key)
        info = pages.get((student, page), {})
        unread = (student, page) in pages_unread or b is None
        bad_fit = (info.get("mse") or 0.0) > SEUIL_EQM
        near = b is not None and b["ratio"] is not None and abs(b["ratio"] - SEUIL) < band
        flagged = unread or bad_fit or near
        page_flagged = unread or bad_fit or page_sens.get((student, page), 0.0) > SEUIL_SENS
        ticked = bool(b and b["ticked"])
        if b is not None and b["ratio"] is not None:
            ratios[mark].append(b["ratio"])
        if expect == "unclear":
            result["unclear_boxes"] += 1
            result["unclear_flagged"] += int(flagged)
            page_rule["unclear_flagged"] += int(page_flagged)
            if not flagged:
                silent_by_mark[mark]["ticked" if ticked else "empty"] += 1
        else:
            result["clean_boxes"] += 1
            wrong = ticked != (expect == "filled")
            result["clean_flagged"] += int(flagged)
            page_rule["clean_flagged"] += int(page_flagged)
            if wrong and not flagged:
                result["clean_misread"] += 1
                clean_misread_by_mark[mark] += 1
            if wrong and not page_flagged:
                page_rule["clean_misread"] += 1
    result["unclear_silent_by_mark"] = {m: dict(c) for m, c in silent_by_mark.items()}
    result["empty_read_ticked"] = sum(  # flagged or not: the letters-inside trap shows here
        1 for key, mark in truth.items() if mark == "none" and boxes.get(key, {}).get("ticked"))
    result["clean_misread_by_mark"] = dict(clean_misread_by_mark)
    result["marks_drawn"] = dict(Counter(truth.values()))
    result["pages_unread"] = len(pages_unread)
    result["pages_failed"] = capture["failed"]  # scans analyse could not read (capture_failed)
    result["pages_mse_over"] = sum(1 for v in pages.values() if (v["mse"] or 0) > SEUIL_EQM)
    result["flag_rules"] = {
        "box": f"page unread, or page mse > {SEUIL_EQM}, or |black/total - {SEUIL}| < "
               f"{band:.3f} (the box's AMC sensitivity > {SEUIL_SENS})",
        "page": {"rule": f"whole page flagged when unread, mse > {SEUIL_EQM} or its "
                         f"sensitivity > {SEUIL_SENS} (AMC GUI's red pages)",
                 "clean_misread": page_rule["clean_misread"],
                 "clean_flagged": page_rule["clean_flagged"],
                 "unclear_flagged": page_rule["unclear_flagged"],
                 "pages_flagged": sum(1 for v in page_sens.values() if v > SEUIL_SENS)},
    }
    result["darkness_ratio_by_mark"] = {
        m: {"n": len(v), "min": round(min(v), 3), "median": round(float(np.median(v)), 3),
            "max": round(max(v), 3)} for m, v in ratios.items() if v}
    result["invalid_questions"] = sum(1 for w in capture["why"].values() if "E" in w)
    result["threshold"] = {"seuil": SEUIL, "seuil_up": SEUIL_UP}
    return result


# ---------------------------------------------------------------------------------------


def run_amc(sheets: int, seed: int, workdir: Path, mix: dict[str, float] | None = None,
            *, letters: str = "beside") -> dict[str, Any]:
    """Make an AMC project of `sheets` copies in workdir, mark and scan their answer
    sheets with the simulator (seed, mix: the weights of answers.Mix, default its
    DEFAULT_MIX), read them with AMC and score its reading against the truth."""
    if sheets < 1:
        raise ValueError("sheets must be at least 1")
    version = amc_version()
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    pdf = prepare(workdir, sheets, letters=letters)
    sheet_pages = read_layout(workdir / "data")
    if len(sheet_pages) != sheets:
        raise AmcUnavailable(f"AMC laid out {len(sheet_pages)} answer sheets for {sheets} "
                             "copies")
    truth, feeder, per_dpi = mark_and_scan(pdf, sheet_pages, read_corner_marks(
        workdir / "data"), seed, mix, workdir / "feeder")
    pages = len(sheet_pages)
    wall, cpu = read_scans(workdir, feeder, pages)
    result: dict[str, Any] = {"sheets": sheets, "pages": pages}
    result.update(score(truth, read_capture(workdir / "data")))
    result.update({
        "seconds_per_page_wall": round(wall / pages, 3),
        "cpu_seconds_per_page": round(cpu / pages, 3),
        "amc_version": version,
        "seed": seed,
        "letters": letters,
        "scan": {"pages_per_dpi": {str(k): v for k, v in sorted(per_dpi.items())},
                 "rotate_deg": f"+-{sim.ROTATE_DEG}", "scale": list(sim.SCALE),
                 "shift_mm": f"+-{sim.SHIFT_MM}", "noise_sigma": list(sim.NOISE_SIGMA),
                 "blur_sigma_at_200dpi": list(sim.BLUR_SIGMA), "upside_down": False,
                 "files": "one PDF of JPEG pages per dpi (distort.save_pdf), split by "
                          "getimages"},
    })
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sheets", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="project folder (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--letters", choices=("beside", "inside"), default="beside",
                        help="inside = AMC's default sheet (the 38 %% trap)")
    args = parser.parse_args(argv)
    temp = None
    workdir = args.workdir
    if workdir is None:
        temp = tempfile.mkdtemp(prefix="amc-bench-")
        workdir = Path(temp)
    try:
        result = run_amc(args.sheets, args.seed, workdir, letters=args.letters)
    except AmcUnavailable as exc:
        print(f"AMC benchmark: {exc}", file=sys.stderr)
        return 1
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
        elif temp:
            print(f"kept {temp}", file=sys.stderr)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
