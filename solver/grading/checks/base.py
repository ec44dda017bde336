"""What every lab check needs: verdicts, the child's results with a reason for each
missing one, the worked-solution steps, and the reference loop of a forward pass (build
the leaves, install the grader's parameters, run forward, keep the output and the
reference gradients), written once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from solver.grading.compare import first_wrong
from solver.grading.protocol import StepResult, Transcript
from solver.grading.sandbox import RunResult, describe_exit


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str


class Unreached(Exception):
    """A check that could not be made: the step raised, never ran or sent nothing."""


def describe_key(key: str) -> str:
    head, _, rest = key.partition(".")
    if key == "load":
        return "loading the file"
    what = f"part {head}" if head in ("A", "B", "C", "D") else "the forward pass"
    return what + (f", case {rest}" if rest.isdigit() else f" ({rest})" if rest else "")


class Judge:
    """The results of one submission's run, read on behalf of the part checks."""

    def __init__(self, lab: str, single: bool, seed: int, transcript: Transcript,
                 result: RunResult, timeout: float, marked: dict[str, list[str]],
                 asks: dict[str, str] | None = None, reveal: bool = False,
                 params: Any = None) -> None:
        self.lab, self.single, self.seed = lab, single, seed
        self.transcript, self.result, self.timeout, self.marked = (
            transcript, result, timeout, marked)
        # What a part asks (the exam's words), and whether messages may quote the worked
        # code; what they would have quoted, per part, for the instructor (``revealed``).
        self.asks, self.reveal = asks or {}, reveal
        # The lab version graded against (its module's Params; None: a lab without variants).
        self.params = params
        self.revealed: dict[str, str] = {}

    @property
    def load_error(self) -> str | None:
        loaded = self.transcript.steps.get("load")
        return loaded.error if loaded is not None else None

    def ending(self) -> str:
        if self.transcript.corrupt:
            return f"corrupted the result stream ({self.transcript.corrupt})"
        return describe_exit(self.result, self.timeout)

    def step(self, key: str, doing: str) -> StepResult:
        found = self.transcript.steps.get(key)
        if found is not None and found.error is not None:
            hint = ""
            if found.error.startswith("NameError") and self.load_error:
                hint = f" (loading the file stopped at {self.load_error})"
            raise Unreached(f"{doing} raised {found.error}{hint}")
        if found is not None and found.done:
            return found
        if key in self.transcript.begun:
            raise Unreached(f"{doing} did not finish: the submission {self.ending()} "
                            "while it ran")
        last = self.transcript.begun[-1] if self.transcript.begun else ""
        where = f" during {describe_key(last)}" if last else " before loading"
        raise Unreached(f"{doing} was not reached: the submission {self.ending()}{where}")

    def value(self, key: str, name: str, doing: str) -> Any:
        values = self.step(key, doing).values
        if name not in values:
            raise Unreached(f"{doing} sent no {name}")
        return values[name]

    def worked(self, letter: str, contains: str = "") -> str:
        """The end of a failed part's message: the worked code only when the instructor
        asked for it (``reveal``); for a student, the step in the exam's words."""
        lines = self.marked.get(letter, [])
        chosen = [line for line in lines if contains in line] or lines
        label = self.lab if self.single else f"{self.lab} {letter})"
        text = ""
        for line in chosen:
            text += ("" if not text else " " if text.endswith(":") else "; ") + line
        self.revealed[letter] = f"worked solution, {label}: {text}"
        if self.reveal:
            return self.revealed[letter]
        ask = self.asks.get(letter) or self.asks.get("", "")
        return f"the step {label} asks for: {ask}" if ask else \
            f"the step the template of {label} asks for"

    def seed_of(self, offset: int) -> str:
        return f"seed {self.seed + offset}"

    def part(self, check: Callable[[], Verdict]) -> Verdict:
        try:
            return check()
        except Unreached as missing:
            return Verdict(False, str(missing))

    def gradients(self, key: str, doing: str, names: dict[str, str],
                  expected: dict[str, Any]) -> str | None:
        """The first wrong gradient (named ``names[leaf]``), or None."""
        values = self.step(key, doing).values
        if "grad_error" in values:
            return f"gradients: {values['grad_error']}"
        for leaf, label in names.items():
            wrong = first_wrong(label, values.get(f"grad.{leaf}"), expected[leaf])
            if wrong:
                return wrong
        return None

    def output_then_gradients(self, key: str, doing: str, label: str, got: Any, expected: Any,
                              names: dict[str, str], expected_grads: dict[str, Any],
                              subject: str = "") -> str | None:
        """The first problem with a forward pass's output ``got`` (named ``label``) or, when
        the output is right, with its gradients of L = sum(output * upstream); None if both
        are right. ``subject`` names the output in that second message (default ``label``)."""
        wrong = first_wrong(label, got, expected)
        if wrong is not None:
            return wrong
        wrong = self.gradients(key, doing, names, expected_grads)
        if not wrong:
            return None
        return f"{subject or label} is right but {wrong} (L = sum({label} * upstream))"

    def shapes(self, key: str, model: str,
               wanted: Iterable[tuple[str, list[int], str]]) -> Verdict | None:
        """A failed verdict for the first of ``model``'s placeholders (name, expected
        shape, its meaning) whose shape is wrong, from step ``key``; None if all are right."""
        values = self.step(key, model).values
        for name, want, meaning in wanted:
            if values.get(name) != want:
                return Verdict(False, (
                    f"{model}.{name} has shape {shape_list(values.get(name))}, expected "
                    f"{shape_list(want)} ({meaning}); {self.worked('A', name)}"))
        return None

    def forward_cases(self, letter: str, ref: dict[str, Any],
                      cases: Iterable[tuple[str, str, str]], label: str,
                      names: dict[str, str]) -> str | None:
        """The first wrong case of a forward-pass part, as its message (what is wrong; the
        input; the worked solution), or None. Case ``index`` is (its step key, what it
        calls, its input), its value ``y`` compared with the reference ``y{index}`` (named
        ``label``) and then its gradients with ``grads{index}`` (named ``names``)."""
        for index, (key, doing, source) in enumerate(cases):
            wrong = self.output_then_gradients(key, doing, label, self.value(key, "y", doing),
                                               ref[f"y{index}"], names, ref[f"grads{index}"])
            if wrong:
                return f"{wrong}; {source}; {self.worked(letter)}"
        return None


Build = Callable[[int, Any], tuple[Callable[[Any], Any], dict[str, Any]]]


def forward_references(data: dict[str, Any], cases: Sequence[Any], build: Build,
                       ref: dict[str, Any] | None = None) -> dict[str, Any]:
    """The reference loop, once per seeded case: ``build(index, case)`` makes the reference
    layer with the grader's parameters installed and returns (what to call on x, the leaves:
    ``x`` and the installed parameters); ``y{index}`` is its output and ``grads{index}``
    each leaf's gradient of sum(y * up{index}). Added to ``ref`` when given."""
    found: dict[str, Any] = {} if ref is None else ref
    for index, case in enumerate(cases):
        forward, leaves = build(index, case)
        keep(found, index, forward(leaves["x"]), data[f"up{index}"], leaves)
    return found


def keep(ref: dict[str, Any], tag: int | str, output: Any, upstream: Any,
         leaves: dict[str, Any]) -> None:
    """One reference forward pass: ``y{tag}`` and ``grads{tag}`` (reference_gradients)."""
    ref[f"y{tag}"] = output.detach()
    ref[f"grads{tag}"] = reference_gradients(output, upstream, leaves)


def case_leaves(data: dict[str, Any], index: int, names: Iterable[str]) -> dict[str, Any]:
    """Fresh leaves of case ``index``: each ``name`` from ``data[f"{name}{index}"]``, as
    the probe makes them (``probes.kit``; imported here only when used: it imports torch)."""
    from solver.grading.probes import kit

    return kit.case_leaves(data, index, tuple(names))


def weight_and_bias(layer: Any, data: dict[str, Any],
                    index: int) -> tuple[Callable[[Any], Any], dict[str, Any]]:
    """``layer`` with case ``index``'s W and b installed as its weight and bias: (its
    forward, the leaves x, W, b), a ``build`` result for forward_references."""
    from solver.grading.probes import kit

    return layer.forward, kit.weight_and_bias(layer, data, index)


def reference_gradients(output: Any, upstream: Any, leaves: dict[str, Any]) -> dict[str, Any]:
    """Each leaf's gradient of sum(output * upstream), the loss the probes use."""
    loss: Any = (output * upstream).sum()
    loss.backward()
    return {name: tensor.grad.detach().clone() for name, tensor in leaves.items()}


def leaf(tensor: Any) -> Any:
    """A fresh copy that collects its gradient (as the probe's ``kit.leaf``)."""
    from solver.grading.probes import kit

    return kit.leaf(tensor)


def shape_list(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(str(n) for n in value) + ("," if len(value) == 1 else "") + ")"
    return str(value).strip("<>")

