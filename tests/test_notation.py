"""One notation, typeset: no LaTeX source and no ASCII stand-ins for maths in what the
sheet prints outside code listings.

Maths in prose, table cells, rubric lines and statements is written as ``$…$`` and typeset
(an SVG image whose LaTeX lives only in its ``alt`` attribute); plot labels use matplotlib
mathtext; the per-part answers are plain Unicode prose (S₂, σ′(z₁), ρᵗ). Checked three
ways: each question's HTML with code listings and images removed, the figures' labels, and
the PDF text layer of the lecture questions (which have no code listings).
"""

from __future__ import annotations

import html
import re

import pytest

from solver.model import Figure
from solver.registry import entries
from solver.render.html import fragment
from tests.conftest import solve

IDS = list(entries())
LECTURES = [qid for qid in IDS if qid.startswith("lecture.")]

# LaTeX source that escaped typesetting.
LATEX = {
    "a LaTeX command": re.compile(r"\\[A-Za-z]+"),
    "a LaTeX subscript group": re.compile(r"_\{"),
    "a LaTeX superscript group": re.compile(r"\^\{"),
}
# Maths written out in ASCII instead of typeset (or Unicode) notation.
ASCII = {
    "rho^ for ρ to a power": re.compile(r"rho\^"),
    "sigma' for σ′": re.compile(r"sigma'"),
    "sigma( for σ(": re.compile(r"\bsigma\("),
    "lambda for λ": re.compile(r"\blambda\b"),
    "a -bar suffix for a bar accent": re.compile(r"[A-Za-z0-9]-bar\b"),
    "a -hat suffix for a hat accent": re.compile(r"[A-Za-z0-9]-hat\b"),
    "sqrt( for √": re.compile(r"\bsqrt\("),
    "-> for →": re.compile(r"->"),
    "|| for a norm": re.compile(r"\|\|"),
    "^( for a superscript": re.compile(r"\^\("),
    # a letter with a Unicode subscript form (hₜ, w₁); p_g and h_T have none
    "a one-letter ASCII subscript such as h_t or w_1":
        re.compile(r"\b[A-Za-z]_[0-9aehijklmnoprstuvx]\b"),
    "pi written out": re.compile(r"\b2 pi\b"),
}


def offences(text: str, rules: dict[str, re.Pattern[str]]) -> list[str]:
    found = []
    for name, pattern in rules.items():
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{name}: …{text[start:match.end() + 40]}…")
    return found


def visible_text(markup: str) -> str:
    """The text a reader sees outside code: listings, code answers and images removed."""
    markup = re.sub(r'<figure class="code">.*?</figure>', " ", markup, flags=re.S)
    markup = re.sub(r'<pre class="answer-code">.*?</pre>', " ", markup, flags=re.S)
    markup = re.sub(r"<img\b[^>]*>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize("question_id", IDS)
def test_the_html_outside_code_has_no_latex_source_or_ascii_maths(question_id: str) -> None:
    solution = solve(question_id)
    text = visible_text(str(fragment(solution)))
    problems = offences(text, LATEX)
    if solution.meta.kind == "lab":  # its kind (solver.kinds)
        # A lab's checks name the torch calls they compare ("4x3 -> 5", "W^T"): code, not
        # maths. They are held to the LaTeX rules above only.
        for check in solution.checks:
            text = text.replace(check.name, " ").replace(check.detail, " ")
    problems += offences(text, ASCII)
    # A $ left in the text is a formula that was never typeset.
    problems += [f"an untypeset $…$: …{text[max(0, m.start() - 40):m.end() + 40]}…"
                 for m in re.finditer(r"\$", text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("question_id", [qid for qid in IDS if not qid.startswith("lab.")])
def test_the_terminal_shows_unicode_maths_not_latex(question_id: str) -> None:
    """`solver solve ID` (text): the same Unicode maths as the PDF's search layer."""
    from solver.render import render

    text = render(solve(question_id), "text")
    problems = offences(text, LATEX) + [f"a $ at {m.start()}" for m in re.finditer(r"\$", text)]
    assert not problems, "\n".join(problems)


def test_the_terminal_gives_an_aligned_block_a_line_per_row() -> None:
    from solver.render import render

    text = render(solve("lecture.5"), "text")
    # the exam's recursion at t = 1 and t = 2, on lines of their own
    assert re.search(r"^    S₁ = .* = 1/20 = 0\.05$", text, re.M)
    assert re.search(r"^    S₂ = .* = 39/400 = 0\.0975$", text, re.M)


def test_json_parts_say_what_each_sub_question_asks() -> None:
    import json

    from solver.render import render

    parts = json.loads(render(solve("lecture.5"), "json"))["parts"]
    assert [p["label"] for p in parts] == ["1", "2", "3", "4"]
    # the exam's words, filled for t = 2
    assert parts[0]["ask"] == "Compute $S_{2}$."
    assert parts[2]["ask"] == "What is the goal of bias correction?"
    assert all(set(p) >= {"label", "points", "text", "key", "ask"} for p in parts)


# Other parameters choose other words (conditional prose, extra steps): checked too.
VARIANTS = [
    ("lecture.1", {"kernel_size": 5, "padding": 2, "stride": 2, "bias": False}),
    ("lecture.2", {"x": 0.5, "y": 1.0, "w1": 0.3, "b1": -0.1, "w2": 0.7, "b2": 0.2,
                   "lam": 0.01, "activation": "tanh"}),
    ("lecture.3", {"mode": "per_channel"}),
    ("lecture.3", {"kernel_size": 2, "stride": 2, "padding": 1}),
    ("lecture.4", {"train_points": 100, "noise": 0.05}),
    ("lecture.4", {"noise": 2.0}),
    ("lecture.5", {"rho": 0.9, "t": 10}),
    ("lecture.6", {"input_scale": 1.0, "radius_large": 3.0}),
    ("lecture.6", {"steps": 5, "radius_large": 1.1}),
    ("lecture.7", {"d": 32, "heads": 8, "t": 16}),
    ("lecture.8", {"gen_mean": -1.5, "gen_sd": 1.5}),
]


@pytest.mark.parametrize(("question_id", "params"), VARIANTS)
def test_other_parameters_keep_the_notation(question_id: str, params: dict[str, object]) -> None:
    solution = solve(question_id, **params)
    text = visible_text(str(fragment(solution)))
    problems = offences(text, LATEX) + offences(text, ASCII)
    problems += [f"an untypeset $: …{text[max(0, m.start() - 40):m.end() + 40]}…"
                 for m in re.finditer(r"\$", text)]
    for part in solution.parts:
        problems += offences(part.text, LATEX) + (["$ in a part"] if "$" in part.text else [])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("question_id", IDS)
def test_the_part_answers_are_readable_prose(question_id: str) -> None:
    """The JSON ``parts``: Unicode maths, never LaTeX source or a $…$ span."""
    for part in solve(question_id).parts:
        problems = offences(part.text, LATEX)
        assert "$" not in part.text and not problems, (part.label, part.text, problems)


@pytest.mark.parametrize("question_id", LECTURES)
def test_plot_labels_use_mathtext(question_id: str) -> None:
    """Maths in a label is a $…$ mathtext span; outside the spans there is none."""
    for step in solve(question_id).steps:
        if not isinstance(step, Figure):
            continue
        labels = [step.xlabel, step.ylabel, step.caption, *(s.label for s in step.series)]
        for label in labels:
            assert label.count("$") % 2 == 0, label
            outside = re.sub(r"\$[^$]*\$", " ", label)
            problems = offences(outside, LATEX) + offences(outside, ASCII)
            assert not problems, (label, problems)


def test_lecture2_result_is_boxed_and_written_with_a2() -> None:
    latex = [step.latex for step in solve("lecture.2").steps if step.type == "math"]
    assert any(formula.startswith(r"\boxed{") for formula in latex)
    assert any(r"\bar{z}_2 = 2\left(a_2 - y\right) \sigma'(z_2)" in f for f in latex)


def test_lecture3_variant_is_two_typeset_matrices() -> None:
    latex = [step.latex for step in solve("lecture.3").steps if step.type == "math"]
    variant = [f for f in latex if f.startswith("Y[{:},{:},")]
    assert len(variant) == 2 and all(r"\begin{bmatrix}" in f for f in variant)
    assert all(f.count(r"\\") == 2 for f in variant)  # 3 rows each


def _from(pattern: str, text: str) -> int:
    found = re.search(pattern, text, re.M)
    return found.start() if found else -1


def lecture_text(pages: list[str]) -> str:
    """The lecture questions' part of the sheet's text layer: from the heading "Lecture 1: "
    up to the first paper question's heading, and the lectures' reading notes in the
    appendix (what a lectures-only sheet holds besides its cover, contents and key)."""
    start = next(i for i, text in enumerate(pages) if _from(r"^Lecture 1: ", text) >= 0)
    end = next(i for i in range(start, len(pages)) if _from(r"^Paper 1: ", pages[i]) >= 0)
    questions = "\n".join([pages[start][_from(r"^Lecture 1: ", pages[start]):],
                           *pages[start + 1:end],
                           pages[end][:_from(r"^Paper 1: ", pages[end])]])
    rest = "\n".join(pages[end:])
    appendix = rest[rest.index("Appendix: reading notes"):]
    notes = _from(r"^Lecture \d+: ", appendix)
    if notes < 0:
        return questions
    papers = _from(r"^Paper \d+: ", appendix[notes:])
    return questions + "\n" + appendix[notes:][:papers if papers >= 0 else None]


def test_the_rules_catch_latex_source_and_ascii_maths() -> None:
    """The PDF check below can fail: each rule finds what it names."""
    for sample in (r"\frac", "S_{2}", "x^{2}"):
        assert offences(sample, LATEX), sample
    for sample in ("rho^2", "sigma'(z)", "sigma(z)", "lambda", "z-bar", "S-hat", "sqrt(2)",
                   "a -> b", "||W||", "x^(2)", "h_t", "2 pi"):
        assert offences(sample, ASCII), sample


@pytest.mark.slow
@pytest.mark.sheet
def test_the_pdf_text_layer_has_no_latex_source(sheet_pages: list[str]) -> None:
    """The lecture questions have no code listings: their whole text layer in the full
    sheet is checked (formulas are images, so their LaTeX must not reach the text)."""
    text = lecture_text(sheet_pages)
    for qid in LECTURES:  # the slice holds every lecture and nothing else
        meta = entries()[qid].meta
        assert f"{meta.heading}: {meta.printed_title}" in re.sub(r"\s+", " ", text), qid
    assert "Paper 1: " not in text and not re.search(r"^Lab \d+: ", text, re.M)
    problems = offences(text, LATEX) + offences(text, ASCII)
    problems += [f"an untypeset $…$: …{text[max(0, m.start() - 40):m.end() + 40]}…"
                 for m in re.finditer(r"\$", text)]
    assert not problems, "\n".join(problems)
    # A formula's text is spaced out to end where its image ends, so most formulas take
    # no space before the punctuation after them (review N10; a one-letter formula still
    # does in pypdf's extraction).
    for needle in ("S₂ = 39/400 = 0.0975", "σ′(z₁)", "λ", "ρ", "Sₜ/(1 − ρᵗ). Compute"):
        assert needle in re.sub(r"\s+", " ", text), needle
