"""Speed, as ratios to import floors measured in the same run (`make bench`).

Each row times one command a user runs (the warm and the cold answer sheet, the sheet with
``SOLVER_SPEEDUPS=0``, 100 variant keys, one lab grading, one submission through
Gradescope's ``run_autograder``, one lecture solve, the practice site of 30 variants), each in a
fresh process, against a floor: a fresh ``python -c "import ..."`` of the heavy libraries
that command cannot avoid. Rounds are interleaved (round r runs floor, subject, the next
row's floor, subject, ...), so the load of a shared, noisy machine falls on both alike and
the ratio means something where seconds do not. That is also why the tests never assert
wall-clock time. Reported per row: median wall seconds of subject and floor, the ratio of
medians and of minima, and the median CPU seconds (user + sys of the child processes) with
their ratio. The promises checked: the warm sheet at most 2.5 times its floor, one
submission graded in either sandbox, or through run_autograder, at most 1.5 torch imports.

Every run uses a private temporary folder for its outputs and math caches (never the
checkout's ``build/``) and removes it at the end. A subject or floor that exits non-zero
stops the bench with one line on stderr and exit status 1.

    .venv/bin/python tests/bench.py [--rounds N] [--only ROW ...] [--shortcuts]
                                    [--format text|json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.runtime import NAMES as SHORTCUTS

ROOT = Path(__file__).resolve().parents[1]
PROMISE = 2.5  # the warm answer sheet costs at most this many import floors
SHEET_FLOOR = "torch, sympy, weasyprint, matplotlib"


@dataclass(frozen=True)
class Row:
    """One measured command: solver arguments ("{out}" is a fresh folder per run)."""

    name: str
    args: tuple[str, ...]
    floor: str  # the modules the floor imports
    cold: bool = False  # an empty math cache for every run, else one cache kept for the run
    warmup: bool = False  # one untimed run first (it fills the math cache)
    env: tuple[tuple[str, str], ...] = ()
    promise: float | None = None
    gradescope: bool = False  # args is Gradescope's run_autograder in a fresh root ({out})
    site: bool = False  # args writes a practice site to {out}/s: its pages are measured
    items: int = 0  # questions × variants it writes: notes CPU per item and peak memory


ROWS = (
    Row("sheet-warm", ("pdf", "--output", "{out}/x.pdf"), SHEET_FLOOR, warmup=True,
        promise=PROMISE),
    Row("sheet-cold", ("pdf", "--output", "{out}/x.pdf"), SHEET_FLOOR, cold=True),
    Row("sheet-plain", ("pdf", "--output", "{out}/x.pdf"), SHEET_FLOOR, warmup=True,
        env=(("SOLVER_SPEEDUPS", "0"),)),
    Row("variants", ("variants", "--seed", "2026", "--count", "100", "--out", "{out}/v"),
        "torch, sympy"),
    # 100 whole-exam keys, every lab solved and checked per version: at most 5 floors.
    Row("variants-jobs2", ("variants", "--seed", "2026", "--count", "100", "--out", "{out}/v",
                           "--jobs", "2"), "torch, sympy", promise=5.0),
    # A class's 50 submissions of lab 3, each graded against its own variant by roster
    # ({class}: written once per bench, half of them right, half another variant's code).
    Row("grade-50-mixed", ("grade", "lab.3", "{class}/lab3", "--seed", "2026", "--roster",
                           "{class}/roster.csv", "--jobs", "2", "--format", "json"), "torch"),
    # One submission in each sandbox: the isolation is to cost at most 1.5 torch imports.
    Row("grade-bwrap", ("grade", "lab.3", "tests/submissions/lab3/right.py", "--format", "json"),
        "torch", env=(("SOLVER_SANDBOX", "bwrap"),), promise=1.5),
    Row("grade-landlock", ("grade", "lab.3", "tests/submissions/lab3/right.py", "--format",
                           "json"), "torch", env=(("SOLVER_SANDBOX", "landlock"),), promise=1.5),
    # One submission as Gradescope grades it: the bundle's run_autograder, unpacked with
    # lab3/right.py as the upload, in the sandbox a container offers (Landlock).
    Row("gradescope", ("{out}/run_autograder",), "torch", gradescope=True,
        env=(("SOLVER_SANDBOX", "landlock"),), promise=1.5),
    Row("solve", ("solve", "lecture.3"), "sympy"),
    # The practice site, 30 variants of every question (labs: their distinct versions),
    # with the formulas' cache kept and empty; notes: the heaviest page and its first paint.
    Row("site-30-warm", ("site", "--seed", "2026", "--count", "30", "--out", "{out}/s"),
        "torch, sympy", warmup=True, site=True),
    Row("site-30-cold", ("site", "--seed", "2026", "--count", "30", "--out", "{out}/s"),
        "torch, sympy", cold=True, site=True),
    # Each export target on the same three computed questions: CPU per question-variant
    # and peak memory at 100 and 1000 variants (flat in the count when it streams).
    *(Row(f"export-{target}-{count}",
          ("export", target, "--seed", "2026", "--count", str(count), "--out",
           f"{{out}}/bank.{'xml' if target == 'moodle' else 'zip'}", "--only", "lecture.1",
           "lecture.3", "lecture.5"),
          "sympy", items=3 * count)
      for count in (100, 1000) for target in ("moodle", "qti21", "canvas")),
)
# With --shortcuts: the warm sheet once more per shortcut, with only that one switched off,
# so each shortcut's gain is its row's ratio less sheet-warm's, measured in the same run.
SHORTCUT_ROWS = tuple(
    Row(f"sheet-no-{name}", ("pdf", "--output", "{out}/x.pdf"), SHEET_FLOOR, warmup=True,
        env=(("SOLVER_SPEEDUPS", ",".join(other for other in SHORTCUTS if other != name)),))
    for name in SHORTCUTS
)
NAMES = tuple(row.name for row in ROWS + SHORTCUT_ROWS)


class CommandFailed(Exception):
    """A measured command exited non-zero."""


@dataclass
class Samples:
    """Wall and CPU seconds of one row's subject and floor, one entry per round."""

    wall: dict[str, list[float]] = field(default_factory=lambda: {"subject": [], "floor": []})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"subject": [], "floor": []})
    notes: list[str] = field(default_factory=list)


def solver_command() -> list[str]:
    """The solver as a user runs it: the venv's console script, else ``python -m solver``."""
    script = Path(sys.executable).parent / "solver"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "solver"]


def floor_command(row: Row) -> list[str]:
    return [sys.executable, "-c", f"import {row.floor}"]


def floor_shown(row: Row) -> str:
    return shlex.join(["python", "-c", f"import {row.floor}"])


def subject_shown(row: Row) -> str:
    """The subject as the table shows it, TMP standing for the private folder."""
    shown = [arg.replace("{out}", "TMP") for arg in row.args]
    return shlex.join(["AUTOGRADER_ROOT=TMP", *shown] if row.gradescope else ["solver", *shown])


def cache_shown(row: Row) -> str:
    return "empty" if row.cold else "warm" if row.warmup else "isolated"


class Bench:
    """Runs rows in interleaved rounds inside one private temporary folder."""

    def __init__(self, rows: list[Row], tmp: Path) -> None:
        self.rows = rows
        self.tmp = tmp
        self.runs = 0
        self.samples = {row.name: Samples() for row in rows}
        self.base_env = {k: v for k, v in os.environ.items() if k != "SOLVER_SPEEDUPS"}

    def fresh(self, what: str) -> Path:
        self.runs += 1
        folder = self.tmp / f"{self.runs:04d}-{what}"
        folder.mkdir()
        return folder

    def env(self, row: Row) -> dict[str, str]:
        cache = self.fresh(f"cache-{row.name}") if row.cold else self.tmp / f"cache-{row.name}"
        cache.mkdir(exist_ok=True)
        return {**self.base_env, **dict(row.env), "SOLVER_MATH_CACHE": str(cache)}

    def subject(self, row: Row) -> list[str]:
        out = str(self.fresh(f"out-{row.name}"))
        self.out = Path(out)
        if row.gradescope:
            return self.autograder_root(Path(out)) + [arg.replace("{out}", out)
                                                      for arg in row.args]
        if any("{class}" in arg for arg in row.args):
            folder = str(self.mixed_class())
            return solver_command() + [arg.replace("{class}", folder) for arg in row.args]
        return solver_command() + [arg.replace("{out}", out) for arg in row.args]

    def mixed_class(self, lab: str = "lab.3", count: int = 50) -> Path:
        """A class of ``count`` submissions of ``lab`` and its roster, written once: student
        k has variant k and submits that variant's reference code (even k) or the next
        variant whose code differs (odd k)."""
        folder = self.tmp / "class"
        if folder.exists():
            return folder
        from solver.engine import make_params
        from solver.questions import labkit
        from solver.registry import lookup
        from solver.variants.seeded import question_draws

        question = lookup(lab).meta
        codes = [labkit.version_source(question, make_params(question, s.params))
                 for s in question_draws(2026, question, count)]
        (folder / "lab3").mkdir(parents=True)
        rows = ["student,variant"]
        for number, code in enumerate(codes, start=1):
            other = next((c for c in codes[number:] + codes if c != code), code)
            (folder / "lab3" / f"s{number:03d}.py").write_text(
                code if number % 2 == 0 else other, encoding="utf-8")
            rows.append(f"s{number:03d},{number}")
        (folder / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        return folder

    def autograder_root(self, root: Path) -> list[str]:
        """``root`` laid out as Gradescope lays out /autograder (the bundle built once per
        bench), and the environment run_autograder runs with (this venv's python3)."""
        bundle = self.tmp / "autograder.zip"
        if not bundle.exists():
            self.run([*solver_command(), "autograder", "gradescope", "lab.3", "--out",
                      str(bundle)], self.base_env, "solver autograder")
        with zipfile.ZipFile(bundle) as archive:
            for info in archive.infolist():
                archive.extract(info, root / "source")
                (root / "source" / info.filename).chmod((info.external_attr >> 16) & 0o777)
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        shutil.copy(ROOT / "tests" / "submissions" / "lab3" / "right.py",
                    root / "submission" / "lab3.py")
        path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"
        return ["env", f"AUTOGRADER_ROOT={root}", f"PATH={path}"]

    def run(self, argv: list[str], env: dict[str, str], shown_as: str) -> tuple[float, float, str]:
        """Wall seconds, CPU seconds (user + sys of every waited-for child) and stderr; the
        process's peak resident memory goes to ``self.peak`` (MiB)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with tempfile.TemporaryFile() as errors, subprocess.Popen(
                argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=errors) as process:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            errors.seek(0)
            stderr = errors.read().decode("utf-8", "replace")
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.peak = usage.ru_maxrss / 1024
        if process.returncode != 0:
            last = (stderr.strip().splitlines() or ["(no stderr)"])[-1]
            raise CommandFailed(f"`{shown_as}` exited {process.returncode}: {last}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, stderr

    def warm_up(self) -> None:
        """Untimed: each distinct floor once (the OS file cache), then the warm rows'
        subjects once (the math cache)."""
        for modules in dict.fromkeys(row.floor for row in self.rows):
            row = next(r for r in self.rows if r.floor == modules)
            progress(f"warm-up: import {modules}")
            self.run(floor_command(row), self.env(row), floor_shown(row))
        for row in self.rows:
            if row.warmup:
                progress(f"warm-up: {row.name}")
                self.run(self.subject(row), self.env(row), subject_shown(row))

    def round(self, number: int, rounds: int) -> None:
        for row in self.rows:
            samples = self.samples[row.name]
            pairs = (("floor", floor_command(row), floor_shown(row)),
                     ("subject", self.subject(row), subject_shown(row)))
            for kind, argv, display in pairs:
                wall, cpu, stderr = self.run(argv, self.env(row), display)
                samples.wall[kind].append(wall)
                samples.cpu[kind].append(cpu)
                samples.notes.extend(line for line in stderr.splitlines()
                                     if "bwrap" in line and line not in samples.notes)
            if row.site and number == 1:
                samples.notes.extend(site_notes(self.out / "s"))
            if row.items:
                samples.notes.append(
                    f"round {number}: {samples.cpu['subject'][-1] / row.items * 1000:.1f} ms "
                    f"of CPU per question-variant, peak memory {self.peak:.0f} MiB")
            progress(f"round {number}/{rounds}: {row.name:<11} floor "
                     f"{samples.wall['floor'][-1]:6.2f} s, subject "
                     f"{samples.wall['subject'][-1]:6.2f} s")


def site_notes(site: Path) -> list[str]:
    """The heaviest page of a practice site (its HTML, key script, stylesheet, script and
    every SVG it shows, steps revealed) and the first contentful paint of the heaviest
    pages in headless chromium, opened from the file system."""
    import re

    common = sum((site / name).stat().st_size for name in ("site.css", "site.js"))
    weights = []
    for page in site.glob("*/*.html"):
        key = page.with_name(page.stem + ".key.js")
        text = page.read_text(encoding="utf-8") + key.read_text(encoding="utf-8")
        media = set(re.findall(r"media/([0-9a-f]+\.svg)", text))
        size = (page.stat().st_size + key.stat().st_size + common
                + sum((site / "media" / name).stat().st_size for name in media))
        weights.append((size, page.stat().st_size, key.stat().st_size, page))
    weights.sort(reverse=True)
    size, html, key_size, page = weights[0]
    notes = [f"{len(weights)} pages; the heaviest, {page.relative_to(site)}, is {size / 1024:.0f} "
             f"KiB with everything it shows ({html / 1024:.1f} KiB HTML, {key_size / 1024:.1f} "
             f"KiB key script); the largest HTML page is "
             f"{max(w[1] for w in weights) / 1024:.1f} KiB"]
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return [*notes, "first paint not measured: no chromium and chromedriver here"]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        paints = []
        for _, _, _, heavy in weights[:10]:
            driver.get(heavy.as_uri())
            paints.append(driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                new PerformanceObserver(function (list) {
                  var paint = list.getEntriesByName('first-contentful-paint')[0];
                  if (paint) { done(paint.startTime); }
                }).observe({type: 'paint', buffered: true});"""))
    finally:
        driver.quit()
    return [*notes, f"first contentful paint of the 10 heaviest pages in headless chromium: "
            f"median {statistics.median(paints):.0f} ms, at most {max(paints):.0f} ms"]


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def summary(row: Row, samples: Samples) -> dict[str, Any]:
    """One row of the report: medians, minima and their ratios, plus the raw samples."""
    wall, cpu = samples.wall, samples.cpu
    med = {kind: statistics.median(values) for kind, values in wall.items()}
    cpu_med = {kind: statistics.median(values) for kind, values in cpu.items()}
    ratio = med["subject"] / med["floor"]
    return {
        "row": row.name,
        "command": subject_shown(row),
        "env": dict(row.env),
        "math_cache": cache_shown(row),
        "floor": floor_shown(row),
        "wall_median": med,
        "wall_ratio_of_medians": ratio,
        "wall_ratio_of_minima": min(wall["subject"]) / min(wall["floor"]),
        "cpu_median": cpu_med,
        "cpu_ratio_of_medians": cpu_med["subject"] / cpu_med["floor"],
        "promise": None if row.promise is None else
        {"at_most": row.promise, "holds": ratio <= row.promise},
        "notes": samples.notes,
        "samples": {"wall": wall, "cpu": cpu},
    }


def text_report(report: dict[str, Any]) -> str:
    header = (f"{'row':<22}{'subject s':>10}{'floor s':>9}{'ratio':>7}{'min ratio':>10}"
              f"{'cpu subj s':>11}{'cpu floor s':>12}{'cpu ratio':>10}")
    lines = [f"speed as ratios to import floors, {report['rounds']} interleaved round(s), "
             "medians", header, "-" * len(header)]
    for r in report["rows"]:
        lines.append(f"{r['row']:<22}{r['wall_median']['subject']:>10.2f}"
                     f"{r['wall_median']['floor']:>9.2f}{r['wall_ratio_of_medians']:>6.2f}x"
                     f"{r['wall_ratio_of_minima']:>9.2f}x{r['cpu_median']['subject']:>11.2f}"
                     f"{r['cpu_median']['floor']:>12.2f}{r['cpu_ratio_of_medians']:>9.2f}x")
    lines.append("")
    for r in report["rows"]:
        env = "".join(f"{k}={v} " for k, v in r["env"].items())
        lines.append(f"{r['row']:<22}{env}{r['command']} (math cache: {r['math_cache']})")
        lines.append(f"{'':<22}floor: {r['floor']}")
    for r in report["rows"]:
        if r["promise"] is not None:
            verdict = "holds" if r["promise"]["holds"] else "DOES NOT HOLD"
            lines.append(f"promise: {r['row']} <= {r['promise']['at_most']}x its floor "
                         f"(ratio of medians {r['wall_ratio_of_medians']:.2f}x): {verdict}")
        lines.extend(f"note ({r['row']}): {note}" for note in r["notes"])
    start, end = report["load_average"]["start"], report["load_average"]["end"]
    lines.append(f"load average {' '.join(f'{x:.2f}' for x in start)} at start, "
                 f"{' '.join(f'{x:.2f}' for x in end)} at end; "
                 f"os.cpu_count() = {report['cpu_count']}")
    return "\n".join(lines)


def rounds_type(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError(f"must be 1 to 50, not {number}")
    return number


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench.py",
        description="Speed of the solver's commands as ratios to import floors measured "
                    "in the same run.")
    parser.add_argument("--rounds", type=rounds_type, default=7, metavar="N",
                        help="interleaved rounds, 1 to 50 (default: 7)")
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="ROW",
                        help=f"only these rows: {', '.join(NAMES)}")
    parser.add_argument("--shortcuts", action="store_true",
                        help="add a warm-sheet row per shortcut, with only that one off")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    candidates = ROWS + SHORTCUT_ROWS if options.shortcuts or options.only else ROWS
    rows = [row for row in candidates if options.only is None or row.name in options.only]
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="solver-bench-") as tmp:
        bench = Bench(rows, Path(tmp))
        try:
            bench.warm_up()
            for number in range(1, options.rounds + 1):
                bench.round(number, options.rounds)
        except CommandFailed as failure:
            print(f"bench: {failure}", file=sys.stderr)
            return 1
    report = {
        "rounds": options.rounds,
        "rows": [summary(row, bench.samples[row.name]) for row in rows],
        "load_average": {"start": list(load_start), "end": list(os.getloadavg())},
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(report, indent=2) if options.format == "json" else text_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
