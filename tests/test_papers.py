"""The paper questions: letters as regression values, and against the evidence file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, solve

# The answer key (exam section 3), as read from the papers' own statements.
LETTERS = {1: "C", 2: "C", 3: "A", 4: "B", 5: "B", 6: "A", 7: "B", 8: "D", 9: "B", 10: "A",
           11: "A", 12: "D", 13: "D", 14: "C"}
EVIDENCE = ROOT.parent / "shared" / "exam" / "papers.md"


@pytest.mark.parametrize("number", sorted(LETTERS))
def test_letter_citation_and_justification(number: int) -> None:
    solution = solve(f"paper.{number}")
    assert solution.answer["choice"] == LETTERS[number]
    assert re.search(r"arXiv:\d{4}\.\d{4,5}", solution.answer["citation"])
    texts = [step.text for step in solution.steps if step.type == "text"]
    why = next(t for t in texts if t.startswith("Why: "))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", why.removeprefix("Why: ")) if s]
    assert 2 <= len(sentences) <= 4, sentences
    assert any(t.startswith("Closest distractor: ") for t in texts)


def test_letters_agree_with_the_evidence_file() -> None:
    """papers.md (beside the repository, as CI lays it) says 'Supports X' per paper."""
    text = Path(EVIDENCE).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=\d{1,2}\. )", text)
    found = {}
    for block in blocks:
        number = re.match(r"(\d{1,2})\. ", block)
        support = re.search(r"Supports ([A-D])", block)
        if number and support:
            found[int(number.group(1))] = support.group(1)
    assert found == LETTERS
    for number in LETTERS:
        arxiv = re.search(r"arXiv:\d{4}\.\d{4,5}", solve(f"paper.{number}").answer["citation"])
        assert arxiv and arxiv.group(0) in text
