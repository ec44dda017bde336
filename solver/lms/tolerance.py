"""How the Moodle bank marks a computed answer: decimals asked, tolerance, partial credit.

Moodle's numerical tolerance is absolute (an answer ``value:tolerance`` accepts every
response within ``tolerance`` of ``value``), so the bank derives one per asked value from
the EXACT answer (a ``fractions.Fraction`` read from the solver's exact text):

- **Integers** in a question of integers (parameter counts, integer output cells):
  tolerance 0. The question asks for whole numbers. An integer among decimals (a bias
  corrected average that comes out whole) is reached through rounded intermediates: it
  gets the rule below.
- **Other values**: the question states how many decimals to give, D = max(4, the
  decimals that show 4 significant digits of its smallest non-integer answer): 4 for
  0.389 or 2.72, 5 for 0.0556. The tolerance is the relative tolerance 0.5 % of the exact
  value turned absolute, with a floor of one unit in the D-th decimal:
  ``max(0.005 * |exact|, 10**-D)``, rounded up to two significant digits. So the exact
  answer and the answer rounded to D decimals (an error of at most 0.5 * 10**-D, at most
  0.05 % of the value) both score 100 %, and an answer 10 % off scores nothing.
- **Known wrong paths** (``wrong_paths(solution)`` of the question's module: records
  :class:`solver.marking.WrongPath`, such as S_t without the bias correction) become extra
  answers after the right one, marked by the same rule around the wrong value, with the
  partial credit the record gives (written next to the mistake in its module, with the
  reason) and feedback naming the mistake. One whose value lies within the right answer's
  tolerance, or within an earlier wrong path's, is left out: Moodle gives a response the
  fraction of the FIRST answer whose tolerance holds it, so it could never be reached.
- Fractions come only from Moodle's grade list (:data:`MOODLE_FRACTIONS`, defined with
  the wrong-path record that checks its credit against it).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from solver.marking import MOODLE_FRACTIONS as MOODLE_FRACTIONS  # re-exported

RELATIVE = Fraction(1, 200)  # 0.5 %
MIN_DECIMALS = 4
SIGNIFICANT = 4

# Moodle's list of grades for an answer (percent); their negatives are allowed too.
ALLOWED = frozenset(MOODLE_FRACTIONS) | {f"-{f}" for f in MOODLE_FRACTIONS if f != "0"}


def exact(text: str, value: Any) -> Fraction:
    """The exact value from its exact text ("7/18", "711", "1.69765178520452"); when the
    text is not a number (a long fraction shown by its decimal), the JSON value itself."""
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return number(value)


def number(value: Any) -> Fraction:
    """A JSON number as the decimal it prints as (0.95 is 19/20, not a binary float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number: {value!r}")
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def is_integer(value: Fraction) -> bool:
    return value.denominator == 1


def decimals(values: list[Fraction]) -> int:
    """The decimals a question asks for: 0 if every value is an integer, else enough for
    SIGNIFICANT digits of the smallest non-integer value, and at least MIN_DECIMALS."""
    others = [abs(v) for v in values if not is_integer(v)]
    if not others:
        return 0
    smallest = min(others)
    lead = _floor_log10(smallest)
    return max(MIN_DECIMALS, SIGNIFICANT - 1 - lead)


def _floor_log10(value: Fraction) -> int:
    """floor(log10(value)) for value > 0, exactly."""
    guess = math.floor(math.log10(value.numerator) - math.log10(value.denominator))
    while Fraction(10) ** guess > value:
        guess -= 1
    while Fraction(10) ** (guess + 1) <= value:
        guess += 1
    return guess


def tolerance(value: Fraction, places: int) -> Fraction:
    """The absolute tolerance of an answer ``value`` in a question asking ``places``: 0 for
    a whole number in a question of whole numbers; otherwise the relative rule, also for a
    whole number among decimals (lecture 5's Ŝ_t = 3, reached by dividing a rounded S_t:
    3.000175 is right)."""
    if is_integer(value) and places == 0:
        return Fraction(0)
    raw = max(RELATIVE * abs(value), Fraction(1, 10**places))
    return _round_up(raw, 2)


def _round_up(value: Fraction, digits: int) -> Fraction:
    """``value`` > 0 rounded up to ``digits`` significant digits."""
    scale = Fraction(10) ** (_floor_log10(value) - digits + 1)
    return math.ceil(value / scale) * scale


def rounded(value: Fraction, places: int) -> Fraction:
    """``value`` rounded half away from zero to ``places`` decimals, as a student would."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Fraction(whole if value >= 0 else -whole, 10**places)


def decimal_text(value: Fraction, places: int | None = None) -> str:
    """A finite decimal as Moodle reads it (no exponent). Without ``places`` the value must
    be a finite decimal and is written in full; with it, the value rounded to them."""
    if places is not None:
        value = rounded(value, places)
    sign = "-" if value < 0 else ""
    value = abs(value)
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
        if digits > 40:
            raise ValueError(f"{value} is not a finite decimal; give places")
    if places is not None:
        digits = places
    whole = int(value * 10**digits)
    text = str(whole).rjust(digits + 1, "0")
    body = text if digits == 0 else f"{text[:-digits]}.{text[-digits:]}"
    return sign + body


def answer_text(value: Fraction) -> str:
    """The value written into an answer: exact if a short decimal, else the nearest
    double (Moodle compares in doubles), in full decimal notation."""
    if is_integer(value):
        return str(value.numerator)
    try:
        text = decimal_text(value)
        if len(text) <= 24:
            return text
    except ValueError:
        pass
    return format(Decimal(repr(float(value))), "f")
