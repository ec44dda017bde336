"""Lecture 7: self-attention: cost versus RNNs, heads, narrow vs wide, parameter counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check, Math, Meta, Reading, Rubric, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.7",
    title="Self-attention",
    points={"advantage": 1, "heads": 1, "narrow_wide": 1, "parameters": 1},
    question=(
        "Regarding self-attention: 1. What is the computational advantage of self-attention "
        "over recurrent networks? 2. What is the purpose of having multiple attention heads? "
        "3. What is the difference between narrow and wide multi-head self-attention? "
        "4. How does the number of parameters in a self-attention layer change if the input "
        "sequence length doubles?"
    ),
)


@dataclass(frozen=True)
class Params:
    d: int = 64
    heads: int = 4
    t: int = 10

    def __post_init__(self) -> None:
        require(1 <= self.d <= 1024, "parameter d must be in 1..1024")
        require(1 <= self.heads <= 64, "parameter heads must be in 1..64")
        require(self.d % self.heads == 0,
                f"parameter heads must divide d={self.d} (narrow heads have d/heads dims)")
        require(1 <= self.t <= 512, "parameter t must be in 1..512")


def _layer(d: int, heads: int, wide: bool | None, rng: Any) -> dict[str, Any]:
    """Weights of a (multi-head) self-attention layer; wide=None is lab 7's single head."""
    if wide is None:
        return {name: rng.normal(size=(d, d)) for name in ("q", "k", "v")}
    width = d if wide else d // heads
    weights = {f"{name}{h}": rng.normal(size=(d, width))
               for h in range(heads) for name in ("q", "k", "v")}
    weights["out"] = rng.normal(size=(heads * width, d))
    return weights


class _Reads(dict[str, Any]):
    """A layer's weights that remember which of them a forward pass read."""

    def __init__(self, weights: dict[str, Any]) -> None:
        super().__init__(weights)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def _forward(weights: dict[str, Any], x: Any, heads: int, wide: bool | None) -> Any:
    """Run the layer on a (t, d) sequence: it works for any t with the same weights."""
    import numpy as np

    def attend(q: Any, k: Any, v: Any) -> Any:
        logits = (x @ q) @ (x @ k).T / np.sqrt(q.shape[1])
        w = np.exp(logits - logits.max(axis=1, keepdims=True))
        return (w / w.sum(axis=1, keepdims=True)) @ (x @ v)

    if wide is None:
        return attend(weights["q"], weights["k"], weights["v"])
    parts = [attend(weights[f"q{h}"], weights[f"k{h}"], weights[f"v{h}"]) for h in range(heads)]
    return np.concatenate(parts, axis=1) @ weights["out"]


def solve(params: Params) -> Solution:
    from solver.seed import numpy_rng

    p = params
    d, h, t = p.d, p.heads, p.t
    rng = numpy_rng(7)
    counts: dict[str, dict[int, int]] = {}
    shapes_ok = True
    for label, wide in (("single head (lab 7)", None), ("narrow multi-head", False),
                        ("wide multi-head", True)):
        weights = _layer(d, h, wide, rng)
        counts[label] = {}
        for length in (t, 2 * t):
            # Count what the forward pass at this length actually used, so a parameter
            # that depended on t (a per-length table) would show up here.
            reads = _Reads(weights)
            y = _forward(reads, rng.normal(size=(length, d)), h, wide)
            shapes_ok &= y.shape == (length, d)
            counts[label][length] = sum(int(weights[name].size) for name in reads.read)
    formulas = {"single head (lab 7)": 3 * d * d, "narrow multi-head": 4 * d * d,
                "wide multi-head": 4 * h * d * d}
    solution = Solution(META, as_dict(p))
    solution.add(
        Text("1. Computational advantage. An RNN must process the positions one after "
             "another: h_t needs h_{t-1}, so a layer takes O(t) sequential steps and "
             "information between distant positions travels O(t) steps. Self-attention "
             "computes all pairwise interactions with matrix products that run in "
             "parallel over positions: O(1) sequential steps and a path length of 1 between "
             "any two positions, at O(t^2 d) work per layer (against O(t d^2) for the RNN)."),
        Table(("layer", "work per layer", "sequential steps", "max path length"), (
            ("self-attention", f"t^2 d = {t * t * d}", "1", "1"),
            ("recurrent", f"t d^2 = {t * d * d}", f"t = {t}", f"t = {t}"),
        ), caption=f"At t = {t}, d = {d} (Vaswani et al. 2017, Table 1)"),
        Text("2. Multiple heads. One head's softmax gives one weighted average per "
             "position, so it can focus on one kind of relation at a time. Several heads, "
             "each with its own query/key/value maps, attend to different positions and "
             "relations (syntax, coreference, nearby tokens) in parallel, and their outputs "
             "are concatenated and mixed by an output projection."),
        Text(f"3. Narrow vs wide. Wide: every head works at the full dimension d, so h "
             f"heads cost h times the parameters. Narrow: the d dimensions are split into h "
             f"chunks of d/h = {d // h}, each head works on its own slice, and the cost stays "
             "that of one full-width head (plus the output projection)."),
        Math(rf"\text{{single}}: 3d^2 = {formulas['single head (lab 7)']}, \quad"
             rf" \text{{narrow}}: 3 h d \tfrac{{d}}{{h}} + d^2 = 4d^2 = "
             rf"{formulas['narrow multi-head']}, \quad \text{{wide}}: 3 h d^2 + h d \cdot d"
             rf" = 4 h d^2 = {formulas['wide multi-head']}"),
        Text("4. Sequence length. The weights are d x d (or d x d/h) matrices applied to "
             "each position: none of their shapes involves t. Doubling t doubles the "
             "number of positions and quadruples the attention matrix (t x t), but the "
             "parameter count does not change. Measured by running each layer on "
             f"sequences of length {t} and {2 * t} with the same weights:"),
        Table(("layer", f"parameters at t = {t}", f"parameters at t = {2 * t}"),
              tuple((label, str(c[t]), str(c[2 * t])) for label, c in counts.items())),
        Reading("7.4: the count is independent of sequence length unless positions are "
                "learned embeddings of a fixed maximum length: those add (max length) x d "
                "parameters, fixed by the maximum, not by the input's length."),
    )
    single = counts["single head (lab 7)"]
    solution.give("params_single_t", single[t], str(single[t]))
    solution.give("params_single_2t", single[2 * t], str(single[2 * t]))
    solution.give("params_narrow", counts["narrow multi-head"][t],
                  str(counts["narrow multi-head"][t]))
    solution.give("params_wide", counts["wide multi-head"][t], str(counts["wide multi-head"][t]))
    same = all(c[t] == c[2 * t] for c in counts.values())
    solution.checks.append(Check(
        "counted weights equal the formulas 3d^2, 4d^2 and 4hd^2",
        all(counts[label][t] == formulas[label] for label in formulas),
        ", ".join(f"{label}: {counts[label][t]} vs {formulas[label]}" for label in formulas)))
    solution.checks.append(Check(
        f"the same weights run on t = {t} and t = {2 * t} (outputs t x d) and the weights "
        "read add up to the same count", same and bool(shapes_ok),
        "three layers, two lengths each; counted from the weights each forward pass read"))
    solution.rubric += [
        Rubric("advantage", 1, "parallel over positions / O(1) sequential steps (path "
               "length) instead of O(t)"),
        Rubric("heads", 1, "different heads attend to different relations/positions"),
        Rubric("narrow_wide", 1, "wide: each head full d; narrow: d split over heads"),
        Rubric("parameters", 1, "unchanged: weights do not depend on t"),
    ]
    return solution
