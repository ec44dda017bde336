"""The sheet's pieces, without a full build: LaTeX to Unicode for the formulas' text layer,
code listings, the answer key's short answers, the figure cache, WeasyPrint's path cache and
the lab worker's torch._dynamo stand-in."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from solver.model import Code, Figure, Math, Series
from solver.registry import entries
from solver.render import html, mathsvg
from solver.render.unimath import unicode_math
from tests.conftest import solve

LECTURES = [qid for qid in entries() if qid.startswith("lecture.")]


@pytest.mark.parametrize(("latex", "text"), [
    (r"S_{2} = \frac{39}{400} = 0.0975", "S₂ = 39/400 = 0.0975"),
    (r"\hat{S}_{2} = \frac{S_{2}}{1 - \rho^{2}} = \frac{39/400}{39/400} = 1",
     "Ŝ₂ = S₂/(1 − ρ²) = (39/400)/(39/400) = 1"),
    (r"\bar{z}_2 = 2\left(a_2 - y\right) \sigma'(z_2)", "z̄₂ = 2(a₂ − y)σ′(z₂)"),
    (r"Y = \begin{bmatrix} 0 & 1 & 2 \\ 1 & 1 & 1 \\ 1 & 1 & 1/2 \end{bmatrix}",
     "Y = [[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]"),
    (r"L_{\mathrm{reg}} = L + \lambda R", "L_reg = L + λR"),
    (r"\mathbb{E}_{x \sim p_{\mathrm{data}}} \log D(x)", "𝔼_(x∼p_data) log D(x)"),
    (r"{-}\log 4 + 2\,\mathrm{JSD}(p_{\mathrm{data}} \,\|\, p_g)",
     "−log 4 + 2 JSD(p_data ‖ p_(g))"),
    (r"\left\| \frac{\partial h_T}{\partial h_t} \right\|_2 \le \|W\|_2^{\,T-t}",
     "‖∂h_(T)/∂hₜ‖₂ ≤ ‖W‖₂ᵀ⁻ᵗ"),
    (r"\begin{aligned} a &= 1 \\ b &= 2 \end{aligned}", "a = 1; b = 2"),
    (r"\sqrt{d} \cdot q_i^{\top} k_j", "√d · qᵢᵀkⱼ"),
])
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert unicode_math(latex) == text


def _lecture_formulas() -> list[str]:
    found = []
    for qid in LECTURES:
        solution = solve(qid)
        found += [step.latex for step in solution.steps if isinstance(step, Math)]
        texts = [solution.meta.question, *(ask.text for ask in solution.meta.asks)]
        texts += [getattr(step, "text", "") for step in solution.steps]
        found += [m for t in texts for m in re.findall(r"\$([^$]+)\$", t)]
    return found


def test_every_formula_of_the_lectures_reads_as_unicode_that_dejavu_draws() -> None:
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(mathsvg._sans().fname)).get_charmap()
    formulas = _lecture_formulas()
    assert len(formulas) > 50
    for latex in formulas:
        text = unicode_math(latex)
        assert text and not re.search(r"\\|_\{|\^\{|\^\(", text), (latex, text)
        assert not re.search(r"\b[A-Za-z]_[0-9A-Za-z]\b", text), (latex, text)
        missing = {c for c in text if ord(c) not in charmap and not c.isspace()}
        assert not missing, (latex, missing)


def test_formula_markup_has_an_invisible_text_layer() -> None:
    markup = str(mathsvg.img(r"\rho = \frac{19}{20}"))
    assert 'alt="ρ = 19/20"' in markup
    layer = re.search(r'<span class="math-text" style="([^"]+)">([^<]+)</span>', markup)
    assert layer and layer.group(2) == "ρ = 19/20"
    width = re.search(r"width:([\d.]+)px;margin-left:-([\d.]+)px", layer.group(1))
    assert width and width.group(1) == width.group(2)  # laid over the image, no shift


def test_listing_has_no_line_numbers_and_marks_lines_in_place() -> None:
    code = "class A:\n    def f(self):  # noqa: B006 - kept in the source\n        return 1  # A)\n"
    markup = str(html.HtmlPrinter().print_code(Code(code, highlight=(3,))))
    assert "noqa" not in markup and "linenos" not in markup
    text = re.sub(r"<[^>]+>", "", markup)
    assert "\n    def f(self):" in text and "        return 1  # A)" in text
    assert re.search(r'<span class="hll">(<span class="t\d+">)?        return', markup)
    css = html.code_css()
    assert "font-family" not in css  # the stylesheet's DejaVu Sans Mono, never another


def test_short_answers_for_the_key() -> None:
    from solver.sheet import KEY_CODE_CHARS, short_answer

    assert short_answer("h = h0\nfor t in range(T):\n    h = f(h,\n          x)\n", True) \
        == "h = h0; for t in range(T): h = f(h, x)"
    long = "x = 1\n" * 60
    assert len(short_answer(long, True)) <= KEY_CODE_CHARS and short_answer(long, True)[-1] == "…"
    assert short_answer("First sentence here. Second one.", False) == "First sentence here."


def test_figures_are_cached_by_their_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from solver.render import plots

    monkeypatch.setenv("SOLVER_MATH_CACHE", str(tmp_path))
    figure = Figure("a plot", series=(Series("s", (0.0, 1.0), (1.0, 2.0)),))
    calls = []
    real = plots.svg

    def counting(step: Figure) -> str:
        calls.append(step)
        return real(step)

    monkeypatch.setattr(plots, "svg", counting)
    first = html.figure_svg(figure)
    assert html.figure_svg(figure) == first and len(calls) == 1
    html.figure_svg(Figure("a plot", series=(Series("s", (0.0, 1.0), (1.0, 3.0)),)))
    assert len(calls) == 2  # other data: drawn again


def test_path_cache_writes_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver import typeset as ts

    body = " ".join(str(mathsvg.img(latex)) for latex in
                    (r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))"))
    document = f'<html lang="en"><body><p>{body}</p></body></html>'
    ts.preload()
    cached = ts.typeset(document)
    ts._path_cache.clear()
    with monkeypatch.context() as patch:
        from weasyprint import svg as weasy_svg

        original = weasy_svg.TAGS["path"]
        assert getattr(original, "solver_cached", False)
        patch.setitem(weasy_svg.TAGS, "path", original.original)
        patch.setattr(ts, "_install_path_cache", lambda: None)
        plain = ts.typeset(document)
    assert cached == plain


def test_dynamo_stand_in_answers_eagerly_and_defers_the_rest() -> None:
    from solver.sheet import _DynamoStandIn

    stand_in = _DynamoStandIn("colorsys")
    assert stand_in.graph_break() is None

    def function() -> int:
        return 1

    assert stand_in.disable(function, recursive=False, wrapping=False) is function
    monkey = sys.modules.pop("colorsys", None)
    try:
        sys.modules["colorsys"] = stand_in
        assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)  # the real module
        assert sys.modules["colorsys"] is not stand_in
    finally:
        if monkey is not None:
            sys.modules["colorsys"] = monkey
