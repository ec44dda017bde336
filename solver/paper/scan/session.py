"""One ``solver scan`` run: check every input, read the pages not read before (``jobs``
processes), then make every output again from all the pages read so far."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from solver.paper.scan import inputs
from solver.paper.scan.decide import options
from solver.paper.scan.groups import group_of
from solver.paper.scan.images import ScanPage, check_inputs, pages
from solver.paper.scan.store import Store

KEPT = "overrides.json"  # the decisions in force, kept beside the results


def _say(text: str) -> None:
    print(f"solver: {text}", file=sys.stderr, flush=True)


def scan(scans: list[str], booklets: str, seed: int, out: str, overrides_file: str | None,
         jobs: int) -> int:
    from solver.folders import check_folder
    from solver.paper.scan.collate import item_key

    files = check_inputs(scans)
    index = inputs.booklet_index(booklets, seed)
    layout = {(b["booklet"], p["page"]): p for b in index["booklets"] for p in b["pages"]}
    group_options: dict[str, tuple[str, ...]] = {}
    hand: dict[str, int] = {}
    for entry in index["booklets"]:
        members: dict[str, list[dict[str, Any]]] = {}
        for page in entry["pages"]:
            for box in page["boxes"]:
                members.setdefault(group_of(box), []).append(box)
        for name, boxes in members.items():
            group_options[f"{entry['booklet']}/{name}"] = options(tuple(boxes))
        for field in entry["fields"]:
            if field["field"] != "choice" and not field.get("working"):
                hand[item_key(entry["booklet"], field["question"], field["part"])] = \
                    field["points"]
    folder = check_folder(out)
    kept = folder / KEPT
    if overrides_file is None and kept.is_file():
        overrides_file = str(kept)  # the decisions of an earlier run stay in force
        _say(f"applying the decisions kept in {kept} (give --overrides to replace them)")
    overrides = inputs.overrides(overrides_file, group_options,
                                 {b["booklet"] for b in index["booklets"]}, hand)
    store = Store(folder)
    if overrides_file is not None and Path(overrides_file).resolve() != kept.resolve():
        store.write(KEPT, inputs.overrides_json(overrides))
    read, skipped = _read_new(files, store, index, layout, overrides, jobs)
    _say(f"read {read} page{'s' * (read != 1)} ({skipped} read before)")
    import shlex

    from solver.paper.scan.report import write_outputs

    command = shlex.join(["solver", "scan", "SCANS…", "--booklets", booklets, "--seed",
                          str(seed), "--out", out, "--overrides", "overrides.json"])
    write_outputs(store, index, overrides, seed, jobs, command.replace("'SCANS…'", "SCANS…"))
    return 0


def _pending(files: list[Path], store: Store, overrides: dict[str, Any]
             ) -> Iterator[tuple[ScanPage, tuple[int, int] | None] | None]:
    """The pages to read (None for one read before), each with the booklet and page a
    person named for it."""
    for path in files:
        data = path.read_bytes()
        known = store.file_pages(data)
        if known is not None and all(_done(store, sha, overrides) for sha in known):
            yield from [None] * len(known)  # a file read before: not decoded again
            continue
        shas = []
        for page in pages(path):
            shas.append(page.sha)
            named = overrides["pages"].get(page.sha)
            forced = (named["booklet"], named["page"]) if isinstance(named, dict) else None
            if _done(store, page.sha, overrides):
                yield None
                continue
            yield page, forced
        store.put_file_pages(data, shas)


def _done(store: Store, sha: str, overrides: dict[str, Any]) -> bool:
    """The page was read before, and no person has named it since (an unreadable code)."""
    if not store.has(sha):
        return False
    return not isinstance(overrides["pages"].get(sha), dict) or store.get(sha)["status"] == "read"


_JOB: dict[str, Any] = {}


def _read_one(job: tuple[ScanPage, tuple[int, int] | None]) -> dict[str, Any]:
    from solver.paper.scan.read import read_page

    page, forced = job
    store: Store = _JOB["store"]
    layout = _JOB["layout"]
    reading = read_page(page, _JOB["exam"], _JOB["seed"], lambda b, p: layout.get((b, p)),
                        store.save_crop, forced)
    return reading.as_json()


def _read_new(files: list[Path], store: Store, index: dict[str, Any],
              layout: dict[tuple[int, int], Any], overrides: dict[str, Any], jobs: int
              ) -> tuple[int, int]:
    import contextlib

    _JOB.update(store=store, layout=layout, exam=int(index["exam"]["id"], 16),
                seed=index["seed"])
    read = skipped = 0
    todo = _pending(files, store, overrides)
    with contextlib.ExitStack() as stack:
        if jobs <= 1:
            for job in todo:
                if job is None:
                    skipped += 1
                    continue
                store.put(_read_one(job))
                read += 1
        else:
            from solver.workers import quiet_pool

            pool = stack.enter_context(quiet_pool(jobs))
            batch: list[tuple[ScanPage, tuple[int, int] | None]] = []
            for job in todo:
                if job is None:
                    skipped += 1
                    continue
                batch.append(job)
                if len(batch) >= 4 * jobs:  # a few pages in flight: memory stays flat
                    read += _drain(pool, batch, store)
            read += _drain(pool, batch, store)
    return read, skipped


def _drain(pool: Any, batch: list[tuple[ScanPage, tuple[int, int] | None]],
           store: Store) -> int:
    for reading in pool.imap(_read_one, batch):
        store.put(reading)
    done = len(batch)
    batch.clear()
    return done
