"""Parameters: any JSON value for any parameter of any question ends in exit 0 or a one-line
exit 2 (never a traceback, never a failed self-check), within 10 s of CPU time and 1 GB, in
every format; plus each hostile or extreme input found so far, run as a user runs it.

Time is CPU time (user + system), which another busy process on the machine does not
stretch; wall clocks only stop a run that hangs, far past the bound.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import cli
from solver.engine import make_params
from solver.registry import entries, lookup
from tests.conftest import ROOT

SECONDS = 10.0  # CPU seconds: the bound for every accepted parameter set, in every format
HANG_GUARD = 6 * SECONDS  # wall seconds: only a run that hangs is stopped, never a slow one
MEGABYTES = 1024.0
FORMATS = ("text", "markdown", "json", "html")
HUGE = "1" + "0" * 309


@cache
def parameters(qid: str) -> dict[str, Any]:
    """The question's parameters and defaults ({} if it takes none)."""
    params = make_params(lookup(qid).meta)
    return dataclasses.asdict(params) if params is not None else {}


# --- hostile and plausible values, as the text a user types after NAME= ------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=24,
)
_special = st.sampled_from([
    HUGE, "-" + HUGE, "9" * 5000, "[" * 1000 + "]" * 1000, "[" * 30_000, '{"a":' * 900,
    "NaN", "-NaN", "Infinity", "-Infinity", "nan", "inf", "1e999", "-1e999", "1e-400", "null",
    "true", "false", "[]", "{}", '""', "0", "-0", "0.0", "1e308", "-1e308", "2.5", "0.1234567",
    "1e6", "1e9", "1e18", "9007199254740993", "[[[]]]", "[[[1]]]", "[[[1, 2], [3]]]",
    "joint", "per_channel", "sigmoid", "tanh", "relu", "ABCD", "DCBA", "A", "\x00", "\u202e",
])
_counts = st.sampled_from([0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 20, 30, 64, 65, 100, 128, 129,
                           200, 201, 500, 501, 512, 513, 1000, 1024, 1025, 10_000, 10_001,
                           100_000, 100_001]) | st.integers(-3, 300)
_reals = st.floats(-1e7, 1e7) | st.sampled_from([0.2, 0.5, 0.8, 0.95, 0.999999, 1.0, 1.25, 3.0,
                                                  -5.0, 5.0, 1e-6, 1e6, -1e6])


@st.composite
def _images(draw: st.DrawFn) -> str:
    channels = draw(st.integers(1, 8) | st.integers(1, 20))
    height = draw(st.integers(1, 16) | st.integers(1, 70))
    width = draw(st.integers(1, 16) | st.integers(1, 70))
    cell = draw(st.sampled_from([0, 1, -1, 255, 1e6, 1e300, 0.5]))
    return json.dumps([[[cell] * width] * height] * channels)


VALUES = st.one_of(
    _special,
    _json_values.map(json.dumps),
    _counts.map(str),
    _reals.map(json.dumps),
    _images(),
    st.integers(1, 300).map(lambda n: json.dumps(list(range(n)))),
    st.text(max_size=30),
)


_words = st.sampled_from(["joint", "per_channel", "sigmoid", "tanh", "relu", "ABCD", "DCBA",
                          "BADC", "", "x"])


def _plausible(name: str, default: Any) -> st.SearchStrategy[str]:
    """Values of the parameter's own type, around and beyond its documented range."""
    if isinstance(default, bool):
        return st.sampled_from(["true", "false"])
    if isinstance(default, int):
        return (st.integers(max(0, default - 3), default + 3) | _counts).map(str)
    if isinstance(default, float):
        near = st.floats(default / 2, default * 2) if default else st.floats(-1, 1)
        return (near | _reals).map(json.dumps)
    if isinstance(default, str):
        return _words
    if isinstance(default, list):
        return _images()
    if name == "activation":
        return st.sampled_from(["sigmoid", "tanh"])
    return (st.floats(0, 10) | _reals).map(json.dumps)  # an optional number (lecture 2)


@st.composite
def _assignments(draw: st.DrawFn, qid: str) -> list[tuple[str, str]]:
    """Either every parameter with a plausible value (one maybe hostile), or a few hostile."""
    defaults = parameters(qid)
    if defaults and draw(st.integers(0, 2)):
        chosen = {name: draw(_plausible(name, default)) for name, default in defaults.items()}
        if draw(st.booleans()):
            chosen[draw(st.sampled_from(list(defaults)))] = draw(VALUES)
        if draw(st.booleans()):  # a random subset keeps the defaults of the others
            keep = draw(st.lists(st.sampled_from(list(chosen)), min_size=1, unique=True))
            return [(name, chosen[name]) for name in keep]
        return list(chosen.items())
    pool = [*list(defaults) * 8, "bogus", ""] if defaults else ["bogus", ""]
    return draw(st.lists(st.tuples(st.sampled_from(pool), VALUES), min_size=1, max_size=3,
                         unique_by=lambda item: item[0]))


class TooSlow(BaseException):
    """Raised by a timer: the solve used far more CPU time than the bound, or hung."""


@pytest.fixture
def alarm() -> Iterator[None]:
    def spent(signum: int, frame: Any) -> None:
        raise TooSlow(f"more than {SECONDS + 5:.0f} s of CPU time")

    def hung(signum: int, frame: Any) -> None:
        raise TooSlow(f"still running after {HANG_GUARD:.0f} s (a hang)")

    previous = signal.signal(signal.SIGPROF, spent), signal.signal(signal.SIGALRM, hung)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


def _check(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    # A hard stop a little past the bound, in this process's CPU time; the wall-clock timer
    # only catches a hang (a solve that waits burns no CPU time).
    signal.setitimer(signal.ITIMER_PROF, SECONDS + 5)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD)
    start = time.process_time()
    try:
        status = cli.main(argv)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
    cpu = time.process_time() - start
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    assert status in (0, 2), (status, err)
    if status == 2:
        assert out == ""
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("solver: error: "), err
        assert len(lines[0]) < 1000, lines[0][:200]
    else:
        assert out and err == "", err
    assert cpu <= SECONDS, f"{cpu:.1f} s of CPU time"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak <= 2 * MEGABYTES, f"this test process peaked at {peak:.0f} MB"


@pytest.mark.parametrize("qid", list(entries()))
def test_any_json_for_any_parameter_is_solved_or_refused_in_one_line(
    qid: str, capsys: pytest.CaptureFixture[str], alarm: None
) -> None:
    examples = 40 if parameters(qid) else 4

    @settings(max_examples=examples, suppress_health_check=list(HealthCheck))
    @given(assignments=_assignments(qid), fmt=st.sampled_from(FORMATS))
    def check(assignments: list[tuple[str, str]], fmt: str) -> None:
        argv = ["solve", qid, "--format", fmt]
        for name, value in assignments:
            argv += ["--param", f"{name}={value}"]
        _check(capsys, argv)

    check()


# --- hostile and extreme inputs, as a user runs them: a new process, CPU time, peak memory --

# The CLI runs with one BLAS/OpenMP thread: its CPU time is then the work itself. With more,
# threads that wait for a core spin, and their CPU time grows with the machine's load
# (lecture 7 with 64 heads: 2.7 s alone, 9 s with the other core busy).
_DRIVER = """
import json, os, resource, subprocess, sys
env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}
try:
    done = subprocess.run(sys.argv[2:], capture_output=True, text=True, env=env,
                          timeout=float(sys.argv[1]))
    status, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired:
    status, out, err = None, "", f"hung: still running after {sys.argv[1]} s, killed"
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": status, "stdout": out, "stderr": err,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "megabytes": usage.ru_maxrss / 1024}))
"""


def measured(*args: str) -> dict[str, Any]:
    """Run the CLI in a fresh process; its status, output, CPU time and peak RSS."""
    driver = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(HANG_GUARD), sys.executable, "-m", "solver",
         *args], capture_output=True, text=True, cwd=ROOT, timeout=HANG_GUARD + 60,
    )
    result: dict[str, Any] = json.loads(driver.stdout)
    return result


def assert_bounded(result: dict[str, Any], allowed: tuple[int, ...] = (0, 2)) -> None:
    err = result["stderr"]
    assert "Traceback" not in err, err[-2000:]
    assert result["status"] in allowed, (result["status"], err[-500:])
    if result["status"] == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("solver: error: "), err
    assert result["cpu_seconds"] <= SECONDS, f"{result['cpu_seconds']:.1f} s of CPU time"
    assert result["megabytes"] <= MEGABYTES, f"{result['megabytes']:.0f} MB"


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["solve", "lecture.5", "--param", f"rho={HUGE}"],
    ["solve", "lecture.3", "--param", f"image=[[[{HUGE}, 1]]]"],
    ["solve", "lecture.3", "--param", "image=" + "[" * 1000 + "1" + "]" * 1000],
    ["solve", "lecture.5", "--param", "rho=" + "[" * 1000 + "]" * 1000],
], ids=["overflow", "overflow-image", "deep-image", "deep-float"])
def test_overflowing_or_deep_input_is_refused_in_one_line(args: list[str]) -> None:
    result = measured(*args)
    assert_bounded(result, allowed=(2,))


SIGMOID_OVERFLOW = ["--param", "x=1", "--param", "y=0", "--param", "w1=1", "--param", "b1=-1000",
                    "--param", "w2=1", "--param", "b2=0", "--param", "lam=0"]


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_lecture2_extreme_preactivation_solves(activation: str) -> None:
    result = measured("solve", "lecture.2", *SIGMOID_OVERFLOW, "--param",
                      f"activation={activation}", "--format", "json")
    assert_bounded(result, allowed=(0,))
    json.loads(result["stdout"], parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the JSON output holds {name}")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "html", "text"])
def test_lecture3_results_are_finite_or_refused(fmt: str) -> None:
    result = measured("solve", "lecture.3", "--param", "image=[[[1e308]],[[1e308]]]",
                      "--param", "kernel_size=1", "--format", fmt)
    assert_bounded(result)
    if result["status"] == 0:
        if fmt == "json":
            json.loads(result["stdout"], parse_constant=_no_constant)
        else:
            assert "inf" not in result["stdout"].replace("info", "")


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["solve", "lecture.3", "--param", "padding=64", "--param", "kernel_size=64"],
    ["solve", "lecture.3", "--param", "padding=64", "--format", "html"],
    ["solve", "lecture.7", "--param", "d=1024", "--param", "heads=64", "--param", "t=512"],
    ["solve", "lecture.7", "--param", "d=1024", "--param", "heads=64", "--param", "t=512",
     "--format", "html"],
], ids=["l3-pad64-k64", "l3-pad64-html", "l7-max", "l7-max-html"])
def test_big_valid_input_is_bounded(args: list[str]) -> None:
    assert_bounded(measured(*args))


_LARGEST_IMAGE = json.dumps([[[(7 * c + 3 * r + 5 * k) % 19 - 9 for k in range(10)]
                              for r in range(10)] for c in range(4)])


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    # The largest inputs each limit accepts, typeset from a cold math cache.
    ["solve", "lecture.3", "--param", f"image={_LARGEST_IMAGE}", "--param", "kernel_size=1",
     "--format", "html"],
    ["solve", "lecture.3", "--param", f"image={_LARGEST_IMAGE}", "--param", "kernel_size=5",
     "--param", "mode=per_channel", "--format", "html"],
    ["solve", "lecture.7", "--param", "d=512", "--param", "heads=4", "--param", "t=512",
     "--format", "html"],
    ["solve", "lecture.7", "--param", "d=128", "--param", "heads=64", "--param", "t=256",
     "--format", "html"],
    ["solve", "lecture.5", "--param", "t=500", "--param", "rho=0.123457", "--param",
     "value=-987654.321", "--format", "html"],
], ids=["l3-4x10x10-k1", "l3-per-channel-k5", "l7-d512", "l7-h64", "l5-t500"])
def test_the_largest_accepted_inputs_stay_within_the_bounds(
        args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOLVER_MATH_CACHE", str(tmp_path))
    result = measured(*args)
    assert_bounded(result, allowed=(0,))


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["solve", "lecture.4", "--param", "max_degree=15"],
    ["solve", "lecture.6", "--param", "radius_large=3", "--param", "input_scale=0"],
], ids=["l4-max-degree-15", "l6-radius-3-input-0"])
def test_accepted_input_verifies(args: list[str]) -> None:
    """An accepted input must solve and verify: exit 0, or refused up front (exit 2)."""
    assert_bounded(measured(*args))
