"""The pages a teaching assistant reads after ``solver scan``: what the reader set aside
for review, and the written answers to grade question by question.

Nothing unclear on a scan is guessed: a flagged group of boxes, an unusable page and every
hand-graded answer wait for a person. These pages show each one beside its image and let
the person decide; the decisions become the overrides file that the next run reads
(``solver scan … --overrides overrides.json``). So the pages are plain files in the scan's
output folder: no server, nothing fetched, images by relative path. They read without
JavaScript (the items and their images); only saving needs it. The script builds the
whole file (what it held, with this browser's decisions applied), shown as text and
offered as a download; the decisions are also kept in this browser's localStorage per
folder and run, so review and grading pages made in one run add to one file, and a
reload loses nothing.

The templates are in ``templates/scan`` (the sheet's Jinja2 environment: autoescape,
StrictUndefined). The current overrides are embedded as JSON in a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` written as
``\\u003c``…, so no string in them can close the element. The policy is the practice
site's: the folder's own files only, no inline script, no network.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from solver.render.html import TEMPLATES, environment

FORMAT = "solver-overrides/1"
SECTIONS = ("groups", "pages", "marks")
ASSETS = ("scan.css", "scan.js")
COMMAND = "solver scan SCANS… --overrides overrides.json"
# The folder's own files only: its style, its script and its images; nothing else.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          "base-uri 'none'; form-action 'none'")
# Options whose one character a screen reader may skip or misname.
_OPTION_WORDS = {"-": "− (minus)", "+": "+ (plus)"}


@dataclass(frozen=True)
class ReviewItem:
    """One flagged group of boxes: a choice question, a digit column, a sign box or a
    student-number column."""

    key: str  # the overrides key, e.g. "7/paper.3", "7/lecture.5.1.c2", "7/student.c3"
    booklet: int
    student: str  # what is known of the student: "1234567 Ada Lovelace" or "booklet 7"
    where: str  # "Paper 3", "Lecture 5.1, column 2 of the digit grid"
    reason: str  # "two marks where one is allowed"
    crop: str  # relative path of a PNG of the group's boxes
    options: tuple[str, ...]  # the readings a person may choose
    chosen: str | None  # the override already given, else None


@dataclass(frozen=True)
class PageIssue:
    """A scanned page that could not be used as it is."""

    key: str  # the page's sha256 (the overrides key)
    source: str  # "scans/batch1.pdf, page 3"
    reason: str  # "no corner markers found (a blank or foreign page?)"
    thumbnail: str  # relative path of a small PNG of the page
    assignable: bool  # markers found, code not: a person may type the booklet and page
    chosen: dict[str, int] | str | None  # {"booklet": 7, "page": 2}, "ignore" or None


@dataclass(frozen=True)
class GradingEntry:
    """One student's answer to one hand-graded sub-question."""

    key: str  # "7/lab.1/A"
    booklet: int
    student: str
    variant: int
    crop: str  # relative path of the answer area's image (a JPEG)
    rubric: tuple[str, ...]  # that variant's rubric lines for this sub-question
    points: int  # the sub-question's maximum
    machine: str  # "" or what the machine read and marked
    marks: float | None  # the hand marks already given, else None


def normalised(overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides file's content with its format and its three sections present;
    anything else it holds is kept as it is."""
    whole = {"format": FORMAT, **overrides}
    for section in SECTIONS:
        whole[section] = dict(whole.get(section) or {})
    return whole


def embedded_json(data: Any) -> Markup:
    """``data`` as JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=1, sort_keys=True)
    for character in "<>&\u2028\u2029":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return Markup(text)


def file_text(overrides: dict[str, Any]) -> str:
    """The overrides file as the pages write it (the script writes the same layout)."""
    return json.dumps(overrides, ensure_ascii=False, allow_nan=False, indent=2,
                      sort_keys=True) + "\n"


def run_id(overrides: dict[str, Any]) -> str:
    """A name for the overrides a run applied: decisions kept in the browser for another
    run's pages (already in its file, or made before it) are not mixed in."""
    text = json.dumps(overrides, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def relative(path: str) -> str:
    """``path`` as a link inside the output folder; anything else is refused."""
    parts = urlsplit(path)
    if (not path or parts.scheme or parts.netloc or path.startswith(("/", "\\"))
            or ".." in path.replace("\\", "/").split("/")):
        raise ValueError(f"not a path inside the output folder: {path!r}")
    return quote(path.replace("\\", "/"))


def who(booklet: int, student: str) -> str:
    """The booklet and what is known of its student, once."""
    if student.strip().lower() in ("", f"booklet {booklet}"):
        return f"Booklet {booklet}"
    return f"Booklet {booklet} · {student}"


def option_words(option: str) -> str:
    return _OPTION_WORDS.get(option, option)


def number(value: float) -> str:
    """2.0 as "2", 2.5 as "2.5": as a person writes marks."""
    return f"{value:g}"


def page_choice(chosen: dict[str, int] | str | None) -> str:
    """What is done now with a page: its words."""
    if chosen == "ignore":
        return "ignored"
    if isinstance(chosen, dict):
        return f"booklet {chosen.get('booklet')}, page {chosen.get('page')}"
    return "not used until decided"


def asset(name: str) -> bytes:
    """One of :data:`ASSETS`, to be written beside the pages."""
    return (TEMPLATES / "scan" / name).read_bytes()


def _render(template: str, title: str, overrides: dict[str, Any], command: str,
            **values: Any) -> str:
    whole = normalised(overrides)
    return str(environment().get_template(f"scan/{template}").render(
        title=title, policy=POLICY, command=command, overrides=embedded_json(whole),
        file_text=file_text(whole), run=run_id(whole), relative=relative, who=who,
        option_words=option_words, number=number, page_choice=page_choice, **values))


def review_html(title: str, items: list[ReviewItem], pages: list[PageIssue],
                overrides: dict[str, Any], *, command: str = COMMAND,
                notes: tuple[str, ...] = ()) -> str:
    """The review page: each flagged group and unusable page as a card with its image,
    why it was set aside, what is taken now, and the choices; ``notes``: findings about
    whole booklets (a student number seen twice, one that disagrees with the roster)."""
    decided = (sum(item.chosen is not None for item in items)
               + sum(page.chosen is not None for page in pages))
    return _render("review.html.j2", title, overrides, command, items=items, pages=pages,
                   decided=decided, total=len(items) + len(pages), notes=notes)


def grading_html(title: str, heading: str, entries: list[GradingEntry],
                 overrides: dict[str, Any], *, command: str = COMMAND) -> str:
    """A grade-by-question page: one sub-question, every student's answer side by side
    with the rubric of the student's variant and a marks field."""
    decided = sum(entry.marks is not None for entry in entries)
    return _render("grading.html.j2", title, overrides, command, heading=heading,
                   entries=entries, decided=decided, total=len(entries))


def index_html(title: str, summary: list[tuple[str, str]],
               links: list[tuple[str, str]]) -> str:
    """The output folder's start page: ``summary`` as (label, figure) pairs and ``links``
    as (text, relative href) pairs, to review.html and each grading page."""
    shown = [(text, relative(href)) for text, href in links]
    return str(environment().get_template("scan/index.html.j2").render(
        title=title, policy=POLICY, summary=summary, links=shown))
