"""Unicode maths atoms written out as one line of text: the spacing each kind of atom gets,
sub- and superscripts in Unicode where every character has a form, and a fraction's parts
in parentheses unless each is one term (``solver.render.unimath`` makes the atoms)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.render.mathsymbols import SUBSCRIPT, SUPERSCRIPT, SUPERSCRIPT_AS_IS


@dataclass
class Atom:
    """A piece of output and how it is spaced: ord, frac, bin, rel, op (a function or
    large operator), open, close, punct, space, matrix, row or align."""

    text: str
    kind: str = "ord"


def grouped(text: str) -> str:
    """A fraction's numerator or denominator, in parentheses unless it is one term."""
    text = text.strip()
    simple = re.fullmatch(r"[^\s+−=<>≤≥≈·×/,;]+", text) is not None
    balanced = text.startswith("(") and text.endswith(")") and _one_group(text)
    return text if simple or balanced else f"({text})"


def _one_group(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def compact(atoms: list[Atom]) -> str:
    """Atoms without the spacing of operators (scripts, \\mathrm words)."""
    return "".join(atom.text for atom in atoms if atom.kind not in ("space", "align")).strip()


def attach(script: str, superscript: bool, base: str) -> str:
    """A sub- or superscript in Unicode when every character has a form, else _x or ^x
    (p_g, p_data: what a reader types and searches for; ``_(…)`` only for a compound)."""
    if not script:
        return ""
    table = SUPERSCRIPT if superscript else SUBSCRIPT
    if superscript and all(c in SUPERSCRIPT_AS_IS for c in script):
        return script.replace("∗", "*")
    if all(c in table for c in script):
        return "".join(table[c] for c in script)
    if superscript:
        return "^" + script if re.fullmatch(r"[^\W_]+", script) else f"^[{script}]"
    if re.fullmatch(r"[^\W_]+", script):
        return "_" + script
    return f"_({script})"


def join(atoms: list[Atom]) -> str:
    """Atoms with spaces around relations and binary operators (a binary operator with no
    left operand is a sign: −1, (−x))."""
    out: list[str] = []
    previous = "start"
    for index, atom in enumerate(atoms):
        kind = atom.kind
        following = atoms[index + 1].kind if index + 1 < len(atoms) else "end"
        if kind == "bin" and previous in ("start", "bin", "rel", "open", "punct", "op", "large",
                                          "row", "align"):
            kind = "sign"
        if kind in ("bin", "rel"):
            out.append(f" {atom.text} ")
        elif kind == "punct":
            out.append(atom.text + " ")
        elif kind in ("op", "large"):  # 2 log x, arg min, ∑ᵢ wᵢ, ∏ₖ ‖x‖
            lead = " " if previous in ("ord", "close", "frac") else ""
            spaced = ("ord", "op", "frac", "large") + (("open",) if kind == "large" else ())
            out.append(lead + atom.text + (" " if following in spaced else ""))
        elif kind == "frac" or (kind == "ord" and previous == "frac"):  # a/b c/d, λ a/b
            out.append((" " if previous in ("ord", "close", "frac") else "") + atom.text)
        elif kind == "space":
            out.append(" ")
        elif kind == "align":
            pass
        elif kind == "matrix":  # 1/18 [[1, 1], [1, 1]]: a space after a factor
            out.append((" " if previous in ("ord", "close", "matrix", "frac") else "")
                       + atom.text)
            kind = "ord"
        else:
            out.append(atom.text)
        previous = kind if kind != "space" else previous
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([(\[⌊⌈⟨]) ", r"\1", text)
    text = re.sub(r" ([)\]⌋⌉⟩,;])", r"\1", text)
    return text.strip()
