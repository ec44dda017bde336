"""Shared helpers: run the CLI as a user does, solve in-process, the answer sheet built once
per session (and its text layer), hypothesis profile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from solver.engine import solve as solve_question
from solver.model import Solution
from solver.registry import lookup

ROOT = Path(__file__).resolve().parent.parent
# The tests build into temporary folders, which would use the platform's cache folder
# (~/.cache/solver): they are this checkout's builds, so they share its cache.
os.environ.setdefault("SOLVER_MATH_CACHE", str(ROOT / "build" / ".mathcache"))

# Torch's first call is slow; a per-example deadline would make the suite flaky.
settings.register_profile(
    "solver", deadline=None, derandomize=True, max_examples=40,
    suppress_health_check=[HealthCheck.too_slow], database=None,
)
settings.load_profile("solver")


def solve(question_id: str, **params: Any) -> Solution:
    return solve_question(lookup(question_id).meta, params)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "solver", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=300,
    )


def build_sheet(path: Path) -> Path:
    """The full answer sheet, built as a user builds it (``solver pdf --output PATH``)."""
    result = run_cli("pdf", "--output", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def sheet_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full answer sheet, built once for every test that reads it."""
    return build_sheet(tmp_path_factory.mktemp("sheet") / "answers.pdf")


@pytest.fixture(scope="session")
def sheet_pages(sheet_pdf: Path) -> list[str]:
    """The sheet's text layer, page by page, extracted once (it takes seconds).

    pypdf, not pypdfium2 (faster): pypdfium2 collapses a code line's indentation to one space
    and writes non-breaking spaces and CRLF line ends, and the listing tests read the code
    lines exactly as they are in the source.
    """
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(sheet_pdf).pages]


@pytest.fixture
def broken_lecture5(monkeypatch: pytest.MonkeyPatch) -> None:
    """lecture.5 with an extra check that fails, as an oracle that disagrees would."""
    from solver.model import Check
    from solver.questions import lecture5

    real = lecture5.solve

    def broken(params: lecture5.Params, meta: Any) -> Solution:
        solution = real(params, meta)
        solution.checks.append(Check("deliberately broken oracle", False, "test"))
        return solution

    monkeypatch.setattr(lecture5, "solve", broken)


# Debian's chromium and chromium-driver ('make setup' installs them when run as root): the
# practice site's and the scan review pages' browser tests share this set-up.
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
DESKTOP = (1280, 900)


def headless_chrome(size: tuple[int, int] = DESKTOP) -> Any:
    """Headless Chromium at ``size``, its console and network logged; a skip without it."""
    if not (CHROMIUM and DRIVER):
        pytest.skip("no browser here: Debian's chromium and chromium-driver are not installed "
                    "('make setup' installs them when it runs as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={size[0]},{size[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(DRIVER))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser for a module's tests, closed after them."""
    driver = headless_chrome()
    try:
        yield driver
    finally:
        driver.quit()
