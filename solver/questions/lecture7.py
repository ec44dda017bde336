"""Lecture 7: self-attention: cost versus RNNs, heads, narrow vs wide, parameter counts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solver.model import Check, Math, Meta, Solution, Table, Text
from solver.params import as_dict, require

# The exam record's reading note this solver places last, after the sequence-length step.
READINGS = ("length",)
MAX_HEAD_WEIGHTS = 1 << 20
MAX_ATTENTION = 1 << 24


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
        # The wide layer holds 4 heads d^2 floats (32 bytes each over q, k, v, out).
        require(self.heads * self.d**2 <= MAX_HEAD_WEIGHTS,
                f"parameters heads x d^2 = {self.heads * self.d**2} exceed {MAX_HEAD_WEIGHTS} "
                "(the wide layer's weights would not fit the memory bound)")
        # Each head's attention matrix at length 2t has (2t)^2 entries.
        require(self.heads * (2 * self.t) ** 2 <= MAX_ATTENTION,
                f"parameters heads x (2t)^2 = {self.heads * (2 * self.t) ** 2} exceed "
                f"{MAX_ATTENTION} (fewer heads or a shorter sequence)")


# The layers compared, by kind: lab 7's single head, narrow and wide multi-head attention
# (Bloem, "Transformers from scratch"), and the usual project-then-split layer
# (Vaswani et al. 2017; torch.nn.MultiheadAttention) for reference.
SINGLE, NARROW, WIDE, SPLIT = "single", "narrow", "wide", "split"


def _labels(heads: int) -> dict[str, str]:
    return {SINGLE: "single head (lab 7)", NARROW: f"narrow, {heads} heads",
            WIDE: f"wide, {heads} heads", SPLIT: f"project, then split into {heads} heads"}


def _layer(kind: str, d: int, heads: int, rng: Any) -> dict[str, Any]:
    """The weights of one self-attention layer, bias-free, by name.

    single: q, k, v of d×d. narrow: head i has its own (d/h)×(d/h) maps for slice i of the
    input, then a d×d output projection. wide: head i has its own d×d maps on the whole
    input, then an hd×d output projection. split: d×d maps whose outputs are cut into h
    heads of d/h, then a d×d output projection.
    """
    if kind == SINGLE:
        return {name: rng.normal(size=(d, d)) for name in ("q", "k", "v")}
    if kind == SPLIT:
        weights = {name: rng.normal(size=(d, d)) for name in ("q", "k", "v")}
        weights["out"] = rng.normal(size=(d, d))
        return weights
    size = d // heads if kind == NARROW else d
    weights = {f"{name}{h}": rng.normal(size=(size, size))
               for h in range(heads) for name in ("q", "k", "v")}
    weights["out"] = rng.normal(size=(heads * size if kind == WIDE else d, d))
    return weights


class _Reads(dict[str, Any]):
    """A layer's weights that remember which of them a forward pass read."""

    def __init__(self, weights: dict[str, Any]) -> None:
        super().__init__(weights)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def _attend(x: Any, q: Any, k: Any, v: Any) -> Any:
    """Scaled dot-product attention of a (t, n) sequence with (n, m) maps."""
    import numpy as np

    logits = (x @ q) @ (x @ k).T / np.sqrt(q.shape[1])
    w = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (w / w.sum(axis=1, keepdims=True)) @ (x @ v)


def _forward(weights: dict[str, Any], x: Any, heads: int, kind: str) -> Any:
    """Run the layer on a (t, d) sequence: it works for any t with the same weights."""
    import numpy as np

    d = x.shape[1]
    if kind == SINGLE:
        return _attend(x, weights["q"], weights["k"], weights["v"])
    if kind == SPLIT:
        s = d // heads
        q, k, v = weights["q"], weights["k"], weights["v"]
        parts = [_attend(x, q[:, h * s:(h + 1) * s], k[:, h * s:(h + 1) * s],
                         v[:, h * s:(h + 1) * s]) for h in range(heads)]
    elif kind == NARROW:
        s = d // heads  # head h sees only its own slice of the embedding
        parts = [_attend(x[:, h * s:(h + 1) * s], weights[f"q{h}"], weights[f"k{h}"],
                         weights[f"v{h}"]) for h in range(heads)]
    else:
        parts = [_attend(x, weights[f"q{h}"], weights[f"k{h}"], weights[f"v{h}"])
                 for h in range(heads)]
    return np.concatenate(parts, axis=1) @ weights["out"]


def _formulas(d: int, h: int) -> dict[str, tuple[int, int]]:
    """(query/key/value weights, output projection) of each layer, by formula."""
    return {SINGLE: (3 * d * d, 0), NARROW: (3 * d * d // h, d * d),
            WIDE: (3 * h * d * d, h * d * d), SPLIT: (3 * d * d, d * d)}


@dataclass(frozen=True)
class _Measured:
    """Each layer's weights as its forward passes read them, beside the formulas."""

    # kind -> length -> (q/k/v weights read, output projection weights read)
    counts: dict[str, dict[int, tuple[int, int]]]
    shapes_ok: bool  # every output was (length, d)
    formulas: dict[str, tuple[int, int]]
    labels: dict[str, str]
    total: dict[str, int]  # weights read at length t


def solve(params: Params, meta: Meta) -> Solution:
    m = _measure(params)
    solution = Solution(meta, as_dict(params))
    _part_advantage(solution, params)
    _part_heads(solution)
    _part_narrow_wide(solution, m, params)
    _part_length(solution, m, params)
    solution.reading("length")
    _answers(solution, m, params)
    _checks(solution, m, params)
    return solution


def _measure(p: Params) -> _Measured:
    from solver.seed import numpy_rng

    d, h, t = p.d, p.heads, p.t
    rng = numpy_rng(7)
    counts: dict[str, dict[int, tuple[int, int]]] = {}
    shapes_ok = True
    for kind in (SINGLE, NARROW, WIDE, SPLIT):
        weights = _layer(kind, d, h, rng)
        counts[kind] = {}
        for length in (t, 2 * t):
            # Count what the forward pass at this length actually used, so a parameter
            # that depended on t (a per-length table) would show up here.
            reads = _Reads(weights)
            y = _forward(reads, rng.normal(size=(length, d)), h, kind)
            shapes_ok &= y.shape == (length, d)
            maps = sum(int(weights[name].size) for name in reads.read if name != "out")
            out = int(weights["out"].size) if "out" in reads.read else 0
            counts[kind][length] = (maps, out)
    total = {kind: sum(counts[kind][t]) for kind in counts}
    return _Measured(counts, bool(shapes_ok), _formulas(d, h), _labels(h), total)


def _part_advantage(solution: Solution, p: Params) -> None:
    d, t = p.d, p.t
    solution.add(
        Text(f"{solution.label(0)}. "
             "Computational advantage. An RNN must process the positions one after "
             "another: $h_t$ needs $h_{t-1}$, so a layer takes $O(t)$ sequential steps and "
             "information between distant positions travels $O(t)$ steps. Self-attention "
             "computes all pairwise interactions with matrix products that run in "
             "parallel over positions: $O(1)$ sequential steps and a path length of 1 "
             "between any two positions, at $O(t^2 d)$ work per layer (against $O(t d^2)$ "
             "for the RNN)."),
        Table(("layer", "work per layer", "sequential steps", "max path length"), (
            ("self-attention", f"$t^2 d$ = {t * t * d}", "1", "1"),
            ("recurrent", f"$t d^2$ = {t * d * d}", f"$t$ = {t}", f"$t$ = {t}"),
        ), caption=f"At t = {t}, d = {d} (Vaswani et al. 2017, Table 1)"),
    )


def _part_heads(solution: Solution) -> None:
    solution.add(
        Text(f"{solution.label(1)}. "
             "Multiple heads. One head's softmax gives one weighted average per "
             "position, so it can focus on one kind of relation at a time. Several heads, "
             "each with its own query/key/value maps, attend to different positions and "
             "relations (syntax, coreference, nearby tokens) in parallel, and their outputs "
             "are concatenated and mixed by an output projection."),
    )


def _part_narrow_wide(solution: Solution, m: _Measured, p: Params) -> None:
    d, h = p.d, p.heads
    formulas, counts, t = m.formulas, m.counts, p.t
    solution.add(
        Text(f"{solution.label(2)}. "
             f"Narrow vs wide, here with $d = {d}$ and $h = {h}$ heads. Wide: every head "
             r"has its own $d \times d$ query, key and value maps on the whole "
             f"{d}-dimensional embedding, so $h$ heads cost $h$ times the maps of a single "
             "head; their $h$ outputs of size $d$ are concatenated and projected back to "
             rf"$d$ by an $hd \times d$ output map. Narrow: the embedding is cut into $h$ "
             f"slices of $d/h = {d // h}$ dimensions and head $i$ has its own "
             r"$(d/h) \times (d/h)$ maps on slice $i$ only, so the heads together cost "
             r"$1/h$ of a single head; their outputs are concatenated back to $d$ and mixed "
             r"by a $d \times d$ output map. Like for like, the query/key/value maps alone:"),
        Math(rf"\text{{single: }}3d^2 = {formulas[SINGLE][0]}, \quad"
             rf" \text{{narrow: }}3h\left(\frac{{d}}{{h}}\right)^2 = \frac{{3d^2}}{{h}} = "
             rf"{formulas[NARROW][0]}, \quad \text{{wide: }}3hd^2 = {formulas[WIDE][0]}"),
        Text("and with the output projection that mixes the heads (a single head needs "
             "none):"),
        Math(rf"\text{{narrow: }}\frac{{3d^2}}{{h}} + d^2 = {sum(formulas[NARROW])}, \quad"
             rf" \text{{wide: }}3hd^2 + hd \cdot d = 4hd^2 = {sum(formulas[WIDE])}"),
        Text("The layer most libraries implement (Vaswani et al. 2017; "
             r"torch.nn.MultiheadAttention) is neither: it projects the whole embedding with "
             rf"$d \times d$ maps and then cuts the result into $h$ heads of $d/h$, which "
             rf"costs $3d^2 + d^2 = 4d^2 = {sum(formulas[SPLIT])}$, a single head's maps plus "
             "the output projection."),
        Table(("layer", "query, key, value maps", "output projection", "total"),
              tuple((m.labels[kind], str(counts[kind][t][0]), str(counts[kind][t][1] or "none"),
                     str(m.total[kind])) for kind in counts),
              caption=f"Weights each layer's forward pass reads (d = {d}, h = {h})"),
    )


def _part_length(solution: Solution, m: _Measured, p: Params) -> None:
    t = p.t
    solution.add(
        Text(f"{solution.label(3)}. "
             "Sequence length. The weights are $d \\times d$ (or smaller) matrices "
             "applied to each position: none of their shapes involves $t$. Doubling $t$ "
             "doubles the number of positions and quadruples the attention matrix "
             r"($t \times t$), but the parameter count does not change. Measured by running "
             f"each layer on sequences of length {t} and {2 * t} with the same weights:"),
        Table(("layer", f"parameters at t = {t}", f"parameters at t = {2 * t}"),
              tuple((m.labels[kind], str(sum(c[t])), str(sum(c[2 * t])))
                    for kind, c in m.counts.items()),
              caption=f"Parameters each layer reads at sequence lengths {t} and {2 * t}"),
    )


def _answers(solution: Solution, m: _Measured, p: Params) -> None:
    d, h, t = p.d, p.heads, p.t
    for label, text in (
        ("1", "An RNN processes positions one after another (hₜ needs hₜ₋₁); "
              "self-attention relates all positions with matrix products that run in "
              "parallel: O(1) sequential steps and a path of length 1 between any two tokens."),
        ("2", "Each head has its own query, key and value maps, so several heads attend to "
              "different positions and relations at once; one softmax alone gives one "
              "weighted average per position."),
        ("3", "Wide: each of the h heads has its own d×d query, key and value maps on the "
              "full embedding, so the heads cost h times a single head (3hd² weights). "
              "Narrow: the embedding is cut into h slices of d/h and each head has its own "
              "(d/h)×(d/h) maps on its slice, so the heads together cost 1/h of a single "
              f"head (3d²/h). With the output projection, at d = {d} and h = {h}: narrow "
              f"{m.total[NARROW]}, wide {m.total[WIDE]} weights."),
        ("4", "It does not change: the weight matrices are d×d (or smaller) and none of "
              "their shapes depends on the sequence length (unless positions are learned "
              "embeddings of a fixed maximum length)."),
    ):
        solution.answer_part(label, text)
    single = m.counts[SINGLE]
    solution.give("params_single_t", sum(single[t]), str(sum(single[t])))
    solution.give("params_single_2t", sum(single[2 * t]), str(sum(single[2 * t])))
    solution.give("params_narrow", m.total[NARROW], str(m.total[NARROW]))
    solution.give("params_wide", m.total[WIDE], str(m.total[WIDE]))


def _checks(solution: Solution, m: _Measured, p: Params) -> None:
    t = p.t
    same = all(c[t] == c[2 * t] for c in m.counts.values())
    solution.checks.append(Check(
        "counted weights equal the formulas 3d², 3d²/h + d², 4hd² and 4d²",
        all(m.counts[kind][t] == m.formulas[kind] for kind in m.formulas),
        "; ".join(f"{m.labels[kind]}: {m.total[kind]} vs {sum(m.formulas[kind])}"
                  for kind in m.formulas)))
    solution.checks.append(Check(
        f"the same weights run on t = {t} and t = {2 * t} (outputs t × d) and the weights "
        "read add up to the same count", same and m.shapes_ok,
        "four layers, two lengths each; counted from the weights each forward pass read"))


def sample(rng: random.Random) -> dict[str, Any]:
    """The demonstration's layer sizes (the question's words do not depend on them)."""
    return {"d": rng.choice((32, 64, 128)), "heads": rng.choice((2, 4, 8)),
            "t": rng.choice((8, 10, 16))}
