"""The paper questions: letters as regression values, and against the evidence file.

The evidence (tests/evidence/papers.toml) is written independently of the answer key in
solver/exams/deep_learning/exam.toml, so the two cross-check each other.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import solve

# The answer key (exam section 3), as read from the papers' own statements.
LETTERS = {1: "C", 2: "C", 3: "A", 4: "B", 5: "B", 6: "A", 7: "B", 8: "D", 9: "B", 10: "A",
           11: "A", 12: "D", 13: "D", 14: "C"}
EVIDENCE = Path(__file__).resolve().parent / "evidence" / "papers.toml"
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")


def load_evidence() -> dict[int, dict[str, Any]]:
    with EVIDENCE.open("rb") as handle:
        papers = tomllib.load(handle)["papers"]
    by_number = {paper["number"]: paper for paper in papers}
    assert len(by_number) == len(papers), "duplicate paper numbers in the evidence file"
    return by_number


def texts_of(question_id: str) -> list[str]:
    return [step.text for step in solve(question_id).steps if step.type == "text"]


def test_evidence_file_is_complete() -> None:
    evidence = load_evidence()
    assert sorted(evidence) == sorted(LETTERS)
    for number, paper in evidence.items():
        assert ARXIV_ID.fullmatch(paper["arxiv"]), (number, paper["arxiv"])
        assert f"arXiv:{paper['arxiv']}" in paper["citation"], number
        assert paper["supports"] in {"A", "B", "C", "D"}, number
        assert paper["facts"].strip(), number


def test_letters_agree_with_the_evidence_file() -> None:
    supports = {number: paper["supports"] for number, paper in load_evidence().items()}
    assert supports == LETTERS


@pytest.mark.parametrize("number", sorted(LETTERS))
def test_letter_matches_regression_value(number: int) -> None:
    assert solve(f"paper.{number}").answer["choice"] == LETTERS[number]


@pytest.mark.parametrize("number", sorted(LETTERS))
def test_citation_carries_the_evidence_arxiv_id(number: int) -> None:
    arxiv = load_evidence()[number]["arxiv"]
    citation = solve(f"paper.{number}").answer["citation"]
    assert f"arXiv:{arxiv}" in citation, (arxiv, citation)


@pytest.mark.parametrize("number", sorted(LETTERS))
def test_justification_and_distractor(number: int) -> None:
    texts = texts_of(f"paper.{number}")
    why = next((t for t in texts if t.startswith("Why: ")), None)
    assert why is not None, "no 'Why: ' step"
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", why.removeprefix("Why: ").strip()) if s]
    assert 2 <= len(sentences) <= 4, sentences
    assert any(t.startswith("Closest distractor: ") for t in texts)
