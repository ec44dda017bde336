"""The practice site without a browser: its variants, its pages' bounds and escaping, the
leak guard on every page, and the command's inputs and output folder (the browser tests
are in test_site_browser.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from solver.model import SelfCheckError
from solver.registry import exam, lookup
from solver.site import build, pages
from solver.site.build import site_files
from solver.site.draws import practice_seed, practice_variants
from solver.site.place import MARKER, write_site
from solver.variants.seeded import question_draws
from tests.conftest import run_cli


def _files(*questions: str, seed: int = 3, count: int = 3) -> dict[str, bytes]:
    return dict(site_files(exam(), seed, count, [lookup(q).meta for q in questions]))


def _key(data: bytes) -> dict[str, object]:
    text = data.decode("utf-8")
    assert text.startswith("window.solverKey = ") and text.endswith(";\n")
    found: dict[str, object] = json.loads(text[len("window.solverKey = "):-2])
    return found


def test_the_first_variant_is_the_exams_own_version() -> None:
    """The exam prints y = 1.0 throughout and ρ = 0.95, and asks for S_2 and Ŝ_2: by hand,
    S_1 = 0.05, S_2 = 0.95 · 0.05 + 0.05 = 0.0975, and Ŝ_2 = 0.0975 / (1 − 0.9025) = 1."""
    key = _key(_files("lecture.5")["lecture.5/1.key.js"])
    values = [Fraction(gap["value"]) for gap in key["gaps"]]  # type: ignore[index, union-attr]
    assert values == [Fraction("0.0975"), 1]


def test_a_site_never_shows_a_class_s_variants() -> None:
    """The site's draws come from a seed of their own: the same --seed gives a class's
    variants other parameters."""
    question = lookup("lecture.5").meta
    for seed in (0, 1, 2024):
        assert practice_seed(seed) != seed
        site = [json.dumps(s.params, sort_keys=True)
                for s in practice_variants(seed, 6, question)[1:]]
        klass = {json.dumps(s.params, sort_keys=True) for s in question_draws(seed, question, 30)}
        assert site and not set(site) & klass


@pytest.mark.slow  # solves a lab's versions (torch)
def test_versions_are_distinct_and_a_question_that_never_changes_has_one_page() -> None:
    lab = practice_variants(1, 30, lookup("lab.3").meta)
    assert len(lab) == 4  # dilation 1, 2 × cross-correlation or convolution
    assert len({json.dumps(s.params, sort_keys=True) for s in lab}) == 4
    explain = lookup("lecture.6").meta
    from solver.variants.seeded import varies

    if not varies(explain):
        assert len(practice_variants(1, 30, explain)) == 1


def test_every_page_passes_the_leak_guard_and_a_planted_answer_fails_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files("lecture.5", "paper.3")
    assert {"index.html", "lecture.5/1.html", "lecture.5/3.key.js", "paper.3/2.html",
            "site.js", "site.css"} <= set(files)
    real = pages.page_html

    def with_the_answer(*args: object, **kwargs: object) -> str:
        html = real(*args, **kwargs)  # type: ignore[arg-type]
        solution = practice_variants(3, 3, lookup("lecture.5").meta)[1]
        return html.replace("</main>", f"<p>{solution.parts[1].text}</p></main>")

    monkeypatch.setattr(build, "page_html", with_the_answer)
    with pytest.raises(SelfCheckError, match=r"leak guard: practice page lecture\.5/\d\.html"):
        _files("lecture.5")


def test_a_page_over_the_bound_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "MAX_PAGE_BYTES", 2000)
    with pytest.raises(SelfCheckError, match=r"page size: lecture\.5/1\.html is [\d,]+ bytes"):
        _files("lecture.5")


def test_markup_in_the_words_is_text_and_the_key_is_json_only() -> None:
    script = pages.key_script({"steps": ["</script><script>alert(1)</script>\u2028"]})
    assert "<" not in script and "\u2028" not in script
    assert json.loads(script[len("window.solverKey = "):-2])["steps"][0].startswith("</script>")
    from solver.site.content import label_html

    assert str(label_html("Y_<script>")) == "Y_&lt;script&gt;"
    assert str(label_html("S_t<i>")) == "S<sub>t</sub>&lt;i&gt;"
    policy = pages.POLICY
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
        "script-src")[1].split(";")[0]
    assert "default-src 'none'" in policy


def test_formulas_are_files_shared_by_the_pages() -> None:
    files = _files("lecture.5")
    html = files["lecture.5/2.html"].decode()
    assert "data:image" not in html and "src=\"../media/" in html
    for data in files.values():
        assert b"data:image" not in data
    media = [name for name in files if name.startswith("media/")]
    assert media and all(b"<svg" in files[name][:400] for name in media)


def test_same_seed_same_bytes() -> None:
    assert _files("lecture.5", "paper.3") == _files("lecture.5", "paper.3")


def _failing(files: Iterator[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
    for number, item in enumerate(files):
        if number == 3:
            raise SelfCheckError("planted failure")
        yield item


def test_a_failed_build_leaves_the_earlier_site_and_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    first = _files("lecture.5", count=2)
    write_site(folder, iter(first.items()))
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(SelfCheckError, match="planted failure"):
        write_site(folder, _failing(iter(_files("paper.3").items())))
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    write_site(folder, iter(_files("paper.3", count=2).items()))  # a new site replaces it
    assert not (folder / "lecture.5").exists() and (folder / "paper.3" / "2.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_that_is_not_a_site_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    result = run_cli("site", "--seed", "1", "--count", "2", "--out", str(folder),
                     "--only", "paper.3")
    assert result.returncode == 2 and "'mine.txt', which is not a file of a practice site" \
        in result.stderr
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]
    (folder / MARKER).write_text("")  # a mark alone does not make a folder a site
    result = run_cli("site", "--seed", "1", "--count", "2", "--out", str(folder))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == [MARKER, "mine.txt"]


def test_an_earlier_site_with_a_file_added_is_refused_even_during_the_build(
        tmp_path: Path) -> None:
    from solver.model import InputError
    from solver.site.place import check_destination

    folder = tmp_path / "site"
    write_site(folder, iter(_files("paper.3", count=2).items()))
    check_destination(folder)  # an earlier site, whole
    (folder / "paper.3" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"paper\.3/notes\.txt', which is not a file"):
        check_destination(folder)
    (folder / "paper.3" / "notes.txt").unlink()

    def adding(files: Iterator[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        for number, item in enumerate(files):
            if number == 2:
                (folder / "added.txt").write_text("written while the site was built")
            yield item

    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(InputError, match=r"added\.txt"):
        write_site(folder, adding(iter(_files("lecture.5", count=2).items())))
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after.pop(Path("added.txt")) and after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_killed_build_s_temporary_is_swept(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    stale = tmp_path / ".site.abcdefgh.tmp"  # as a killed build leaves it: unlocked
    (stale / "paper.3").mkdir(parents=True)
    (stale / "lock").write_text("")
    write_site(folder, iter(_files("paper.3", count=1).items()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_out_that_cannot_be_swapped_is_refused_before_the_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, iter(_files("paper.3", count=1).items()))
    result = run_cli("site", "--seed", "1", "--count", "1", "--out", ".", cwd=site)
    assert result.returncode == 2 and "holds the current folder" in result.stderr
    long = "x" * 242
    result = run_cli("site", "--seed", "1", "--count", "1", "--out", str(tmp_path / long))
    assert result.returncode == 2 and "too long" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.slow
def test_the_command_builds_and_rebuilds_a_site(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    argv = ["site", "--seed", "4", "--count", "3", "--out", str(folder), "--only", "lecture.5",
            "paper.3", "lab.1"]
    result = run_cli(*argv)
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert Path("lab.1/3.html") in first and Path("index.html") in first
    result = run_cli(*argv)
    assert result.returncode == 0, result.stderr
    again = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert again == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.slow
def test_a_stop_signal_at_the_swap_leaves_one_whole_site_and_nothing_else(
        tmp_path: Path) -> None:
    """SIGTERM sent while the new site replaces the earlier one: the swap and the removal
    of the earlier site finish first (the signal waits), so --out holds the new site
    whole and nothing is left beside it; the command still reports the stop."""
    import subprocess
    import sys

    folder = tmp_path / "site"
    assert run_cli("site", "--seed", "1", "--count", "2", "--out", str(folder),
                   "--only", "paper.3").returncode == 0
    script = (
        "import os, signal, sys, threading, time\n"
        # a thread of its own, as numpy's BLAS workers are: a process-directed signal may
        # reach it, and Python runs the handler in the main thread whatever it blocks
        "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
        "from solver.site import place\n"
        "real = place._exchange\n"
        "def stopped(first, second):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(first, second)\n"
        "place._exchange = stopped\n"
        "from solver.cli import main\n"
        f"sys.exit(main(['site', '--seed', '1', '--count', '2', '--out', {str(folder)!r}, "
        "'--only', 'lecture.5']))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 143 and "terminated" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (folder / "lecture.5" / "2.html").is_file() and not (folder / "paper.3").exists()
    from solver.site.place import check_destination

    check_destination(folder)  # the mark lists exactly what is there


def test_a_mark_that_is_a_pipe_or_too_large_is_no_site_s_mark(tmp_path: Path) -> None:
    """Read without waiting and never whole: a folder whose mark is a pipe, or a file
    larger than any site's mark, is refused at once as not a site."""
    import os

    from solver.model import InputError
    from solver.site import place

    folder = tmp_path / "out"
    folder.mkdir()
    os.mkfifo(folder / MARKER)
    (folder / "index.html").write_text("")
    with pytest.raises(InputError, match="not a file of a practice site"):
        place.check_destination(folder)
    (folder / MARKER).unlink()
    with open(folder / MARKER, "wb") as mark:
        mark.write(place.marker(["index.html"]))
        mark.truncate(place.MAX_MARK_BYTES + 10)
    with pytest.raises(InputError, match="not a file of a practice site"):
        place.check_destination(folder)


def test_a_folder_that_cannot_be_read_is_refused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A sub-folder the build cannot list might hide a student's file: refused, not
    skipped (as root no permission stops a walk, so the walk's error is planted)."""
    from solver.model import InputError
    from solver.site import place

    folder = tmp_path / "site"
    write_site(folder, iter(_files("paper.3", count=1).items()))
    real = place.os.walk

    def walk(top: str, onerror: object = None) -> object:
        error = PermissionError(13, "Permission denied", str(folder / "paper.3"))
        onerror(error)  # type: ignore[operator]
        return real(top)

    monkeypatch.setattr(place.os, "walk", walk)
    with pytest.raises(InputError, match=r"cannot read .*paper\.3.* \(Permission denied\)"):
        place.check_destination(folder)
