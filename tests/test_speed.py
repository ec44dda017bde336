"""Fast where people wait: what each command imports."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HEAVY = ("torch", "sympy", "matplotlib", "weasyprint", "numpy", "cv2", "pypdfium2")


def imported(*args: str) -> set[str]:
    code = (
        "import sys, runpy; sys.argv = ['solver', *sys.argv[1:]];\n"
        "try:\n    runpy.run_module('solver', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout.flush(); print('MODULES', *sorted({m.split('.')[0] for m in sys.modules}),"
        " file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, timeout=300)
    line = [x for x in result.stderr.splitlines() if x.startswith("MODULES")][-1]
    return set(line.split()[1:])


def test_list_and_help_import_nothing_heavy() -> None:
    for args in (["list"], ["--help"], ["scan", "--help"], ["booklets", "--help"]):
        assert not imported(*args) & set(HEAVY), args


def test_writing_booklets_needs_no_opencv(tmp_path: object) -> None:
    modules = imported("booklets", "--seed", "1", "--count", "1", "--out", f"{tmp_path}/b")
    assert "solver" in modules and not modules & {"cv2", "pypdfium2"}


def test_lecture_questions_do_not_import_torch() -> None:
    with ThreadPoolExecutor(2) as pool:  # eight new processes, two at a time
        found = list(pool.map(lambda number: imported("solve", f"lecture.{number}"),
                              range(1, 9)))
    for number, modules in enumerate(found, start=1):
        assert "solver" in modules and "torch" not in modules, number
