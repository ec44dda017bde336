"""LaTeX to plain Unicode, for the text layer under each typeset formula.

The sheet's formulas are SVG images (ziamath); this gives each one a line of Unicode that
a reader can search for and copy: ``\\frac{39}{400}`` becomes ``39/400``, ``\\rho^{t-i}``
``ρᵗ⁻ⁱ``, ``\\hat{S}_{2}`` ``Ŝ₂``, a matrix ``[[1, 2], [3, 4]]``. It covers the subset of
LaTeX the sheet writes (fractions, roots, Greek, accents, scripts, ``\\left``/``\\right``,
matrices and aligned rows, operator names, ``\\text``); an unknown command keeps its name
without the backslash. The output never holds LaTeX source (no ``\\``, ``_{`` or ``^{``)
and only characters that DejaVu Sans draws.

This module reads the LaTeX into atoms; ``solver.render.mathsymbols`` holds the tables of
names and characters, ``solver.render.mathspacing`` writes the atoms out as one line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from solver.render.mathspacing import Atom, attach, compact, grouped, join
from solver.render.mathsymbols import (
    ACCENTS,
    BINARY,
    DELIMITER_CLOSE,
    DELIMITER_OPEN,
    DOUBLE_STRUCK,
    FONTS,
    FUNCTIONS,
    GREEK,
    IGNORED,
    LARGE,
    ORDINARY,
    RELATION,
    SPACES,
)

# Bounds on a formula before it is read or typeset (ziamath's time grows with the square
# of its length: 4000 characters take seconds; both readers recurse on nesting). The
# sheet's longest is about 1200 (lecture 3's output at its largest input); formulas come
# from the exam file too.
MAX_FORMULA = 3_000
MAX_FORMULA_DEPTH = 30  # braces, \\left … \\right and environments nested
_NESTING = re.compile(r"\\(?:left|right|begin|end)\b|[{}]")
_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|[^\\\s]")


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
            return [Atom(f"{grouped(numerator)}/{grouped(denominator)}", "frac")]
        if name == "sqrt":
            self.skip_spaces()
            if self.peek() == "[":  # \sqrt[n]{x}
                self.position += 1
                self.sequence(stop={"]"})
                self.next()
            radicand = join(self.group())
            return [Atom("√" + grouped(radicand))]
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


def bounded(latex: str) -> str:
    """The formula when it is within the bounds for typesetting, else an InputError."""
    from solver.model import InputError

    shown = latex if len(latex) <= 60 else latex[:57] + "..."
    if len(latex) > MAX_FORMULA:
        raise InputError(f"the formula ${shown}$ has {len(latex):,} characters; at most "
                         f"{MAX_FORMULA:,} are typeset")
    depth = deepest = 0
    for match in _NESTING.finditer(latex):
        opening = match.group(0) in ("{", "\\left") or match.group(0).startswith("\\begin")
        depth += 1 if opening else -1
        deepest = max(deepest, depth)
    if deepest > MAX_FORMULA_DEPTH:
        raise InputError(f"the formula ${shown}$ is nested {deepest} deep; at most "
                         f"{MAX_FORMULA_DEPTH} levels are typeset")
    return latex


_FRACTIONS = {r"\frac", r"\dfrac", r"\tfrac"}
_SHORT_TERM = re.compile(r"[\w.′'^{}]{1,10}")


def slashed_fractions(latex: str) -> str:
    r"""An inline formula's short fractions as a/b in the text's size (``\frac{186}{305}``,
    ``\frac{3d^2}{h}``), as books set fractions in running text: stacked, its digits are
    two thirds of the line's. A fraction of long or compound terms stays stacked."""
    parser = _Parser(latex)
    if "".join(parser.tokens) != latex:  # not all tokens (a backslash at the end): as given
        return latex
    out: list[str] = []
    while (token := parser.next()) is not None:
        if token in _FRACTIONS:
            start = parser.position
            parser.skip_spaces()
            top = _closed_group(parser)
            bottom = _closed_group(parser) if top is not None else None
            if top is not None and bottom is not None and all(
                    _SHORT_TERM.fullmatch(term) for term in (top, bottom)):
                out.append(f"{{{top}}}/{{{bottom}}}")
                continue
            parser.position = start
        out.append(token)
    return "".join(out)


def _closed_group(parser: _Parser) -> str | None:
    """The braced group that opens here, read by ``raw_group``; None when none opens here
    or it is never closed."""
    if parser.peek() != "{":
        return None
    text = parser.raw_group()
    return text if parser.position <= len(parser.tokens) else None


@cache
def unicode_math(latex: str) -> str:
    """The formula as one line of Unicode text (NFC: Ŝ is one character)."""
    text = join(_Parser(bounded(latex)).sequence(stop=set()))
    return unicodedata.normalize("NFC", text)


_INLINE_MATH = re.compile(r"\$([^$]+)\$")
_ROWS = re.compile(r"\\begin\{(aligned|align\*?|gathered|split)\}(.*)\\end\{\1\}", re.DOTALL)


def plain(text: str) -> str:
    """Text with its ``$...$`` spans in Unicode (a terminal, alt text, the answer key)."""
    return _INLINE_MATH.sub(lambda match: unicode_math(match.group(1)), text)


def math_lines(latex: str) -> list[str]:
    """A displayed formula as Unicode lines: an aligned block a line per row, else one."""
    found = _ROWS.search(latex)
    if found is None:
        return [unicode_math(latex)]
    rows = [row.replace("&", " ").strip() for row in found.group(2).split(r"\\")]
    return [unicode_math(row) for row in rows if row]
