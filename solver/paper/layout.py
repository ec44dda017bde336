"""Places a booklet's fields on A4 pages: page 1 holds the exam's instructions, the name
box, the student-number grid and every multiple-choice question; the digit grids follow,
then the written answers, each area whole on one page. Only the kind of field decides
where it goes, never a question's id."""

from __future__ import annotations

from dataclasses import dataclass

from solver.paper import fonts
from solver.paper import geometry as g
from solver.paper.fields import ChoiceField, Field, GridField, WrittenField, item_name
from solver.paper.page import Area, Box, Line, Page, Text

MARKING = ("This booklet is your answer sheet: write each answer in its ruled area (what is "
           "written elsewhere is not graded); the questions are on the question paper of your "
           "variant. Mark a box with a dark pen or pencil: fill it, or cross it. To undo a mark, "
           "erase it completely: a box neither clearly empty nor clearly marked is set aside "
           "for a person to read.")
GRIDS = ("Digit grids: give the value rounded to the decimals the grid asks. Fill the "
         "minus box if the value is negative, then one box per column: the digits before the "
         "point to the right of it (empty columns on the left count as zeros), then every "
         "decimal (pad with zeros). Write the digits in the cells above the columns too.")


@dataclass(frozen=True)
class Header:
    title: str
    instructions: str
    identity: str  # "Booklet 7 · variant 3 · student 1234567 …", printed at each page's foot
    id_digits: int
    named: bool = False  # the roster names the student (no name to write on later pages)


class Flow:
    """Pages filled from the top; ``room(h)`` starts a new page when ``h`` does not fit."""

    def __init__(self) -> None:
        self.pages = [Page(1)]
        self.y = g.TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def room(self, height: float) -> None:
        if self.y + height > g.BOTTOM and self.y > g.TOP:
            self.pages.append(Page(len(self.pages) + 1))
            self.y = g.TOP

    def text(self, x: float, y: float, size: float, text: str, bold: bool = False,
             question: str = "") -> None:
        self.page.texts.append(Text(x, y, size, fonts.printable(text), bold, question))


def layout(header: Header, fields: list[Field]) -> list[Page]:
    """Page 1: the frame and every choice question; then the other answers in the exam's
    order, a digit grid with its working below it."""
    flow = Flow()
    _front(flow, header, any(isinstance(f, GridField) for f in fields))
    choices = [f for f in fields if isinstance(f, ChoiceField)]
    if choices:
        _choices(flow, choices)
    for field in fields:
        if isinstance(field, GridField):
            working = next((f for f in fields if isinstance(f, WrittenField) and f.working
                            and (f.question, f.part) == (field.question, field.part)), None)
            _grid(flow, field, working)
        elif isinstance(field, WrittenField) and not field.working:
            _written(flow, field)
    for page in flow.pages:
        _foot(page, header, len(flow.pages))
    return flow.pages


def heading(question: str, part: str) -> str:
    """"Lecture 5.1", "Lab 3 B", "Paper 2": the question as the paper numbers it."""
    section, number = question.split(".", 1)
    name = f"{section.capitalize()} {number}"
    if not part:
        return name
    return f"{name}.{part}" if part.isdigit() else f"{name} {part}"


def _points(points: int) -> str:
    return f"{points} point{'s' * (points != 1)}"


def _front(flow: Flow, header: Header, grids: bool) -> None:
    flow.text(g.LEFT, flow.y + 14, 15, header.title, bold=True)
    flow.y += 22
    flow.text(g.LEFT, flow.y + 9, 9, header.identity)
    flow.y += 16
    grid_w = header.id_digits * COLUMN + 5 * g.MM
    grid_x = g.RIGHT - grid_w
    text_w = grid_x - g.LEFT - 8 * g.MM
    top = flow.y
    plain = header.instructions.replace("**", "")
    lines = [*fonts.wrap(plain, 9, text_w), "", *fonts.wrap(MARKING, 9, text_w)]
    if grids:
        lines += ["", *fonts.wrap(GRIDS, 9, text_w)]
    for line in lines:
        flow.text(g.LEFT, flow.y + 9, 9, line)
        flow.y += 11.5
    flow.y += 6
    flow.text(g.LEFT, flow.y + 9, 9, "Name", bold=True)
    flow.page.areas.append(Area("name", "name", g.LEFT, flow.y + 13, text_w, 14 * g.MM))
    flow.page.lines.append(Line(g.LEFT, flow.y + 13 + 14 * g.MM, g.LEFT + text_w,
                                flow.y + 13 + 14 * g.MM))
    left_bottom = flow.y + 13 + 14 * g.MM
    flow.y = max(left_bottom, _student_grid(flow, header.id_digits, grid_x, top)) + 8 * g.MM


def _student_grid(flow: Flow, digits: int, x0: float, top: float) -> float:
    flow.text(x0, top + 9, 9, "Student number", bold=True)
    flow.text(x0, top + 20, 7.5, "write it, then fill one box per column")
    y0 = top + 26
    _row_labels(flow, x0, y0 + 8 * g.MM)
    for column in range(digits):
        x = x0 + column * COLUMN + 5 * g.MM
        _write_in(flow, x - 0.5 * g.MM, y0, 5.5 * g.MM)
        for digit in range(10):
            y = y0 + 8 * g.MM + digit * g.BOX_STEP
            flow.page.boxes.append(Box(f"student.c{column + 1}.d{digit}", "student", x, y, g.BOX,
                                       g.BOX, column=column + 1, digit=digit))
    return y0 + 8 * g.MM + 10 * g.BOX_STEP


COLUMN = 7 * g.MM  # from one digit column to the next


def _row_labels(flow: Flow, x: float, y0: float, question: str = "") -> None:
    """The digits 0–9, once, left of a grid's rows (not beside every box: no doubt which
    column a label belongs to)."""
    for digit in range(10):
        y = y0 + digit * g.BOX_STEP
        flow.text(x + 0.8 * g.MM, y + g.BOX - 3, 9, str(digit), True, question)


def _write_in(flow: Flow, x: float, y: float, side: float) -> None:
    """A cell for a handwritten digit (read by people only), drawn grey."""
    for x1, y1, x2, y2 in ((x, y, x + side, y), (x, y + side, x + side, y + side),
                           (x, y, x, y + side), (x + side, y, x + side, y + side)):
        flow.page.lines.append(Line(x1, y1, x2, y2, 0.5, 0.55))


def _choices(flow: Flow, choices: list[ChoiceField]) -> None:
    rows = (len(choices) + 1) // 2
    row_h = 9 * g.MM
    flow.room(14 + rows * row_h)
    flow.text(g.LEFT, flow.y + 10, 10.5, "Multiple choice: fill one box per question", bold=True)
    flow.y += 18
    column_w = (g.RIGHT - g.LEFT) / 2
    for index, field in enumerate(choices):
        x0 = g.LEFT + (index // rows) * column_w
        y = flow.y + (index % rows) * row_h
        flow.text(x0, y + g.BOX - 3, 9.5, heading(field.question, ""), True, field.question)
        for k, letter in enumerate(field.letters):
            x = x0 + 24 * g.MM + k * 13 * g.MM
            flow.text(x - 4.2 * g.MM, y + g.BOX - 3, 9.5, letter, question=field.question)
            flow.page.boxes.append(Box(f"{field.question}.{letter}", "choice", x, y, g.BOX, g.BOX,
                                       question=field.question, option=letter))
    flow.y += rows * row_h + 5 * g.MM


def _grid(flow: Flow, field: GridField, working: WrittenField | None) -> None:
    """The grid (a minus box, the digit columns, the point), its working below it."""
    if field.decimals is None:
        raise ValueError(f"{field.question}: a grid's decimals are settled before its layout")
    lines = working.lines if working else 0
    grid_h = 8 * g.MM + 10 * g.BOX_STEP
    height = 18 + grid_h + (lines * g.LINE + 6 * g.MM if working else 0)
    flow.room(height)
    name = heading(field.question, field.part)
    what = (f"rounded to {field.decimals} decimal{'s' * (field.decimals != 1)}"
            if field.decimals else "a whole number")
    flow.text(g.LEFT, flow.y + 10, 10.5, f"{name}  ({_points(field.points)})", True,
              field.question)
    sign = "fill the \u2013 box if it is negative, then " if field.sign else ""
    flow.text(g.LEFT + 42 * g.MM, flow.y + 10, 9.5,
              f"Final value, {what}: {sign}one digit per column", question=field.question)
    top = flow.y + 18
    y0 = top + 8 * g.MM
    _row_labels(flow, g.LEFT, y0, field.question)
    x = g.LEFT + 6 * g.MM
    prefix = item_name(field.question, field.part)
    if field.sign:  # in the row of the write-in cells, apart from the digits' rows
        flow.text(g.LEFT + 0.5 * g.MM, top + 4.3 * g.MM, 13, "\u2013", True, field.question)
        flow.page.boxes.append(Box(f"{prefix}.sign", "sign", x, top + 0.5 * g.MM, g.BOX, g.BOX,
                                   question=field.question, part=field.part))
        x += 11 * g.MM
    for column in range(field.digits + field.decimals):
        if column == field.digits:
            flow.text(x - 1.8 * g.MM, top + 5 * g.MM, 16, ".", True, field.question)
            x += 2 * g.MM
        _write_in(flow, x - 0.5 * g.MM, top, 5.5 * g.MM)
        for digit in range(10):
            flow.page.boxes.append(Box(f"{prefix}.c{column + 1}.d{digit}", "digit", x,
                                       y0 + digit * g.BOX_STEP, g.BOX, g.BOX,
                                       question=field.question, part=field.part,
                                       column=column + 1, digit=digit))
        x += COLUMN
    if working is not None:
        below = top + grid_h + 4 * g.MM
        flow.text(g.LEFT, below + 2, 8.5, "Working (read by the grader)", question=field.question)
        _ruled(flow, Area(f"{prefix}.working", "written", g.LEFT, below + 4,
                          g.RIGHT - g.LEFT, lines * g.LINE, field.question, field.part,
                          field.points))
    flow.y += height


def _written(flow: Flow, field: WrittenField) -> None:
    height = 14 + field.lines * g.LINE
    flow.room(height + 4 * g.MM)
    flow.text(g.LEFT, flow.y + 10, 10.5,
              f"{heading(field.question, field.part)}  ({_points(field.points)})", True,
              field.question)
    area = Area(item_name(field.question, field.part), "written",
                g.LEFT, flow.y + 14, g.RIGHT - g.LEFT, field.lines * g.LINE, field.question,
                field.part, field.points)
    _ruled(flow, area)
    flow.y += height + 4 * g.MM


def _ruled(flow: Flow, area: Area) -> None:
    flow.page.areas.append(area)
    y = area.y + g.LINE
    while y <= area.y + area.h + 0.01:
        flow.page.lines.append(Line(area.x, y, area.x + area.w, y, 0.4, 0.7))
        y += g.LINE


def _foot(page: Page, header: Header, pages: int) -> None:
    """The page code's human-readable line, above the strip; from page 2 on, a line for the
    student's name at the top (a page that comes loose is still someone's)."""
    page.texts.append(Text(g.CODE_X, g.CODE_Y - 4, 8,
                           fonts.printable(f"{header.identity}  ·  page {page.number} of {pages}")))
    if page.number > 1 and not header.named:
        x = g.RIGHT - 70 * g.MM
        page.texts.append(Text(x, g.TOP - 3 * g.MM, 8.5, "Name"))
        page.lines.append(Line(x + 10 * g.MM, g.TOP - 3 * g.MM, g.RIGHT, g.TOP - 3 * g.MM))


def question_texts(pages: list[Page]) -> dict[str, str]:
    """What the booklet prints of each question (its labels), for the leak guard."""
    found: dict[str, list[str]] = {}
    for page in pages:
        for text in page.texts:
            if text.question:
                found.setdefault(text.question, []).append(text.text)
    return {question: "\n".join(texts) for question, texts in found.items()}
