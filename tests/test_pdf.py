"""The answer-sheet PDF: content, reproducibility, safety."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader

from solver.registry import entries
from solver.render.html import RUNNING_WIDTH, running
from solver.sheet import build as sheet
from tests.conftest import build_sheet, run_cli, solve


@pytest.fixture(scope="module")
def reader(sheet_pdf: Path) -> PdfReader:
    """The sheet, parsed once for the tests that read its objects (fonts, tags, links)."""
    return PdfReader(sheet_pdf)


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
@pytest.mark.sheet
def test_text_layer_has_every_heading_and_answer(sheet_pages: list[str]) -> None:
    text = flat("\n".join(sheet_pages))
    for entry in entries().values():
        assert f"{entry.meta.heading}: {entry.meta.printed_title}" in text
    # Final answers are selectable text. The values are the exam's, worked out by hand:
    # lecture 1's 3·5·9 + 5 = 140 and 5·16·16·2 + 2 = 2562 parameters (2702 in all),
    # lecture 5's S₂ = 1·(1 − 0.95²) = 39/400, and lecture 3's output (the 3×3 window sums of
    # the exam's 5×5×2 image, each times 1/18).
    for needle in ("2702", "140", "2562", "39/400", "[[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]"):
        assert needle in text, needle
    # Every sub-question's final answer of every question, ignoring line breaks.
    squeezed = re.sub(r"\s+", "", text)
    for qid in entries():
        for part in solve(qid).parts:
            assert re.sub(r"\s+", "", part.text) in squeezed, (qid, part.label)


@pytest.mark.slow
@pytest.mark.sheet
def test_two_builds_are_byte_identical(sheet_pdf: Path, tmp_path: Path) -> None:
    second = build_sheet(tmp_path / "second.pdf")
    assert second.read_bytes() == sheet_pdf.read_bytes()


@pytest.mark.slow
@pytest.mark.sheet
def test_no_dates_in_the_pdf(sheet_pdf: Path) -> None:
    data = sheet_pdf.read_bytes()
    assert b"/CreationDate" not in data and b"/ModDate" not in data


@pytest.mark.slow
@pytest.mark.sheet
def test_page_renders_to_png(sheet_pdf: Path, tmp_path: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(sheet_pdf))
    try:
        assert len(document) >= 3
        image = document[2].render(scale=1).to_pil()
        out = tmp_path / "page.png"
        image.save(out)
        assert out.stat().st_size > 1000
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
    finally:
        document.close()


@pytest.mark.slow
@pytest.mark.sheet
def test_fonts_are_embedded_and_bundled(reader: PdfReader) -> None:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names and all(name.startswith("DejaVu") for name in names), names


def test_blocked_fetch_is_refused() -> None:
    html = '<html><body><img src="file:///etc/passwd"><p>x</p></body></html>'
    with pytest.raises(sheet.BuildError, match="refused to fetch file:///etc/passwd"):
        sheet.typeset(html)
    with pytest.raises(sheet.BuildError, match="refused to fetch http"):
        sheet.typeset('<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><p>x</p>')


def test_strict_undefined_fails_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = jinja2.Environment(
        loader=jinja2.DictLoader({"sheet.html.j2": "{{ no_such_variable }}",
                                  "question.html.j2": "{{ meta.id }}"}),
        autoescape=True, undefined=jinja2.StrictUndefined,
    )
    monkeypatch.setattr(sheet, "environment", lambda: broken)
    with pytest.raises(sheet.BuildError, match="'no_such_variable' is undefined"):
        sheet.build_pdf(str(tmp_path / "out.pdf"), ["lecture.1"])
    assert list(tmp_path.iterdir()) == []


def test_failed_build_keeps_previous_pdf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "answers.pdf"
    target.write_bytes(b"%PDF-previous")

    def explode(html: str) -> bytes:
        raise sheet.BuildError("typesetting failed")

    monkeypatch.setattr(sheet, "typeset", explode)
    with pytest.raises(sheet.BuildError):
        sheet.build_pdf(str(target), ["lecture.1"])
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.pdf"]


@pytest.mark.slow
@pytest.mark.sheet
def test_only_and_bad_output(tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    result = run_cli("pdf", "--only", "lecture.5", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "solving lecture.5" in result.stderr  # progress on stderr
    text = pdf_text(out)
    assert "Lecture 5" in text and "Lecture 1:" not in text
    bad = run_cli("pdf", "--output", str(tmp_path))
    assert bad.returncode == 2 and "is a directory" in bad.stderr


def test_cli_self_check_failure_names_the_question(
    broken_lecture5: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from solver import cli

    target = tmp_path / "sheet.pdf"
    assert cli.main(["pdf", "--only", "lecture.5", "--output", str(target)]) == 1
    assert "self-check failed for lecture.5: deliberately broken oracle" in capsys.readouterr().err
    assert not target.exists()


def test_cli_build_failure_exits_1_with_its_cause(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from solver import cli

    def refused(html: str) -> bytes:
        raise sheet.BuildError("refused to fetch file:///etc/passwd")

    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(sheet, "typeset", refused)
    assert cli.main(["pdf", "--only", "lecture.1", "--output", str(target)]) == 1
    assert "build failed: refused to fetch" in capsys.readouterr().err
    assert not target.exists()


# --- listings, a searchable and tagged PDF, the answer key --------------------------------


@pytest.mark.slow
@pytest.mark.sheet
def test_listings_are_monospaced_and_copy_as_code(reader: PdfReader,
                                                   sheet_pages: list[str]) -> None:
    """Every code line of lab 1 comes out of the text layer as it is in the source: its
    indentation intact, no line number before it, in DejaVu Sans Mono."""
    from solver.questions.labkit import source
    from solver.render.html import strip_noqa

    index = next(i for i, text in enumerate(sheet_pages)
                 if "Lab 1: Linear layer forward pass" in text)
    pages = reader.pages[index:index + 2]
    lines = {line.rstrip() for text in sheet_pages[index:index + 2]
             for line in text.splitlines()}
    code = strip_noqa(source("linear"))
    for line in code.splitlines():
        if line.strip() and len(line) < 90:
            assert line.rstrip() in lines, line
    assert not any(re.match(r"^\s*\d+\s+(import|class|def)\b", line) for line in lines)
    fonts: dict[str, set[str]] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if text.strip() and isinstance(font, dict):
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

    for page in pages:
        page.extract_text(visitor_text=visit)
    # Code tokens, each a text run of its own ("predefined" in the exam's prose is not).
    for token in ("self.weight = torch.empty(in_feat, out_feat)", "def", "import"):
        used = {name for text, names in fonts.items()
                if re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", text) for name in names}
        assert used and all("DejaVu-Sans-Mono" in name for name in used), (token, used)


@pytest.mark.slow
@pytest.mark.sheet
def test_no_noqa_or_line_numbers_in_what_students_see(sheet_pages: list[str]) -> None:
    text = "\n".join(sheet_pages)
    assert "noqa" not in text
    assert "solver/labs/" not in text


@pytest.mark.slow
@pytest.mark.sheet
def test_the_pdf_is_tagged_with_alt_text_metadata_and_open_outlines(reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/PageMode"] == "/UseOutlines"
    info = reader.metadata
    assert info is not None
    assert info.author and info.subject and "answer key" in str(info["/Keywords"])
    assert info.title == "Deep Learning: closed-book exam — worked answer sheet"  # one colon
    xmp = reader.xmp_metadata  # the same in XMP (issue 23)
    assert xmp is not None and xmp.dc_title == {"x-default": info.title}
    assert xmp.dc_creator == [info.author]
    alts: list[str] = []

    def walk(element: object, depth: int = 0) -> None:
        element = element.get_object() if hasattr(element, "get_object") else element
        if isinstance(element, dict):
            if element.get("/S") == "/Figure" and "/Alt" in element:
                alts.append(str(element["/Alt"]))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid, depth + 1)

    walk(catalog["/StructTreeRoot"])
    assert any("39/400" in alt for alt in alts)  # a formula, in Unicode
    assert any(alt.startswith("Input summed") or "EWMA" in alt for alt in alts)  # a figure


@pytest.mark.slow
@pytest.mark.sheet
def test_formulas_carry_their_text(sheet_pages: list[str]) -> None:
    """Each typeset formula of lecture 5 is found in the text layer, in Unicode."""
    from solver.model import Math
    from solver.render.unimath import unicode_math

    text = flat(" ".join(sheet_pages))
    formulas = [unicode_math(step.latex) for step in solve("lecture.5").steps
                if isinstance(step, Math)]
    assert formulas and any("39/400" in f and "0.0975" in f for f in formulas)
    assert any("ρ" in f for f in formulas)
    for formula in formulas:
        assert flat(formula) in text, formula
    for needle in ("39/400", "0.0975", "σ", "λ", "ρ"):
        assert needle in text


@pytest.mark.slow
@pytest.mark.sheet
def test_answer_key_page(sheet_pages: list[str]) -> None:
    texts = sheet_pages
    index = next(i for i, text in enumerate(texts) if "Answer key at a glance" in text
                 and "Lab 1" in text and "Contents" not in text)
    end = next(i for i in range(index, len(texts)) if "Lab assignments" in texts[i])
    assert end - index <= 2  # the key takes at most two pages
    key = flat(" ".join(texts[index:end]))
    letters = " ".join(str(solve(qid).answer["choice"]) for qid in entries()
                       if qid.startswith("paper."))
    assert len(letters.split()) == 14
    for needle in ("2702", "0.0975", "Ŝ₂", "[[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]", letters,
                   "self.weight = torch.empty(in_feat, out_feat)"):
        assert needle in key, needle
    assert "Lecture 8" in key and "Papers" in key  # all of it before the questions


@pytest.mark.slow
@pytest.mark.sheet
def test_links_header_and_numbering(reader: PdfReader, sheet_pages: list[str]) -> None:
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    assert "https://arxiv.org/abs/1909.06674" in uris
    names = reader.named_destinations
    assert "note-lab-1-1" in names and "reading-lab-1-1" in names  # and back
    text = " ".join(sheet_pages)
    assert "Lab 1 – Linear layer forward pass" in text  # the running header
    assert "Figure 1." in text and "Table 1." in text


@pytest.mark.slow
@pytest.mark.sheet
def test_running_headers_name_the_question_at_the_top_and_the_one_that_starts(
        sheet_pages: list[str]) -> None:
    """A page names the question in progress at its top and the first question whose
    heading is on it, so the page where lecture 8 starts says Lecture 7 and Lecture 8; each
    fits its half of the line (a long title is cut at a word)."""
    # Each question as the sheet prints it (a lab's title is a template over its version).
    metas = [dataclasses.replace(entry.meta, title=entry.meta.printed_title)
             for entry in entries().values()]
    current = ""
    for number, page in enumerate(sheet_pages, start=1):
        text = flat(page)
        starts = [meta for meta in metas if f"{meta.heading}: {meta.title}" in text]
        body = text.lstrip()
        if body.startswith("Appendix"):  # the reading notes name every question again
            break
        opened = bool(starts) and body.startswith(f"{starts[0].heading}: ")
        if current and not (opened or body.startswith(("Lectures", "Papers"))):
            assert current in text, f"page {number} does not name {current} at its top"
        if starts:
            first = running(starts[0])
            assert first in text, f"page {number} does not name {first}, which starts on it"
            current = running(starts[-1])
        elif current:  # no question starts here: the header names no other
            others = [running(meta) for meta in metas]
            assert [name for name in others if name in text] == [current], number
    assert current.startswith("Paper 14")
    assert all(len(running(meta)) <= RUNNING_WIDTH for meta in metas)


@pytest.mark.slow
@pytest.mark.sheet
def test_contents_read_in_order_and_give_each_questions_page(sheet_pages: list[str]) -> None:
    """Each contents line copies as heading, title, points, page (no dots in the text),
    and the page it gives holds that question's heading."""
    texts = sheet_pages
    contents = texts[1]
    assert contents.startswith("Contents") and "..." not in contents
    lines = re.split(r"\n(?=(?:Key|Lab|Lecture|Paper|Appendix) )", contents)[1:]
    questions = [line.split() for line in lines if line.split()[0] in ("Lab", "Lecture", "Paper")]
    assert len(questions) == len(list(entries()))
    for kind, number, *title, page in questions:
        assert re.fullmatch(r"\(\d+ pts?\)", " ".join(title[-2:])), (kind, number, title)
        assert f"{kind} {number}: " in texts[int(page) - 1], (kind, number, page)


@pytest.mark.slow
@pytest.mark.sheet
def test_points_are_singular_for_one(sheet_pages: list[str]) -> None:
    text = flat(" ".join(sheet_pages))
    assert "1 pts" not in text and "(1 pt)" in text
