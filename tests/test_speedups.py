"""The shortcuts: the WeasyPrint and pydyf patches (solver.sheet.speedups) change no page, are
written for the installed versions, never store a failed drawing and switch off with
SOLVER_SPEEDUPS=0; a failed formula fails the build; the process-level shortcuts
(solver.runtime) are safe."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from solver import runtime
from solver.model import BuildError, Figure, Series
from solver.registry import lookup
from solver.render import diskcache, html, mathsvg
from solver.sheet import speedups
from solver.sheet import typeset as ts
from tests.conftest import ROOT


def _document() -> str:
    """Two pages of formulas and figures (tagged boxes on each refer to their page)."""
    from solver.render.plots import svg as figure

    body = " ".join(str(mathsvg.img(latex)) for latex in
                    (r"\sigma(x) = \frac{1}{1 + e^{-x}}", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))",
                     r"\sigma(x) = \frac{1}{1 + e^{-x}}"))  # drawn twice: replayed once
    grid = Figure("a grid", grid=((1.0, -2.0, 3.0), (0.0, 4.0, 5.0), (6.0, 7.0, -8.0)),
                  boxes=((0, 0, 2),))
    plot = Figure("a plot", series=(Series("$\\rho$", (0.0, 1.0), (1.0, 2.0)),))
    # The plot clips (matplotlib's axes): drawn twice, at places whose offsets round
    # differently, it must give the bytes it gives without the speedups.
    figures = "".join(html.Markup('<img alt="f" src="data:image/svg+xml;base64,{}">'
                                  '<div style="height: 13.37px"></div>').format(
        base64.b64encode(figure(step).encode()).decode()) for step in (grid, plot, plot))
    return (f'<html lang="en"><body><h2 data-running="Lecture 9 – Sigmoid">Lecture 9</h2>'
            f'<p>{body}</p><div style="break-before: page">{figures}</div></body></html>')


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The speedups installed, an empty disk cache, nothing remembered in memory."""
    monkeypatch.setenv("SOLVER_MATH_CACHE", str(tmp_path))
    ts.preload()
    monkeypatch.setattr(speedups, "_path_cache", {})
    monkeypatch.setattr(speedups, "_replays", {})
    return tmp_path


def test_speedups_are_written_for_the_installed_versions() -> None:
    import pydyf
    import weasyprint

    pins = {requirement.split("==")[0]: requirement.split("==")[1] for requirement in
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    for name, installed, written in (
        ("WeasyPrint", weasyprint.__version__, speedups.WEASYPRINT_VERSION),
        ("pydyf", pydyf.__version__, speedups.PYDYF_VERSION),
    ):
        assert installed == written, (
            f"{name} {installed} installed, solver/sheet/speedups/ written for {written}: "
            "update or remove it")
        assert pins[name.lower()] == written, f"pyproject.toml pins {name} {pins[name.lower()]}"


def test_speedups_write_the_same_pdf(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path cache and the image replay (recorded, then read back from disk) change no
    byte of the PDF. The formulas and a figure that does not clip are replayed; a figure
    that clips is drawn each time (its operators depend on where it stands)."""
    from weasyprint import images
    from weasyprint import svg as weasy_svg

    document = _document()
    recorded = ts.typeset(document)
    # Two formulas and the grid; the repeated formula has an entry of its own if it meets
    # other colours in force. The plot, which clips, has none.
    stored = sorted(fresh_cache.glob("*.ops"))
    assert len(stored) >= 3
    speedups._path_cache.clear()
    speedups._replays.clear()
    replayed = ts.typeset(document)  # every replayable image from the disk cache
    assert len(speedups._replays) == len(stored)
    with monkeypatch.context() as patch:
        path, draw = weasy_svg.TAGS["path"], images.SVGImage.draw
        assert path.solver_cached and draw.solver_cached
        patch.setitem(weasy_svg.TAGS, "path", path.original)
        patch.setattr(images.SVGImage, "draw", draw.original)
        patch.setattr(speedups, "install", lambda: None)
        plain = ts.typeset(document)
    assert recorded == replayed == plain


def test_switched_off_nothing_is_patched_and_each_switches_alone() -> None:
    code = (
        "import sys, zlib, pydyf\n"
        "from weasyprint import images, svg\n"
        "from solver.sheet import speedups\n"
        "speedups.install()\n"
        "print(getattr(svg.TAGS['path'], 'solver_cached', False),\n"
        "      getattr(images.SVGImage.draw, 'solver_cached', False),\n"
        "      pydyf.zlib is not zlib)\n"
    )
    seen = {}
    for value in ("0", "1", "replay", "paths,deflate"):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env={**os.environ, runtime.SWITCH: value}, timeout=300)
        assert result.returncode == 0, result.stderr
        seen[value] = result.stdout.split()
    assert seen == {"0": ["False"] * 3, "1": ["True"] * 3,
                    "replay": ["False", "True", "False"],
                    "paths,deflate": ["True", "False", "True"]}


def test_the_switch_reads_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.SWITCH, " replay , fast-exit ")
    assert [name for name in runtime.NAMES if runtime.enabled(name)] == ["replay", "fast-exit"]
    monkeypatch.delenv(runtime.SWITCH)
    assert all(runtime.enabled(name) for name in runtime.NAMES)
    with pytest.raises(ValueError, match="unknown speedup"):
        runtime.enabled("warp")


def _failing_svg(monkeypatch: pytest.MonkeyPatch, drawn: tuple[bytes, ...] = ()) -> list[int]:
    """Every SVG drawing fails halfway (after ``drawn`` operators): WeasyPrint logs it and
    goes on. The state is left balanced, as a WeasyPrint that restores it on an exception
    would. Returns the list of calls."""
    from weasyprint import svg as weasy_svg

    calls: list[int] = []

    def draw(self: Any, stream: Any, *args: Any) -> None:
        calls.append(1)
        stream.stream.extend(drawn)
        raise RuntimeError("injected failure")

    monkeypatch.setattr(weasy_svg.SVG, "draw", draw)
    return calls


def test_a_formula_that_fails_to_draw_fails_the_build(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """WeasyPrint logs a failed SVG and goes on: the build exits 1 naming the question,
    the previous PDF stays, and nothing of the failed drawings is stored."""
    from solver import cli

    target = tmp_path / "out" / "sheet.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF-previous")
    calls = _failing_svg(monkeypatch)
    assert cli.main(["pdf", "--only", "lecture.5", "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert calls, "the injected failure was never reached"
    title = lookup("lecture.5").meta.title
    assert re.fullmatch(
        rf"solver: build failed: Lecture 5 – {re.escape(title)}: WeasyPrint reported: "
        r"Failed to render SVG image \(a formula or figure\) \(and \d+ more errors\)",
        err.splitlines()[-1]), err
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in target.parent.iterdir()] == ["sheet.pdf"]
    assert not list(fresh_cache.glob("*.ops"))


def test_a_drawing_that_logged_an_error_is_never_stored(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drawing that failed halfway but left the graphics state balanced (plain
    operators, nothing open) is not recorded: the next build draws it again."""
    document = f'<html lang="en"><body><p>{mathsvg.img("x^2")}</p></body></html>'
    with monkeypatch.context() as patch:
        _failing_svg(patch, drawn=(b"0 0 m", b"1 1 l", b"S"))
        with pytest.raises(BuildError, match="Failed to render SVG image"):
            ts.typeset(document)
    assert not list(fresh_cache.glob("*.ops")) and not speedups._replays
    first = ts.typeset(document)
    assert len(list(fresh_cache.glob("*.ops"))) == 1
    speedups._replays.clear()
    assert ts.typeset(document) == first  # replayed from disk: the whole drawing


@pytest.mark.parametrize("entry", [
    b"[null, null, null, null]\nBT /F1 12 Tf (x) Tj ET",  # text: a font to register
    b"[null, null, null, null]\n/x1 Do",  # an XObject
    b"[null, null, null, null]\n/s9 gs",  # a graphics state other than an alpha
    b"[null, null, null, null]\nq\n0 0 m\n1 1 l\nS",  # a state saved and never restored
    b"[null, null, null, null]\nQ\n0 0 m\nq",  # restored before it was saved
    b"[[1, 2], null, null, null]\n0 0 m",  # a colour that is not a colour
    b"not json\n0 0 m",
])
def test_foreign_replay_entries_are_drawn_again(fresh_cache: Path, entry: bytes) -> None:
    """Only plain path, colour and alpha operators, their states balanced, are replayed
    from the disk cache: any other entry reads as missing, the image is drawn and the
    entry written anew."""
    document = f'<html lang="en"><body><p>{mathsvg.img("x^2")}</p></body></html>'
    plain = ts.typeset(document)
    (stored,) = fresh_cache.glob("*.ops")
    key = stored.name.removesuffix(".ops")
    diskcache.store(key, ".ops", entry)
    speedups._replays.clear()
    assert speedups._stored(key) is None
    assert ts.typeset(document) == plain
    assert speedups._stored(key) is not None  # rewritten intact


def test_replays_are_keyed_by_the_code_that_drew_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another WeasyPrint (its version, or one changed line of its SVG drawing) reads
    none of the replays recorded by this one."""
    import weasyprint

    installed = Path(weasyprint.__file__).parent
    copy = tmp_path / "weasyprint"
    for part in speedups._DRAWING_CODE["weasyprint"]:
        source = installed / part
        files = sorted(source.rglob("*.py")) if source.is_dir() else [source]
        for file in files:
            (copy / file.relative_to(installed)).parent.mkdir(parents=True, exist_ok=True)
            (copy / file.relative_to(installed)).write_bytes(file.read_bytes())

    def digest() -> str:
        speedups._drawing_code.cache_clear()
        return speedups._drawing_code()

    try:
        original = digest()
        monkeypatch.setattr(weasyprint, "__file__", str(copy / "__init__.py"))
        assert digest() == original  # the same code elsewhere
        with (copy / "svg" / "path.py").open("a") as out:
            out.write("\n# a local change\n")
        changed = digest()
        monkeypatch.setattr(weasyprint, "__version__", "71.0")
        assert len({original, changed, digest()}) == 3
    finally:
        monkeypatch.undo()
        speedups._drawing_code.cache_clear()


# --- solver.runtime: the process-level shortcuts ------------------------------------------


def test_collector_pause_nests_and_restores() -> None:
    import gc

    assert gc.isenabled()
    before = gc.get_freeze_count()
    with runtime.collector_paused():
        frozen = gc.get_freeze_count()
        assert not gc.isenabled() and frozen > before
        with runtime.collector_paused():  # inside a pause: changes nothing
            assert not gc.isenabled()
        assert not gc.isenabled() and gc.get_freeze_count() == frozen
    assert gc.isenabled() and gc.get_freeze_count() == before


_SGD = """
import sys, torch
from solver import runtime
assert "torch._dynamo" not in sys.modules, "torch imported torch._dynamo itself"
runtime.eager_torch()
w = torch.nn.Parameter(torch.ones(2))
optimiser = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for _ in range(2):
    optimiser.zero_grad()
    (w * w).sum().backward()
    optimiser.step()
print(type(sys.modules["torch._dynamo"]).__name__, w.tolist())
"""


@pytest.mark.slow  # two new processes that import torch
@pytest.mark.parametrize(("switch", "module"), [("1", "DynamoStandIn"), ("0", "module")])
def test_the_dynamo_stand_in_steps_sgd_without_the_real_module(switch: str, module: str) -> None:
    """torch.optim steps with the stand-in, the real torch._dynamo never imported, and the
    same numbers as without it (by hand: w = 1 − 0.1·2 = 0.8, then the momentum buffer
    0.9·2 + 1.6 = 3.4 and w = 0.8 − 0.34 = 0.46)."""
    result = subprocess.run([sys.executable, "-c", _SGD], capture_output=True, text=True,
                            env={**os.environ, runtime.SWITCH: switch}, timeout=300)
    assert result.returncode == 0, result.stderr
    name, values = result.stdout.split(" ", 1)
    assert name == module
    assert [round(v, 6) for v in eval(values)] == [0.46, 0.46]


def test_the_stand_in_defers_every_other_name_to_the_real_module() -> None:
    stand_in = runtime.DynamoStandIn("colorsys")
    assert stand_in.graph_break() is None

    def function() -> int:
        return 1

    assert stand_in.disable(function, recursive=False, wrapping=False) is function
    real = sys.modules.pop("colorsys", None)
    try:
        sys.modules["colorsys"] = stand_in
        assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)  # the real module
        assert sys.modules["colorsys"] is not stand_in
    finally:
        if real is not None:
            sys.modules["colorsys"] = real


@pytest.mark.slow
def test_a_fast_exit_leaves_nothing_behind(tmp_path: Path) -> None:
    """solver pdf ends with os._exit: its temporaries are gone all the same, in the
    temporary folder and beside the output."""
    temporary, out = tmp_path / "tmp", tmp_path / "out"
    temporary.mkdir()
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "solver", "pdf", "--only", "lecture.5", "--output",
         str(out / "x.pdf")], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "TMPDIR": str(temporary)})
    assert result.returncode == 0, result.stderr
    assert list(temporary.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["x.pdf"]


def _pages(path: Path) -> list[tuple[bytes, list[str]]]:
    """Each page's drawing (its content stream, inflated) and the names of its resources."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(path).pages:
        contents = page.get_contents()
        resources = page["/Resources"].get_object()
        names = sorted(f"{kind}{name}" for kind in resources
                       for name in getattr(resources[kind].get_object(), "keys", list)())
        pages.append((contents.get_data() if contents is not None else b"", names))
    return pages


@pytest.mark.slow
def test_switched_off_the_sheet_has_the_same_pages(sheet_pdf: Path, tmp_path: Path) -> None:
    """SOLVER_SPEEDUPS=0: every page draws the same operators with the same resources as
    the sheet built with the shortcuts (only the streams' deflated bytes differ)."""
    plain = tmp_path / "plain.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "solver", "pdf", "--output", str(plain)], capture_output=True,
        text=True, cwd=ROOT, timeout=600, env={**os.environ, runtime.SWITCH: "0"})
    assert result.returncode == 0, result.stderr
    shortcuts, without = _pages(sheet_pdf), _pages(plain)
    assert len(shortcuts) == len(without) > 40
    for number, (page, other) in enumerate(zip(shortcuts, without, strict=True), start=1):
        assert page == other, f"page {number} differs"
