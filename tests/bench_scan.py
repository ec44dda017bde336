"""The paper scan against its goals and against Auto Multiple Choice, in one run (`make bench`).

One run on this machine, in a private temporary folder removed at the end, every seed fixed
by --seed:

1. ``solver booklets --seed S --count STUDENTS --out TMP --jobs 2``: wall seconds and the CPU
   seconds of the process and its workers (user + sys of the waited-for children), with an
   empty private math cache.
2. The simulator (tests/scansim) marks and scans pages 1-3 of every booklet (the pages with
   boxes), plus what else lands in a feeder (a blank sheet, a page of another document, one
   page scanned twice): timed apart, it is not the reader's cost.
3. ``solver scan`` reads them with ``--jobs 1`` (one core, as AMC's ``analyse --n-procs 1``).
   A scan run also solves every variant's key (sympy, torch) and writes its outputs, once
   per run whatever the page count; so the same command runs three times into the same
   --out: (a) every scan, every page new; (b) every scan again, no page new (each file is
   decoded and hashed again, nothing is read); (c) one single-page file read before, no page
   new (the run's fixed part: start-up, keys, outputs of every page read so far). Seconds
   per page = (a - c) / pages read: reading a page, decoding its file included. (a - b) /
   pages, reading without decoding, and a / pages, the whole run, are shown too.
4. tests/scan_compare.tally against the simulator's truth: silent misreads, clear boxes
   flagged, unclear marks flagged, by mark; every silent misread and every clear box
   flagged is listed by booklet/box id and mark.
5. tests/amc_bench.run_amc on AMC-SHEETS sheets marked and scanned by the same simulator,
   when ``auto-multiple-choice`` is installed (``make bench-deps`` installs it): the same
   figures for AMC (its silent misreads: clean boxes misread unflagged plus unclear marks
   unflagged; its CPU is ``analyse``'s alone).
6. A side-by-side table (or JSON) and the goals, each PASS or FAIL: no silent misread, every
   unclear mark flagged, at most 1 % of clear boxes flagged, at least AMC's pages per second
   per core (pages per CPU second). Exit status 1 when one of them fails (AMC's own figures
   are never a failure; without AMC the speed goal is not checked: SKIP), or when one of
   our commands fails; an AMC that is missing or fails is reported, and the exit is 0.

    PYTHONPATH=. .venv/bin/python tests/bench_scan.py [--students N] [--amc-sheets N]
                                                      [--seed S] [--format text|json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tests.* must import
    sys.path.insert(0, str(ROOT))

from tests.scan_compare import Tally, tally  # noqa: E402
from tests.scansim.marks import MARKS, TRUTH  # noqa: E402

PAGES_WITH_BOXES = "boxes"  # each booklet's pages that have boxes (page 1 and the grids')
BOOKLET_JOBS = 2
FLAG_RATE_GOAL = 0.01
AMC = "auto-multiple-choice"
# Bounds on each command: generous for this machine, still finite.
TIMEOUT_BOOKLETS_BASE, TIMEOUT_BOOKLETS_PER_STUDENT = 300, 10
TIMEOUT_SCAN_BASE, TIMEOUT_SCAN_PER_PAGE = 300, 10
LISTED = 40  # text report: at most this many box ids per list


class CommandFailed(Exception):
    """A measured command exited non-zero or ran past its time."""


def progress(message: str) -> None:
    print(f"bench-scan: {message}", file=sys.stderr, flush=True)


def solver_command() -> list[str]:
    """The solver as a user runs it: the venv's console script, else ``python -m solver``."""
    script = Path(sys.executable).parent / "solver"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "solver"]


def run(argv: list[str], env: dict[str, str], timeout: float, shown: str
        ) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + sys of the process and every child it waited for)
    and stderr of one command; past timeout its whole process group is killed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=errors, start_new_session=True) as process:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise CommandFailed(f"`{shown}` ran past {timeout:.0f} s") from None
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise CommandFailed(f"`{shown}` exited {process.returncode}: {last}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, stderr


def pages_read(stderr: str) -> tuple[int, int]:
    """(read, read before) from solver scan's "read N pages (M read before)" line."""
    found = re.search(r"read (\d+) pages? \((\d+) read before\)", stderr)
    if not found:
        raise CommandFailed(f"solver scan printed no page count: {stderr.strip()[-300:]}")
    return int(found[1]), int(found[2])


# ---------------------------------------------------------------------------------------
# Ours


def booklets_step(tmp: Path, env: dict[str, str], students: int, seed: int) -> dict[str, Any]:
    out = tmp / "booklets"
    argv = [*solver_command(), "booklets", "--seed", str(seed), "--count", str(students),
            "--out", str(out), "--jobs", str(BOOKLET_JOBS)]
    shown = (f"solver booklets --seed {seed} --count {students} --out TMP "
             f"--jobs {BOOKLET_JOBS}")
    progress(f"{shown} ...")
    wall, cpu, stderr = run(argv, env, TIMEOUT_BOOKLETS_BASE
                            + TIMEOUT_BOOKLETS_PER_STUDENT * students, shown)
    found = re.search(r"wrote (\d+) booklets \((\d+) pages\)", stderr)
    progress(f"booklets: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return {"command": shown, "booklets": students, "pages": int(found[2]) if found else None,
            "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "jobs": BOOKLET_JOBS, "math_cache": "empty at start (private)"}


def simulate_step(tmp: Path, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from tests.scansim.simulate import simulate

    progress("simulating the pages with boxes of every booklet ...")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    truth = simulate(tmp / "booklets", tmp / "scans", seed, only_pages=PAGES_WITH_BOXES)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    sheets = [page for file in truth["files"] for page in file["pages"]]
    kinds = Counter("rescan" if p["duplicate"] else p["kind"] for p in sheets)
    formats = Counter(file["format"] for file in truth["files"])
    dpis = Counter(p["dpi"] for p in sheets)
    progress(f"simulator: {len(sheets)} pages in {len(truth['files'])} files, {wall:.1f} s")
    return truth, {"pages": len(sheets), "files": len(truth["files"]),
                   "kinds": dict(sorted(kinds.items())),
                   "formats": dict(sorted(formats.items())),
                   "pages_per_dpi": {str(k): v for k, v in sorted(dpis.items())},
                   "upside_down": sum(1 for p in sheets if p["upside_down"]),
                   "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2)}


def scan_step(tmp: Path, env: dict[str, str], truth: dict[str, Any], seed: int
              ) -> dict[str, Any]:
    """solver scan --jobs 1 three times into one --out (see the module's docstring)."""
    scans = tmp / "scans"
    files = [scans / entry["file"] for entry in truth["files"]]
    pages = sum(len(entry["pages"]) for entry in truth["files"])
    fewest = min(len(e["pages"]) for e in truth["files"])  # 1 unless every scan is a PDF
    single = min((scans / e["file"] for e in truth["files"] if len(e["pages"]) == fewest),
                 key=lambda path: path.stat().st_size)
    out = tmp / "read"
    timeout = TIMEOUT_SCAN_BASE + TIMEOUT_SCAN_PER_PAGE * pages
    options = ["--booklets", str(tmp / "booklets"), "--seed", str(seed), "--out", str(out),
               "--jobs", "1"]
    runs: dict[str, dict[str, Any]] = {}
    tallied: Tally | None = None
    flagged: list[str] = []
    for name, inputs, what in (
            ("all_new", files, f"{len(files)} files, every page new"),
            ("none_new", files, f"the same {len(files)} files again, no page new"),
            ("fixed", [single], f"one single-page file read before ({single.name})")):
        shown = (f"solver scan TMP/scans/* --booklets TMP --seed {seed} --out TMP --jobs 1"
                 if len(inputs) > 1 else
                 f"solver scan TMP/scans/{single.name} --booklets TMP --seed {seed} "
                 "--out TMP --jobs 1")
        progress(f"{shown}: {what} ...")
        wall, cpu, stderr = run([*solver_command(), "scan", *map(str, inputs), *options],
                                env, timeout, shown)
        read, before = pages_read(stderr)
        runs[name] = {"command": shown, "what": what, "pages_read": read,
                      "pages_read_before": before, "wall_seconds": round(wall, 2),
                      "cpu_seconds": round(cpu, 2)}
        progress(f"  read {read} pages ({before} before): {wall:.1f} s wall, {cpu:.1f} s CPU")
        if name == "all_new":
            tallied = tally(truth, out)
            flagged = clear_flagged(truth, out)
    assert tallied is not None
    new = runs["all_new"]["pages_read"]
    if new != pages or runs["none_new"]["pages_read"] or runs["fixed"]["pages_read"]:
        raise CommandFailed(f"solver scan read {new} of {pages} pages, then "
                            f"{runs['none_new']['pages_read']} and "
                            f"{runs['fixed']['pages_read']} again (expected none)")
    a, b, c = (runs[k] for k in ("all_new", "none_new", "fixed"))
    per_page = {
        "reading_cpu": (a["cpu_seconds"] - c["cpu_seconds"]) / new,
        "reading_wall": (a["wall_seconds"] - c["wall_seconds"]) / new,
        "reading_without_decoding_cpu": (a["cpu_seconds"] - b["cpu_seconds"]) / new,
        "whole_run_cpu": a["cpu_seconds"] / new,
        "whole_run_wall": a["wall_seconds"] / new,
    }
    return {"runs": runs, "pages": pages,
            "per_page": {k: round(v, 4) for k, v in per_page.items()},
            "method": "seconds per page = (run on every page new - run on one single-page "
                      "file read before, into the same --out) / pages read: reading alone, "
                      "decoding the files included; the key solving, start-up and outputs "
                      "(the second run's cost) are left out",
            "tally": tallied, "clear_flagged_boxes": flagged}


def clear_flagged(truth: dict[str, Any], out: Path) -> list[str]:
    """Every clear box (truth filled or empty) the reader set aside, as tally counts them:
    "booklet/box: mark (why)"."""
    readings = json.loads((out / "readings.json").read_text())["booklets"]
    seen: set[tuple[int, int]] = set()
    found = []
    for file in truth["files"]:
        for page in file["pages"]:
            if page["kind"] != "booklet" or (page["booklet"], page["page"]) in seen:
                continue
            seen.add((page["booklet"], page["page"]))
            boxes = readings[str(page["booklet"])]["boxes"]
            for box, mark in page["marks"].items():
                state = boxes[box]
                if TRUTH[mark] != "unclear" and state["state"] == "unclear":
                    found.append(f"{page['booklet']}/{box}: {mark} ({state.get('why')})")
    return found


def ours_summary(scan: dict[str, Any]) -> dict[str, Any]:
    t: Tally = scan["tally"]
    silent_by_mark = Counter(line.split(": ", 1)[1].split(" ", 1)[0] for line in t.silent)
    cpu = scan["per_page"]["reading_cpu"]
    return {
        "pages": scan["pages"], "boxes": t.boxes,
        "silent_misreads": len(t.silent),
        "clear_boxes": t.clear, "clear_flagged": t.clear_flagged,
        "clear_flag_rate": round(t.flag_rate, 5),
        "unclear_marks": t.unclear, "unclear_flagged": t.unclear_flagged,
        "cpu_seconds_per_page": round(cpu, 4),
        "wall_seconds_per_page": scan["per_page"]["reading_wall"],
        "pages_per_second_per_core": round(1 / cpu, 3) if cpu > 0 else None,
        "by_mark": {m: {"truth": TRUTH[m], "boxes": t.by_mark[m],
                        "flagged": t.flagged_by_mark[m], "silent": silent_by_mark[m]}
                    for m in MARKS},
        "silent": t.silent,
        "clear_flagged_boxes": scan["clear_flagged_boxes"],
    }


# ---------------------------------------------------------------------------------------
# AMC


def amc_step(tmp: Path, sheets: int, seed: int) -> dict[str, Any]:
    """AMC's figures, or {"unavailable": why}."""
    if shutil.which(AMC) is None:
        return {"unavailable": "AMC not installed: make bench-deps"}
    from tests.amc_bench import AmcUnavailable, run_amc

    progress(f"AMC: {sheets} sheets (prepare, mark and scan, analyse --n-procs 1) ...")
    start = time.perf_counter()
    try:
        result = run_amc(sheets, seed, tmp / "amc")
    except AmcUnavailable as exc:
        return {"unavailable": f"AMC failed: {exc}"}
    progress(f"AMC: done in {time.perf_counter() - start:.0f} s")
    silent_unclear = {m: sum(c.values()) for m, c in result["unclear_silent_by_mark"].items()}
    drawn = result["marks_drawn"]
    cpu = result["cpu_seconds_per_page"]
    by_mark = {}
    for m in MARKS:
        n = drawn.get(m, 0)
        if TRUTH[m] == "unclear":
            by_mark[m] = {"truth": TRUTH[m], "boxes": n, "flagged": n - silent_unclear.get(m, 0),
                          "silent": silent_unclear.get(m, 0)}
        else:  # AMC's score counts the flagged clear boxes only in total
            by_mark[m] = {"truth": TRUTH[m], "boxes": n, "flagged": None,
                          "silent": result["clean_misread_by_mark"].get(m, 0)}
    return {
        "pages": result["pages"], "boxes": result["boxes"],
        "silent_misreads": result["clean_misread"] + sum(silent_unclear.values()),
        "clear_boxes": result["clean_boxes"], "clear_flagged": result["clean_flagged"],
        "clear_flag_rate": round(result["clean_flagged"] / max(1, result["clean_boxes"]), 5),
        "unclear_marks": result["unclear_boxes"], "unclear_flagged": result["unclear_flagged"],
        "cpu_seconds_per_page": cpu,
        "wall_seconds_per_page": result["seconds_per_page_wall"],
        "pages_per_second_per_core": round(1 / cpu, 3) if cpu > 0 else None,
        "by_mark": by_mark,
        "version": result["amc_version"],
        "raw": result,
    }


# ---------------------------------------------------------------------------------------
# The report


def goals(ours: dict[str, Any], amc: dict[str, Any]) -> list[dict[str, Any]]:
    checked = [
        {"goal": "0 silent misreads", "holds": ours["silent_misreads"] == 0,
         "ours": ours["silent_misreads"]},
        {"goal": "every unclear mark flagged",
         "holds": ours["unclear_flagged"] == ours["unclear_marks"],
         "ours": f"{ours['unclear_flagged']} of {ours['unclear_marks']}"},
        {"goal": f"at most {FLAG_RATE_GOAL:.0%} of clear boxes flagged",
         "holds": ours["clear_flag_rate"] <= FLAG_RATE_GOAL,
         "ours": f"{ours['clear_flagged']} of {ours['clear_boxes']} "
                 f"({ours['clear_flag_rate']:.2%})"},
    ]
    speed = {"goal": "at least AMC's pages per second per core",
             "ours": ours["pages_per_second_per_core"]}
    if "unavailable" in amc:
        speed.update(holds=None, amc=amc["unavailable"])
    else:
        speed.update(holds=(ours["pages_per_second_per_core"] or 0)
                     >= (amc["pages_per_second_per_core"] or float("inf")),
                     amc=amc["pages_per_second_per_core"])
    return [*checked, speed]


def _cell(side: dict[str, Any], key: str) -> str:
    if "unavailable" in side:
        return "-"
    v = side[key]
    if key == "clear_flagged":
        return f"{v} ({side['clear_flag_rate']:.2%})"
    if key == "unclear_flagged":
        return f"{v} of {side['unclear_marks']}"
    if key in ("cpu_seconds_per_page", "wall_seconds_per_page"):
        return f"{v:.3f}"
    if key == "pages_per_second_per_core":
        return "-" if v is None else f"{v:.2f}"
    return str(v)


def text_report(report: dict[str, Any]) -> str:
    ours, amc, b, sim, scan = (report[k] for k in ("ours", "amc", "booklets", "simulator",
                                                    "scan"))
    lines = [f"paper scan bench: {report['students']} students, seed {report['seed']}, "
             f"os.cpu_count() = {report['cpu_count']}", ""]
    lines.append(f"booklets  {b['command']}: {b['wall_seconds']:.1f} s wall, "
                 f"{b['cpu_seconds']:.1f} s CPU (process and workers), {b['pages']} pages, "
                 f"math cache {b['math_cache']}")
    lines.append("simulator the pages with boxes of every booklet: "
                 f"{sim['pages']} pages ({', '.join(f'{v} {k}' for k, v in sim['kinds'].items())}"
                 f") in {sim['files']} files "
                 f"({', '.join(f'{v} {k}' for k, v in sim['formats'].items())}), dpi "
                 f"{', '.join(f'{k}: {v}' for k, v in sim['pages_per_dpi'].items())}, "
                 f"{sim['upside_down']} upside down; {sim['wall_seconds']:.1f} s wall "
                 "(not the reader's cost)")
    for r in scan["runs"].values():
        lines.append(f"scan      {r['command']} [{r['what']}]: read {r['pages_read']} "
                     f"({r['pages_read_before']} before), {r['wall_seconds']:.1f} s wall, "
                     f"{r['cpu_seconds']:.1f} s CPU")
    pp = scan["per_page"]
    lines.append(f"          per page: {pp['reading_cpu']:.3f} s CPU reading (first run less "
                 f"the third), {pp['reading_without_decoding_cpu']:.3f} s CPU without "
                 f"decoding (first less second), {pp['whole_run_cpu']:.3f} s CPU "
                 "for the whole first run")
    if "unavailable" in amc:
        lines.append(f"AMC       {amc['unavailable']}")
    else:
        raw = amc["raw"]
        lines.append(f"AMC       {amc['version']}: {raw['sheets']} sheets, analyse --n-procs 1; "
                     f"pages per dpi {raw['scan']['pages_per_dpi']}, "
                     f"{raw['pages_unread']} unread, {raw['pages_mse_over']} with mse over "
                     f"the threshold; flag rule: {raw['flag_rules']['box']}")
    amc_name = "AMC" if "unavailable" in amc else f"AMC {amc['version']}"
    header = f"{'':<34}{'ours (solver scan)':>22}{amc_name:>24}"
    lines += ["", header, "-" * len(header)]
    for label, key in (("pages", "pages"), ("boxes", "boxes"),
                       ("silent misreads", "silent_misreads"),
                       ("clear boxes flagged (rate)", "clear_flagged"),
                       ("unclear marks flagged", "unclear_flagged"),
                       ("CPU s per page (one core)", "cpu_seconds_per_page"),
                       ("wall s per page (one core)", "wall_seconds_per_page"),
                       ("pages per second per core", "pages_per_second_per_core")):
        lines.append(f"{label:<34}{_cell(ours, key):>22}{_cell(amc, key):>24}")
    lines += ["", f"{'by mark':<10}{'truth':<9}{'ours: boxes':>12}{'flagged':>9}{'silent':>8}"
                  f"{'AMC: boxes':>12}{'flagged':>9}{'silent':>8}"]
    for m in MARKS:
        o = ours["by_mark"][m]
        a = amc.get("by_mark", {}).get(m)
        amc_cells = ("" if a is None else
                     f"{a['boxes']:>12}{'-' if a['flagged'] is None else a['flagged']:>9}"
                     f"{a['silent']:>8}")
        lines.append(f"{m:<10}{o['truth']:<9}{o['boxes']:>12}{o['flagged']:>9}{o['silent']:>8}"
                     f"{amc_cells}")
    for title, items in (("our silent misreads", ours["silent"]),
                         ("our clear boxes flagged", ours["clear_flagged_boxes"])):
        if items:
            lines += ["", f"{title} ({len(items)}):"]
            lines += [f"  {item}" for item in items[:LISTED]]
            if len(items) > LISTED:
                lines.append(f"  ... {len(items) - LISTED} more (--format json lists all)")
    lines.append("")
    for g in report["goals"]:
        verdict = "SKIP" if g["holds"] is None else "PASS" if g["holds"] else "FAIL"
        extra = f", AMC {g['amc']}" if "amc" in g else ""
        lines.append(f"{verdict} {g['goal']} (ours {g['ours']}{extra})")
    start, end = report["load_average"]["start"], report["load_average"]["end"]
    lines.append(f"load average {' '.join(f'{x:.2f}' for x in start)} at start, "
                 f"{' '.join(f'{x:.2f}' for x in end)} at end; {report['seconds']:.0f} s in all")
    return "\n".join(lines)


def count(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be {low} to {high}, not {number}")
        return number
    return parse


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench_scan.py",
        description="The paper scan's accuracy and speed against its goals and AMC.")
    parser.add_argument("--students", type=count(1, 5000), default=200, metavar="N",
                        help="booklets written, simulated and read (default: 200)")
    parser.add_argument("--amc-sheets", type=count(1, 1000), default=60, metavar="N",
                        help="answer sheets AMC reads (default: 60)")
    parser.add_argument("--seed", type=int, default=1,
                        help="booklets, simulator and AMC sheets (default: 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    load_start = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="solver-bench-scan-") as name:
        tmp = Path(name)
        (tmp / "cache").mkdir()
        env = {**{k: v for k, v in os.environ.items() if k != "SOLVER_SPEEDUPS"},
               "SOLVER_MATH_CACHE": str(tmp / "cache")}
        try:
            booklets = booklets_step(tmp, env, options.students, options.seed)
            truth, simulator = simulate_step(tmp, options.seed)
            scan = scan_step(tmp, env, truth, options.seed)
        except CommandFailed as failure:
            print(f"bench-scan: {failure}", file=sys.stderr)
            return 1
        amc = amc_step(tmp, options.amc_sheets, options.seed)
    ours = ours_summary(scan)
    report = {
        "students": options.students, "seed": options.seed, "amc_sheets": options.amc_sheets,
        "booklets": booklets, "simulator": simulator,
        "scan": {k: v for k, v in scan.items() if k not in ("tally", "clear_flagged_boxes")},
        "ours": ours, "amc": amc, "goals": goals(ours, amc),
        "load_average": {"start": list(load_start), "end": list(os.getloadavg())},
        "cpu_count": os.cpu_count(), "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2) if options.format == "json" else text_report(report))
    return 1 if any(g["holds"] is False for g in report["goals"]) else 0


if __name__ == "__main__":
    sys.exit(main())
