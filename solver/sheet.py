"""The answer-sheet PDF: solve, render HTML through Jinja2, typeset with WeasyPrint.

Safe and reproducible: the URL fetcher serves only files under ``templates/`` (and
inline data: URIs), fonts come only from matplotlib's bundled TTFs through a private
fontconfig, the PDF has a fixed identifier and no dates, and it is written to a
temporary file that replaces the target only when complete.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from solver.model import BuildError, InputError, SelfCheckError, Solution
from solver.registry import entries, load
from solver.render.html import TEMPLATES, environment, fragment
from solver.seed import SEED

ROOT = TEMPLATES.parent
EXAM_TITLE = "Deep Learning: closed-book exam"
SECTION_NAMES = {"lab": "Lab assignments", "lecture": "Lectures", "paper": "Papers"}
PDF_IDENTIFIER = b"solver-answer-sheet"


__all__ = ["BuildError", "build_pdf", "sheet_html", "solve_and_render", "typeset"]


@dataclass
class Section:
    name: str
    points: int = 0
    count: int = 0
    fragments: list[Any] = field(default_factory=list)


def progress(message: str) -> None:
    print(f"solver: {message}", file=sys.stderr, flush=True)


def _solve_in_order(ids: list[str], position: dict[str, int]) -> list[Solution]:
    solutions = []
    for qid in ids:
        progress(f"[{position[qid]:>2}/{len(position)}] solving {qid}")
        module = load(qid)
        solution = module.solve(module.Params())
        failed = solution.failed_checks
        if failed:
            names = "; ".join(check.name for check in failed)
            raise SelfCheckError(f"self-check failed for {qid}: {names}")
        solutions.append(solution)
    return solutions


Rendered = tuple[Solution, Any]  # a solution and its HTML fragment


def _render(solutions: list[Solution]) -> list[Rendered]:
    out = []
    for solution in solutions:
        progress(f"rendering {solution.meta.id}")
        out.append((solution, fragment(solution)))
    return out


def solve_and_render(ids: list[str]) -> list[Rendered]:
    """Solve with the project's defaults and render each question's HTML fragment.

    The lab questions (torch) are solved in a second process while this one solves and
    renders the rest and loads the typesetter: the machine has two cores, and torch's
    import alone is a large share of the build.
    """
    position = {qid: index for index, qid in enumerate(ids, start=1)}
    labs = [qid for qid in ids if qid.startswith("lab.")]
    rest = [qid for qid in ids if not qid.startswith("lab.")]
    if not labs or not rest or (os.cpu_count() or 1) < 2:
        return _render(_solve_in_order(ids, position))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")  # nothing heavy is loaded yet
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pending = pool.submit(_solve_in_order, labs, position)
        done = {s.meta.id: (s, f) for s, f in _render(_solve_in_order(rest, position))}
        _preload_typesetter()
        done.update({s.meta.id: (s, f) for s, f in _render(pending.result())})
    return [done[qid] for qid in ids]


def _preload_typesetter() -> None:
    """Import what rendering needs while the other process is busy."""
    _fontconfig()
    import weasyprint  # noqa: F401

    from solver.render.plots import _pyplot

    _pyplot()


def sheet_html(rendered: list[Rendered]) -> str:
    """The whole sheet as one HTML document, from the questions' fragments."""
    from markupsafe import Markup
    from pygments.formatters import HtmlFormatter

    sections: dict[str, Section] = {}
    toc, readings = [], []
    solutions = [solution for solution, _ in rendered]
    for solution, html in rendered:
        meta = solution.meta
        section = sections.setdefault(meta.kind, Section(SECTION_NAMES[meta.kind]))
        section.points += meta.total
        section.count += 1
        section.fragments.append(html)
        toc.append({"anchor": meta.id.replace(".", "-"), "heading": meta.heading,
                    "title": meta.title, "points": meta.total})
        if solution.readings:
            readings.append({"heading": f"{meta.heading}: {meta.title}",
                             "notes": solution.readings})
    template = environment().get_template("sheet.html.j2")
    return str(template.render(
        title=EXAM_TITLE,
        sections=list(sections.values()),
        question_count=len(solutions),
        total_points=sum(s.points for s in sections.values()),
        check_count=sum(len(s.checks) for s in solutions),
        toc=toc,
        readings=readings,
        seed=SEED,
        pygments_css=Markup(HtmlFormatter().get_style_defs(".highlight")),
    ))


def _fontconfig() -> None:
    """Point fontconfig at matplotlib's bundled fonts only (before WeasyPrint loads Pango)."""
    import matplotlib

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    cache = Path(tempfile.gettempdir()) / "solver-fontconfig-cache"
    conf = cache / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{cache}</cachedir>\n</fontconfig>\n"
    )
    cache.mkdir(parents=True, exist_ok=True)
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)


def fetcher_class() -> type:
    """A WeasyPrint URL fetcher that serves templates/ files and data: URIs, nothing else."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class BlockedFetch(FatalURLFetchingError):  # type: ignore[misc]
        pass

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(TEMPLATES) and path.is_file():
                    mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            raise BlockedFetch(f"refused to fetch {url}: only templates/ assets are allowed")

    return AssetFetcher


def typeset(html: str) -> bytes:
    _fontconfig()
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    progress("typesetting the PDF")
    try:
        document = weasyprint.HTML(
            string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher_class()()
        )
        pdf: bytes = document.write_pdf(pdf_identifier=PDF_IDENTIFIER)
    except FatalURLFetchingError as error:
        raise BuildError(str(error)) from None
    return pdf


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed build never leaves half a PDF."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_output(output: str) -> Path:
    path = Path(output)
    if path.is_dir():
        raise InputError(f"--output {output} is a directory; give a file path ending in .pdf")
    if path.suffix.lower() != ".pdf":
        raise InputError(f"--output {output} must end in .pdf")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError(f"--output {output}: cannot write in {parent}")
    return path


def build_pdf(output: str, ids: list[str] | None = None) -> Path:
    import jinja2

    path = check_output(output)
    chosen = ids or list(entries())
    try:
        rendered = solve_and_render(chosen)
        html = sheet_html(rendered)
    except jinja2.TemplateError as error:
        raise BuildError(f"template error: {error}") from None
    pdf = typeset(html)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, pdf)
    progress(f"wrote {path} ({len(pdf) // 1024} KiB, {len(rendered)} questions)")
    return path
