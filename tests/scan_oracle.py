"""What a student who knows the answers writes on a booklet, from oracles independent of the
solver: a choice question's letter from the exam file's key and the variant's printed order,
lecture 1's parameter count from torch's own layers, lecture 2's gradient from torch's
autograd, lecture 5's averages by a plain loop over fractions. And how they mark it: with
the simulator's marks, or with a brush as an image editor paints (Pillow's drawing)."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXAM = tomllib.loads((ROOT / "solver" / "exams" / "deep_learning" / "exam.toml").read_text())
RECORDS = {q["id"]: q for q in EXAM["questions"]}


def right_letter(question: str, printed: dict[str, str]) -> str:
    """The letter the variant prints the exam's right statement under."""
    record = RECORDS[question]
    statement = record["options"][record["key"]]
    return next(letter for letter, text in printed.items() if text == statement)


def lecture1_total(p: dict[str, Any]) -> int:
    import torch

    conv = torch.nn.Conv2d(p["in_channels"], p["hidden_channels"], p["kernel_size"],
                           stride=p["stride"], padding=p["padding"], bias=p["bias"])
    out = conv(torch.zeros(1, p["in_channels"], p["height"], p["width"]))
    fc = torch.nn.Linear(out.numel(), p["out_features"], bias=p["bias"])
    return sum(t.numel() for t in [*conv.parameters(), *fc.parameters()])


def lecture2_value(p: dict[str, Any]) -> float:
    import torch

    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid}[p["activation"]]
    w1 = torch.tensor(p["w1"], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(p["w2"], dtype=torch.float64)
    a1 = act(w1 * p["x"] + p["b1"])
    a2 = act(w2 * a1 + p["b2"])
    loss = (a2 - p["y"]) ** 2 + p["lam"] * (w1**2 + w2**2)
    loss.backward()
    assert w1.grad is not None
    return float(w1.grad)


def lecture5(p: dict[str, Any]) -> tuple[Fraction, Fraction]:
    """S_t from S_0 = 0 and its bias correction, exactly."""
    rho = Fraction(str(p["rho"]))
    values = [Fraction(str(v)) for v in p.get("values") or [p["value"]] * p["t"]]
    s = Fraction(0)
    for y in values[: p["t"]]:
        s = rho * s + (1 - rho) * y
    return s, s / (1 - rho ** p["t"])


def grid_boxes(field: dict[str, Any], value: Fraction) -> list[str]:
    """The box ids a student fills to write ``value`` (rounded half away from zero to the
    grid's decimals): the sign box, then one digit a column, leading zeros left empty."""
    item = f"{field['question']}.{field['part']}" if field["part"] else field["question"]
    scaled = abs(value) * 10 ** field["decimals"]
    whole = int(scaled + Fraction(1, 2))
    text = str(whole).rjust(field["decimals"] + 1, "0")
    digits = text[: len(text) - field["decimals"]] if field["decimals"] else text
    decimals = text[len(text) - field["decimals"]:] if field["decimals"] else ""
    assert len(digits) <= field["digits"], (field, value)
    columns = [" "] * (field["digits"] - len(digits)) + list(digits) + list(decimals)
    boxes = [f"{item}.sign"] if value < 0 and whole else []
    return boxes + [f"{item}.c{c}.d{d}" for c, d in enumerate(columns, start=1) if d != " "]


def brush(image: np.ndarray, box: tuple[float, float, float, float], style: str,
          px_per_mm: float) -> None:
    """A mark painted as with an image editor's round brush (Pillow's drawing, not the
    simulator's): "fill" scribbles the box full, "tick" two strokes, "cross" two diagonals."""
    from PIL import Image, ImageDraw

    x, y, w, h = box
    picture = Image.fromarray(image)
    draw = ImageDraw.Draw(picture)
    width = max(2, round(0.6 * px_per_mm))
    if style == "fill":
        draw.rectangle((x + 1, y + 1, x + w - 1, y + h - 1), fill=25)
    elif style == "tick":
        draw.line([(x + 0.1 * w, y + 0.55 * h), (x + 0.4 * w, y + 0.9 * h),
                   (x + 0.95 * w, y + 0.05 * h)], fill=20, width=width, joint="curve")
    else:
        draw.line([(x, y), (x + w, y + h)], fill=20, width=width)
        draw.line([(x + w, y), (x, y + h)], fill=20, width=width)
    image[:] = np.asarray(picture)
