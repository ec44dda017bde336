"""Axis ticks and text widths for :mod:`solver.render.svgfigure`: nice ticks (1, 2 or 5 ×
10^k) on linear and log axes, their labels as ``:g`` writes them with a real minus sign,
and the advance of a label in DejaVu Sans, estimated, to size margins and legends."""

from __future__ import annotations

import itertools
import math
import unicodedata

TICK_FONT = 12.0
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# DejaVu Sans advance widths (em) of " " to "~", to size labels, legends and margins.
_ASCII = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
    0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
    0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775,
    0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611,
    0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635,
    0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
    0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337,
    0.636, 0.838,
)
_SMALL = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₔₕₖₗₘₙₚₛₜ′″‖")


def text_width(text: str, size: float) -> float:
    """The advance of ``text`` in DejaVu Sans at ``size``, estimated (never much short)."""
    total = 0.0
    for character in text:
        code = ord(character)
        if 32 <= code < 127:
            total += _ASCII[code - 32]
        elif character in _SMALL:
            total += 0.42
        elif unicodedata.combining(character):
            continue
        elif code >= 0x2190:  # arrows, mathematical operators, symbols
            total += 0.84
        else:
            total += 0.68
    return total * size


def with_minus(text: str) -> str:
    return text.replace("-", "−")


def linear_ticks(low: float, high: float, room: float,
                  vertical: bool) -> list[tuple[float, str]]:
    """Ticks at multiples of 1, 2 or 5 × 10^k in [low, high]: the finest step that gives at
    most 8 ticks whose labels do not touch."""
    span = high - low
    first_exponent = math.floor(math.log10(span / 8))
    for exponent in range(first_exponent, first_exponent + 3):
        for multiple in (1, 2, 5):
            step = multiple * 10.0**exponent
            start, stop = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
            if stop - start + 1 > 8:
                continue
            values = [_multiple(i * multiple, exponent) for i in range(start, stop + 1)]
            labels = _labels(values, exponent)
            spacing = step / span * room
            need = (1.4 * TICK_FONT if vertical else
                    max([text_width(label, TICK_FONT) for label in labels], default=0.0) + 8)
            if spacing >= need or stop - start < 2:
                return list(zip(values, labels, strict=True))
    return []  # not reached: a step of 100 × span/8 leaves at most one tick


def _multiple(count: int, exponent: int) -> float:
    """count × 10^exponent, as exactly as a float holds it (0.3, not 0.30000000000000004)."""
    return count * 10.0**exponent if exponent >= 0 else count / 10.0**-exponent


def _labels(values: list[float], exponent: int) -> list[str]:
    """Tick labels as short as ``:g`` writes them, to the step's precision (0.5, 10), with
    one power of ten for them all when they are large or small (0.5×10⁻⁵, 1×10⁻⁵)."""
    largest = max([abs(v) for v in values], default=0.0)
    if not (largest >= 1e6 or 0 < largest < 1e-3):
        decimals = max(0, -exponent)
        return [with_minus(_trimmed(f"{v:.{decimals}f}")) for v in values]
    power = math.floor(math.log10(largest))
    if round(largest / 10.0**power, max(0, power - exponent)) >= 10:  # rounds up to 10
        power += 1
    digits = max(0, power - exponent)
    suffix = "×10" + str(power).translate(_SUPERSCRIPT)
    return ["0" if v == 0 else with_minus(_trimmed(f"{v / 10.0**power:.{digits}f}")) + suffix
            for v in values]


def _trimmed(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def log_ticks(low: float, high: float, data_span: float,
               room: float) -> list[tuple[float, str]]:
    """Ticks of a log axis whose range is [low, high] in log10: at 1, 2 and 5 of each decade
    when the data span at most three decades, else at decades (every n-th one when they are
    many); linear ticks when less than two of these fall in the range."""
    span = high - low
    need = 1.4 * TICK_FONT
    if data_span <= 3:
        ticks = [(d + math.log10(m), _decade_label(m, d))
                 for d in range(math.floor(low), math.ceil(high) + 1) for m in (1, 2, 5)
                 if low - 1e-9 <= d + math.log10(m) <= high + 1e-9]
        narrowest = min([b[0] - a[0] for a, b in itertools.pairwise(ticks)],
                        default=span)
        if len(ticks) >= 2 and narrowest / span * room >= need:
            return ticks
    for stride in (1, 2, 5, 10, 20, 50, 100):
        decades = [d for d in range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1)
                   if d % stride == 0]
        if len(decades) <= 8 and stride / span * room >= need:
            if len(decades) >= 2:
                return [(float(d), _decade_label(1, d)) for d in decades]
            break
    linear = linear_ticks(10.0**low, 10.0**high, room, vertical=True)
    return [(math.log10(v), label) for v, label in linear if v > 0]


def _decade_label(multiple: int, exponent: int) -> str:
    """m × 10^d as ``:g`` writes it when that is short (0.02, 500), else 5×10⁻⁷."""
    if 0 <= exponent <= 5:
        return str(multiple * 10**exponent)
    if -4 <= exponent < 0:
        return "0." + "0" * (-exponent - 1) + str(multiple)
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if multiple == 1 else f"{multiple}×{power}"
