"""LaTeX to plain Unicode, for the text layer under each typeset formula.

The sheet's formulas are SVG images (ziamath); this gives each one a line of Unicode that
a reader can search for and copy: ``\\frac{39}{400}`` becomes ``39/400``, ``\\rho^{t-i}``
``ρᵗ⁻ⁱ``, ``\\hat{S}_{2}`` ``Ŝ₂``, a matrix ``[[1, 2], [3, 4]]``. It covers the subset of
LaTeX the sheet writes (fractions, roots, Greek, accents, scripts, ``\\left``/``\\right``,
matrices and aligned rows, operator names, ``\\text``); an unknown command keeps its name
without the backslash. The output never holds LaTeX source (no ``\\``, ``_{`` or ``^{``)
and only characters that DejaVu Sans draws.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "varrho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
# Symbols by the spacing they get: ordinary, binary operator, relation, large operator.
ORDINARY = {
    "partial": "∂", "nabla": "∇", "infty": "∞", "ldots": "…", "cdots": "⋯", "dots": "…",
    "prime": "′", "top": "⊤", "ell": "ℓ", "emptyset": "∅", "forall": "∀", "exists": "∃",
    "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "%": "%", "_": "_", "#": "#", "&": "&",
    "$": "$", "|": "‖", "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|",
    "vert": "|", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "langle": "⟨", "rangle": "⟩", "lbrack": "[", "rbrack": "]",
}
BINARY = {
    "cdot": "·", "times": "×", "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "circ": "∘", "ast": "∗", "div": "÷", "setminus": "∖", "cup": "∪",
    "cap": "∩", "wedge": "∧", "vee": "∨",
}
RELATION = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "Leftrightarrow": "⇔", "mapsto": "↦", "gets": "←", "ll": "≪",
    "gg": "≫", "mid": "|", "coloneqq": "≔",
}
LARGE = {"sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂"}
FUNCTIONS = {
    "log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan", "min", "max",
    "arg", "argmin", "argmax", "sup", "inf", "lim", "det", "dim", "ker", "deg", "gcd",
    "Pr", "softmax",
}
FONTS = {"mathrm", "text", "textrm", "textit", "mathit", "mathbf", "textbf", "mathsf",
         "mathtt", "texttt", "operatorname", "boldsymbol", "bm", "mbox", "textup"}
DOUBLE_STRUCK = {"E": "𝔼", "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
           "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308",
           "vec": "\u20d7", "check": "\u030c", "breve": "\u0306"}
SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "quad": " ", "qquad": " ", "!": "",
          "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " "}
IGNORED = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "middle",
           "nonumber", "notag"}
DELIMITER_OPEN = set("([⌊⌈⟨{")
DELIMITER_CLOSE = set(")]⌋⌉⟩}")

SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                     "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
SUPERSCRIPT = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδφχθ⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᵠᵡᶿᵀ",
    strict=True))
# Kept as they are in a superscript (x′, D*).
SUPERSCRIPT_AS_IS = set("′″‴*∗")

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|[^\\\s]")


@dataclass
class Atom:
    """A piece of output and how it is spaced: ord, frac, bin, rel, op (a function or
    large operator), open, close, punct, space, matrix, row or align."""

    text: str
    kind: str = "ord"


class _Parser:
    def __init__(self, latex: str) -> None:
        self.tokens = _TOKEN.findall(latex)
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def next(self) -> str | None:
        token = self.peek()
        self.position += 1
        return token

    def skip_spaces(self) -> None:
        while (token := self.peek()) is not None and token.isspace():
            self.position += 1

    def group(self) -> list[Atom]:
        """One argument: a braced group or a single token."""
        self.skip_spaces()
        token = self.peek()
        if token is None:
            return []
        if token == "{":
            self.position += 1
            atoms = self.sequence(stop={"}"})
            self.next()
            return atoms
        return self.atom() or []

    def raw_group(self) -> str:
        """A braced group's source text, unparsed (for \\text and \\begin)."""
        self.skip_spaces()
        if self.peek() != "{":
            return self.next() or ""
        self.position += 1
        depth, out = 1, []
        while (token := self.next()) is not None:
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    break
            out.append(token)
        return "".join(out)

    def sequence(self, stop: set[str]) -> list[Atom]:
        atoms: list[Atom] = []
        while (token := self.peek()) is not None and token not in stop:
            if token in ("^", "_"):
                self.position += 1
                script = compact(self.group())
                base = atoms.pop() if atoms else Atom("")
                kind = "ord" if base.kind in ("space", "open", "sign") else base.kind
                atoms.append(Atom(base.text + attach(script, token == "^", base.text), kind))
                continue
            if token == "'":
                self.position += 1
                base = atoms.pop() if atoms else Atom("")
                atoms.append(Atom(base.text + "′", base.kind if base.kind == "op" else "ord"))
                continue
            produced = self.atom()
            if produced:
                atoms.extend(produced)
        return atoms

    def atom(self) -> list[Atom] | None:
        token = self.next()
        if token is None:
            return None
        if token.isspace():
            return None
        if token == "{":
            inner = self.sequence(stop={"}"})
            self.next()
            text = compact(inner) if _all_ord(inner) else join(inner)
            # {-}x: a sign, with no space after it
            return [Atom(text, "open" if text in ("−", "+", "±") else "ord")]
        if token.startswith("\\"):
            return self.command(token[1:])
        if token == "-":
            return [Atom("−", "bin")]
        if token in "+*":
            return [Atom(token if token == "+" else "∗", "bin")]
        if token in "=<>":
            return [Atom(token, "rel")]
        if token in ",;":
            return [Atom(token, "punct")]
        if token in "([":
            return [Atom(token, "open")]
        if token in ")]":
            return [Atom(token, "close")]
        if token == "|":
            return [Atom("|", "ord")]
        if token == "~":
            return [Atom(" ", "space")]
        if token == "&":
            return [Atom("", "align")]
        return [Atom(token, "ord")]

    def command(self, name: str) -> list[Atom] | None:
        if name in ("left", "right"):  # the delimiter that follows opens or closes
            self.skip_spaces()
            if self.peek() == ".":
                self.position += 1
                return None
            delimiter = self.atom() or []
            return [Atom(a.text, "open" if name == "left" else "close") for a in delimiter]
        if name in IGNORED:
            return None
        if name in SPACES:
            return [Atom(SPACES[name], "space")] if SPACES[name] else None
        if name == "\\":
            return [Atom("; ", "row")]
        if name in GREEK:
            return [Atom(GREEK[name])]
        if name in ORDINARY:
            text = ORDINARY[name]
            kind = ("open" if text in DELIMITER_OPEN or name in ("lVert", "lvert") else
                    "close" if text in DELIMITER_CLOSE or name in ("rVert", "rvert") else "ord")
            return [Atom(text, kind)]
        if name in BINARY:
            return [Atom(BINARY[name], "bin")]
        if name in RELATION:
            return [Atom(RELATION[name], "rel")]
        if name in LARGE:
            return [Atom(LARGE[name], "large")]
        if name in FUNCTIONS:
            return [Atom(name, "op")]
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator, denominator = join(self.group()), join(self.group())
            return [Atom(f"{_wrap(numerator)}/{_wrap(denominator)}", "frac")]
        if name == "sqrt":
            self.skip_spaces()
            if self.peek() == "[":  # \sqrt[n]{x}
                self.position += 1
                self.sequence(stop={"]"})
                self.next()
            radicand = join(self.group())
            return [Atom("√" + _wrap(radicand))]
        if name in ("text", "textrm", "textit", "textbf", "mbox", "textup", "texttt"):
            return [Atom(self.raw_group(), "ord")]
        if name == "operatorname":
            return [Atom(compact(self.group()), "op")]
        if name in FONTS:
            inner = self.group()
            text = compact(inner) if _all_ord(inner) else join(inner)
            return [Atom(text, "ord")]
        if name == "mathbb":
            text = compact(self.group())
            return [Atom("".join(DOUBLE_STRUCK.get(c, c) for c in text))]
        if name in ("mathcal", "mathscr", "mathfrak"):
            return [Atom(compact(self.group()))]
        if name in ACCENTS:
            text = compact(self.group()) or " "
            return [Atom(text + ACCENTS[name])]
        if name in ("boxed", "underline", "overbrace", "underbrace"):
            inner = self.group()
            if name in ("underbrace", "overbrace"):  # drop the brace's label
                self.skip_spaces()
                if self.peek() in ("_", "^"):
                    self.position += 1
                    self.group()
            return inner
        if name in ("phantom", "hphantom", "vphantom", "label", "tag"):
            self.group()
            return None
        if name == "begin":
            return self.environment(self.raw_group())
        if name == "end":
            self.raw_group()
            return None
        if name == "not":
            following = self.atom() or [Atom("")]
            return [Atom(following[0].text + "\u0338", following[0].kind)]
        if name in ("color", "textcolor"):
            self.raw_group()
            return None
        return [Atom(name, "ord")]  # unknown: its name, never the backslash

    def environment(self, name: str) -> list[Atom]:
        """Matrices as [[a, b], [c, d]]; aligned rows joined by "; "."""
        base = name.rstrip("*")
        if base in ("array", "tabular"):
            self.raw_group()  # the column specification
        rows: list[list[str]] = [[]]
        cell: list[Atom] = []
        while (token := self.peek()) is not None:
            if token == "\\end":
                self.position += 1
                self.raw_group()
                break
            if token == "&":
                self.position += 1
                rows[-1].append(join(cell))
                cell = []
                continue
            if token == "\\\\":
                self.position += 1
                rows[-1].append(join(cell))
                rows.append([])
                cell = []
                continue
            if token in ("\\hline", "\\cline"):
                self.position += 1
                continue
            produced = self.sequence(stop={"&", "\\\\", "\\end"})
            cell.extend(produced)
        rows[-1].append(join(cell))
        rows = [row for row in rows if any(c.strip() for c in row)]
        if base.endswith("matrix") or base == "array":
            text = "[" + ", ".join("[" + ", ".join(c.strip() for c in row) + "]"
                                   for row in rows) + "]"
            if base == "vmatrix":
                text = f"det {text}"
            return [Atom(text, "matrix")]
        # aligned, align, gathered, split: the rows, each read as one line; cases: a value
        # and its condition
        glue = ", " if base == "cases" else " "
        return [Atom("; ".join(glue.join(c.strip() for c in row if c.strip()) for row in rows))]


def _all_ord(atoms: list[Atom]) -> bool:
    return all(atom.kind == "ord" for atom in atoms)


def _wrap(text: str) -> str:
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
    """A sub- or superscript in Unicode when every character has a form, else _x or ^x."""
    if not script:
        return ""
    table = SUPERSCRIPT if superscript else SUBSCRIPT
    if superscript and all(c in SUPERSCRIPT_AS_IS for c in script):
        return script.replace("∗", "*")
    if all(c in table for c in script):
        return "".join(table[c] for c in script)
    if superscript:
        return "^" + script if re.fullmatch(r"[^\W_]+", script) else f"^[{script}]"
    if re.fullmatch(r"[A-Za-z0-9]", script) and re.search(r"(^|[^A-Za-z])[A-Za-z]$", base):
        # One letter after a one-letter name, with no Unicode form: in parentheses, so
        # that it never reads as an ASCII stand-in such as p_g.
        return f"_({script})"
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


@cache
def unicode_math(latex: str) -> str:
    """The formula as one line of Unicode text (NFC: Ŝ is one character)."""
    text = join(_Parser(latex).sequence(stop=set()))
    return unicodedata.normalize("NFC", text)
