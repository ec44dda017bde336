"""HTML fragments for the answer sheet (rendered to PDF by solver.sheet.build).

Steps are printed by :class:`HtmlPrinter` (the shared frame of ``solver.render.printer``);
the question's frame (heading, answer box, checks, rubric) is the Jinja2 template
``question.html.j2``. Code listings are set by a small Pygments formatter: one span per run
of equally styled tokens (whitespace joins its neighbours), no line numbers (they would be
copied with the code), the answer lines marked by a background that does not move the text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from solver.kinds import Kind, named
from solver.model import Code, Figure, Math, Reading, Solution, Table, Text, step_to_dict
from solver.render.mathsvg import cached, img
from solver.render.printer import Printer, part_name, points_text
from solver.render.unimath import plain

_PACKAGE = Path(__file__).resolve().parents[1]
# Installed from a wheel, the templates ship inside the package; in a checkout they are
# the repository's top-level templates/ folder.
TEMPLATES = (_PACKAGE / "templates" if (_PACKAGE / "templates").is_dir()
             else _PACKAGE.parent / "templates")
_INLINE_MATH = re.compile(r"\$([^$]+)\$")
_ARXIV = re.compile(r"\barXiv:(\d{4}\.\d{4,5})(v\d+)?")
# A linter's directive at the end of a code line: repository noise, not for students.
_NOQA = re.compile(r"[ \t]*#[ \t]*noqa\b[^\n]*", re.IGNORECASE)
_LABEL = re.compile(r"^[A-Z][a-z]+(?: [a-z]+){0,2}: ")
# A table this short never breaks across pages (a longer one may, between rows).
SHORT_TABLE_ROWS = 6
ONE_LINE_CAPTION = 85  # characters: with "Table 12. " they fit the text width in 9 pt italic
CODE_STYLE = "default"


# A capital with a word subscript in running text (L_reg in an answer shared with the JSON
# and the LMS as Unicode): the subscript is set as one; the underscore stays in the text
# layer, a hair wide, so a search for "L_reg" finds it. Code names (in_feat, h_dim) never
# start with a lone capital.
_WORD_SUBSCRIPT = re.compile(r"(?<![\w])([A-Z])_([a-z]{2,})(?![\w(\[])")


# A hyphen before a digit that no word or bracket precedes is a minus sign ("-3/50" in a
# table of exact values); between two digits it is a range ("11–14 %"), set as an en
# dash; 1e-12 and x-3 keep theirs.
_HYPHEN_MINUS = re.compile(r"(?<![\w)\]])-(?=\d)")
_HYPHEN_RANGE = re.compile(r"(?<=\d)-(?=\d)")


def _escaped(text: str) -> Markup:
    text = _HYPHEN_RANGE.sub("\u2013", _HYPHEN_MINUS.sub("\u2212", text))
    return Markup(_WORD_SUBSCRIPT.sub(r'\1<span class="hidden-underscore">_</span><sub>\2</sub>',
                                      str(escape(text))))


def _prose(text: str) -> Markup:
    """Escaped text whose arXiv identifiers link to their abstract pages."""
    pieces, last = [], 0
    for match in _ARXIV.finditer(text):
        pieces.append(_escaped(text[last:match.start()]))
        pieces.append(Markup('<a class="arxiv" href="https://arxiv.org/abs/{}">{}</a>').format(
            match.group(1) + (match.group(2) or ""), match.group(0)))
        last = match.end()
    pieces.append(_escaped(text[last:]))
    return Markup("").join(pieces)


# A formula keeps the punctuation after it on its line (no line starts with the comma after
# a formula), and a formula that ends its text keeps the word before it too (no last line
# of its own holding "Ŝ₃."). Gluing every formula to its word would leave ragged lines.
_WORD_BEFORE = re.compile(r"\S{1,24}\s?$")
_PUNCTUATION_AFTER = re.compile(r"^[.,;:!?)\]’”']{1,4}")


def inline(text: str) -> Markup:
    """Escape text; ``$...$`` spans become typeset inline formulas, held on one line with the
    punctuation after them (and the last with the word before it); arXiv ids become links."""
    parts = _INLINE_MATH.split(text)
    pieces, prose = [], parts[0]
    for index in range(1, len(parts), 2):
        formula, after = parts[index], parts[index + 1]
        punctuation = _PUNCTUATION_AFTER.match(after)
        end = punctuation.end() if punctuation else 0
        last = index == len(parts) - 2 and not after[end:].strip()
        before = _WORD_BEFORE.search(prose) if last else None
        # a word, not a lone space: the space between two formulas stays a place to break
        start = before.start() if before and before.group().strip() else len(prose)
        pieces += [_prose(prose[:start]), Markup('<span class="glue">'), _prose(prose[start:]),
                   img(formula), _prose(after[:end]), Markup("</span>")]
        prose = after[end:]
    pieces.append(_prose(prose))
    return Markup("").join(pieces)




def strip_noqa(code: str) -> str:
    """The code without ``# noqa`` comments (the source files keep them)."""
    return _NOQA.sub("", code)


def hanging(code: str) -> Markup:
    """Code for a narrow box: a line too long for it goes on four characters right of where
    the line starts (its own indentation kept), not at the box's left edge."""
    lines = []
    for line in strip_noqa(code).split("\n"):
        hang = len(line) - len(line.lstrip(" ")) + 4
        lines.append(Markup('<span class="code-line" style="padding-left:{0}ch;'
                            'text-indent:-{0}ch">{1}</span>').format(hang, line or " "))
    return Markup("").join(lines)


# --- code listings --------------------------------------------------------------------------


@cache
def _code_classes() -> dict[tuple[str, bool, bool], str]:
    """One CSS class per distinct (colour, bold, italic) of the Pygments style."""
    from pygments.styles import get_style_by_name

    looks = sorted({(d["color"] or "", bool(d["bold"]), bool(d["italic"]))
                    for _, d in get_style_by_name(CODE_STYLE)})
    return {look: f"t{index}" for index, look in enumerate(looks) if look != ("", False, False)}


@cache
def code_css() -> str:
    """The listing colours: colour, weight and slant only (the font is the stylesheet's)."""
    rules = []
    for (colour, bold, italic), name in _code_classes().items():
        declarations = [f"color: #{colour}"] if colour else []
        declarations += ["font-weight: bold"] if bold else []
        declarations += ["font-style: italic"] if italic else []
        rules.append(f".code .{name} {{ {'; '.join(declarations)} }}")
    return "\n".join(rules)


@cache
def _class_of(token_type: Any) -> str:
    from pygments.styles import get_style_by_name
    from pygments.token import Comment, Keyword, Operator, String, Whitespace

    if token_type in Whitespace:
        return " "  # takes its neighbours' class
    if not any(token_type in kind for kind in (Keyword, Operator.Word, Comment, String)):
        # Names, numbers and symbols stay black, as in a printed book: keywords, comments
        # and strings carry the structure. Each coloured run is one more text box to
        # typeset, and `self`, names and numbers were half of a listing's runs.
        return ""
    look = get_style_by_name(CODE_STYLE).style_for_token(token_type)
    return _code_classes().get((look["color"] or "", bool(look["bold"]), bool(look["italic"])), "")


def _runs(tokens: Iterable[tuple[Any, str]]) -> list[list[tuple[str, str]]]:
    """Lines of (class, text) runs: equal classes merged, blanks joined to a neighbour."""
    lines: list[list[tuple[str, str]]] = [[]]
    for token_type, value in tokens:
        name = _class_of(token_type)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:  # a blank piece of a styled token is a blank as well
                lines[-1].append((" " if piece.isspace() else name, piece))
    merged_lines = []
    for line in lines:
        merged: list[tuple[str, str]] = []
        for index, (name, text) in enumerate(line):
            if name == " ":  # a blank: inside a run if both sides share a class
                after = next((n for n, _ in line[index + 1:] if n != " "), "")
                # An indentation opens the line's first run: WeasyPrint draws no text box
                # of blanks alone, and the copied code would lose its indentation.
                before = merged[-1][0] if merged else after
                name = before if before == after else ""
            if merged and merged[-1][0] == name:
                merged[-1] = (name, merged[-1][1] + text)
            else:
                merged.append((name, text))
        merged_lines.append(merged)
    return merged_lines


def listing(code: str, language: str, highlight: Iterable[int] = ()) -> Markup:
    """The code as a <pre>: coloured runs, answer lines (1-based) in a marked block."""
    from pygments.lexers import get_lexer_by_name

    marked = set(highlight)
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    lines = _runs(lexer.get_tokens(code.rstrip("\n")))
    out = []
    blank = Markup("&#8203;")  # holds an empty line open where no newline ends it
    for number, runs in enumerate(lines, start=1):
        body = Markup("").join(
            Markup('<span class="{}">{}</span>').format(name, text) if name else escape(text)
            for name, text in runs)
        if number in marked:
            # A marked line is a block of its own: it ends its line, no newline follows.
            out.append(Markup('<span class="hll">{}</span>').format(body or blank))
        elif number + 1 in marked:  # the next block starts a new line
            out.append(body or blank)
        else:
            out.append(body + Markup("\n" if number < len(lines) else ""))
    return Markup('<pre class="code">{}</pre>').format(Markup("").join(out))


# --- figures ---------------------------------------------------------------------------------


@cache
def _plotting_version() -> str:
    """What a figure's drawing depends on besides its data: matplotlib and plots.py."""
    from importlib.metadata import version

    from solver.render import plots

    source = Path(plots.__file__).read_bytes()
    return f"{version('matplotlib')} {hashlib.sha256(source).hexdigest()}"


def figure_svg(step: Figure) -> str:
    """The figure drawn by matplotlib, from the disk cache of the formulas when its data,
    matplotlib and the plotting code are those of a previous build."""
    payload = json.dumps(["figure", _plotting_version(), step_to_dict(step)], sort_keys=True)

    def render() -> str:
        from solver.render.plots import svg

        return svg(step)

    return cached(hashlib.sha256(payload.encode()).hexdigest(), render)


# --- the steps --------------------------------------------------------------------------------


class HtmlPrinter(Printer):
    """Steps as HTML; the question's frame is the template ``question.html.j2``.

    ``anchor`` (the question's HTML id) names the reading notes, which link to their copy
    in the appendix (``note-ANCHOR-N``) and are linked back to (``reading-ANCHOR-N``).
    ``condensed`` is its kind's (``solver.kinds``: a multiple-choice question's "Why:",
    "Source:" … lines get a label), never its section's.
    """

    def __init__(self, anchor: str = "", condensed: bool = False) -> None:
        self.anchor = anchor
        self.condensed = condensed
        self.readings = 0

    def print_text(self, step: Text) -> Markup:
        # A sentence that introduces what follows ends in a colon: it stays with it.
        lead = ' class="lead"' if step.text.rstrip().endswith(":") else ""
        label = _LABEL.match(step.text) if self.condensed else None
        if label:  # a multiple-choice question's "Why:", "Source:" …
            return Markup('<p{}><span class="label">{}</span>{}</p>').format(
                Markup(lead), label.group(0), inline(step.text[label.end():]))
        return Markup("<p{}>{}</p>").format(Markup(lead), inline(step.text))

    def print_math(self, step: Math) -> Markup:
        # A labelled display ("where …") completes the one before it: never a page apart.
        label = Markup('<span class="label">{}</span> ').format(step.label) if step.label else ""
        kind = "display labelled" if step.label else "display"
        return Markup('<div class="{}">{}{}</div>').format(
            kind, label, img(step.latex, inline=False))

    def print_code(self, step: Code) -> Markup:
        body = listing(strip_noqa(step.code), step.language, step.highlight)
        caption = (Markup('<div class="caption">{}</div>').format(inline(step.caption))
                   if step.caption else "")
        return Markup('<figure class="code">{}{}</figure>').format(caption, body)

    def print_table(self, step: Table) -> Markup:
        head = Markup("").join(Markup("<th>{}</th>").format(inline(h)) for h in step.headers)
        rows = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(Markup("<td>{}</td>").format(inline(c)) for c in row))
            for row in step.rows
        )
        # A caption is as wide as its table; a short one stays on one line above a narrow
        # table, a long one wraps to the table's width.
        short = len(plain(step.caption)) <= ONE_LINE_CAPTION
        one_line = Markup(' class="one-line"') if short else ""
        caption = Markup("<caption{}>{}</caption>").format(one_line, inline(step.caption)) \
            if step.caption else ""
        size = "short" if len(step.rows) < SHORT_TABLE_ROWS else "long"
        numbered = " numbered" if step.caption and step.numbered else ""
        return Markup('<table class="steps {}{}">{}<thead><tr>{}</tr></thead><tbody>{}</tbody>'
                      "</table>").format(size, numbered, caption, head, rows)

    def print_figure(self, step: Figure) -> Markup:
        data = base64.b64encode(figure_svg(step).encode("utf-8")).decode("ascii")
        return Markup(
            '<figure class="plot"><img alt="{}" src="data:image/svg+xml;base64,{}">'
            "<figcaption>{}</figcaption></figure>"
        ).format(plain(step.caption), data, inline(step.caption))

    def print_reading(self, step: Reading) -> Markup:
        return self.print_readings([step])

    def print_readings(self, steps: list[Reading]) -> Markup:
        """Reading notes that stand together: one box, a paragraph each (with its link to
        the appendix), under one title."""
        title = "Reading of the question." if len(steps) == 1 else "Readings of the question."
        items = []
        for step in steps:
            self.readings += 1
            if not self.anchor:
                items.append(Markup("<p>{}</p>").format(inline(step.text)))
                continue
            name = f"{self.anchor}-{self.readings}"
            items.append(Markup('<p id="reading-{}">{} <a class="note-link" href="#note-{}">'
                                "(appendix)</a></p>").format(name, inline(step.text), name))
        return Markup('<aside class="reading"><strong>{}</strong>{}</aside>').format(
            title, Markup("").join(items))

    def render(self, solution: Solution) -> str:
        return str(fragment(solution))


@cache
def environment() -> Any:
    """Jinja2 with autoescape and StrictUndefined: a missing variable fails the build."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


RUNNING_WIDTH = 46  # characters: two headers of 8 pt DejaVu Sans fit one line of the page


def running(meta: Any) -> str:
    """A question's running header, "Lecture 2 – Backpropagation through a…": its heading
    and title, the title cut at a word to fit beside another header on one line."""
    full = f"{meta.heading} – {meta.title}"
    if len(full) <= RUNNING_WIDTH:
        return full
    return full[:RUNNING_WIDTH - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-") + "…"


def anchor(solution: Solution) -> str:
    return solution.meta.id.replace(".", "-")


def _answer_step(solution: Solution, kind: Kind) -> int:
    """A condensed question's "Answer: X) …" line (multiple choice), shown as its answer
    box instead (the text, markdown and JSON formats keep the line); -1 for others."""
    if not kind.condensed:
        return -1
    return next((index for index, step in enumerate(solution.steps)
                 if isinstance(step, Text) and step.text.startswith("Answer:")), -1)


def fragment(solution: Solution) -> Markup:
    """One question's HTML, rendered as its kind is (whatever section it is filed under)."""
    kind = named(solution.meta.kind)
    printer = HtmlPrinter(anchor(solution), kind.condensed)
    template = environment().get_template("question.html.j2")
    return Markup(template.render(
        solution=solution,
        meta=solution.meta,
        kind=kind,
        anchor=anchor(solution),
        **_steps(printer, solution, _answer_step(solution, kind)),
        inline=inline, part_name=part_name, points_text=points_text, hanging=hanging,
        running=running,
    ))


def _steps(printer: HtmlPrinter, solution: Solution, answer_at: int) -> dict[str, Any]:
    """The steps' markup, consecutive reading notes in one box (not a stack of boxes), and
    where the answer box goes among them (``answer_at``: an index of the steps)."""
    steps: list[Markup] = []
    readings: list[Reading] = []
    moved = -1
    for index, step in enumerate(solution.steps):
        if isinstance(step, Reading) and index != answer_at:
            readings.append(step)
            continue
        if readings:
            steps.append(printer.print_readings(readings))
            readings = []
        if index == answer_at:
            moved = len(steps)
        steps.append(printer.step(step))
    if readings:
        steps.append(printer.print_readings(readings))
    return {"steps": steps, "answer_at": moved if answer_at >= 0 else answer_at}


def render(solution: Solution) -> str:
    return str(fragment(solution))


def step_blocks(solution: Solution) -> list[Markup]:
    """The worked steps as the sheet sets them, one block each (consecutive reading notes
    one block), for a page that reveals them one at a time."""
    printer = HtmlPrinter("", named(solution.meta.kind).condensed)
    blocks: list[Markup] = _steps(printer, solution, -1)["steps"]
    return blocks
