"""Shared helpers: run the CLI as a user does, solve in-process, hypothesis profile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from solver.engine import solve as solve_question
from solver.model import Solution
from solver.registry import lookup

ROOT = Path(__file__).resolve().parent.parent

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


def solve_json(question_id: str, *params: str) -> dict[str, Any]:
    args = [arg for p in params for arg in ("--param", p)]
    result = run_cli("solve", question_id, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def cli():
    return run_cli


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
