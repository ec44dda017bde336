"""The answer-sheet PDF: content, reproducibility, safety."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader

from solver import sheet
from solver.registry import entries
from tests.conftest import run_cli, solve


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sheet")
    first, second = folder / "first.pdf", folder / "second.pdf"
    for path in (first, second):
        result = run_cli("pdf", "--output", str(path))
        assert result.returncode == 0, result.stderr
    return first, second


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def test_text_layer_has_every_heading_and_answer(built: tuple[Path, Path]) -> None:
    text = pdf_text(built[0])
    for entry in entries().values():
        assert f"{entry.meta.heading}: {entry.meta.title}" in text
    # Final answers are selectable text (exam values, computed independently in NOTES.md).
    for needle in ("2702", "140", "2562", "39/400", "[[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]"):
        assert needle in text, needle
    # Every final answer of every question, ignoring where lines were broken.
    flat = re.sub(r"\s+", "", text)
    for qid in entries():
        for key, answer in solve(qid).answer_text.items():
            assert re.sub(r"\s+", "", answer) in flat, (qid, key)


def test_two_builds_are_byte_identical(built: tuple[Path, Path]) -> None:
    assert built[0].read_bytes() == built[1].read_bytes()


def test_no_dates_in_the_pdf(built: tuple[Path, Path]) -> None:
    data = built[0].read_bytes()
    assert b"/CreationDate" not in data and b"/ModDate" not in data


def test_page_renders_to_png(built: tuple[Path, Path], tmp_path: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(built[0]))
    try:
        assert len(document) >= 3
        image = document[2].render(scale=1).to_pil()
        out = tmp_path / "page.png"
        image.save(out)
        assert out.stat().st_size > 1000
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
    finally:
        document.close()


def test_fonts_are_embedded_and_bundled(built: tuple[Path, Path]) -> None:
    reader = PdfReader(built[0])
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
