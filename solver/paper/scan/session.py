"""One ``solver scan`` run: check every input, read the pages not read before (``jobs``
processes), then make every output again from all the pages read so far."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from solver.model import BuildError, InputError
from solver.paper.scan import inputs
from solver.paper.scan.decide import options
from solver.paper.scan.groups import group_of
from solver.paper.scan.images import check_inputs, pages
from solver.paper.scan.store import Store

KEPT = "overrides.json"  # the decisions in force, kept beside the results


def _say(text: str) -> None:
    print(f"solver: {text}", file=sys.stderr, flush=True)


def scan(scans: list[str], booklets: str, seed: int, out: str, overrides_file: str | None,
         jobs: int) -> int:
    from solver.folders import check_folder
    from solver.paper.scan.collate import item_key

    files = check_inputs(scans)
    index, index_sha = inputs.booklet_index(booklets, seed)
    layout = {(b["booklet"], p["page"]): {**p, "variant": b["variant"]}
              for b in index["booklets"] for p in b["pages"]}
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
    if folder.resolve() == Path(booklets).resolve():
        raise InputError(f"--out {out} is the booklets' folder: give a folder of its own")
    kept = folder / KEPT
    if overrides_file is None and kept.is_file():
        overrides_file = str(kept)  # the decisions of an earlier run stay in force
        _say(f"applying the decisions kept in {kept} (give --overrides to replace them)")
    overrides = inputs.overrides(overrides_file, group_options,
                                 {b["booklet"] for b in index["booklets"]}, hand)
    store = Store(folder)
    store.bind(index_sha)
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


def _done(store: Store, sha: str, overrides: dict[str, Any]) -> bool:
    """The page was read before, as the booklet and page a person names for it (a page
    whose code is unreadable), if one does."""
    if not store.has(sha):
        return False
    named = overrides["pages"].get(sha)
    if not isinstance(named, dict):
        return True
    stored = store.get(sha)
    return stored["status"] == "read" and (stored["booklet"], stored["page"]) == (
        named["booklet"], named["page"])


_JOB: dict[str, Any] = {}  # what every file's reading needs (a forked worker inherits it)


def _read_file(path: Path, digest: str) -> tuple[int, int]:
    """Every page of one file not read before, read and stored; (read, read before). A
    worker decodes its file itself: only a path crosses the pool's pipe, never a page's
    pixels (a full pipe would hang the pool's shutdown on a stop signal)."""
    from solver.paper.scan.read import read_page

    store: Store = _JOB["store"]
    overrides: dict[str, Any] = _JOB["overrides"]
    layout = _JOB["layout"]
    read = skipped = 0
    shas = []
    for page in pages(path):
        shas.append(page.sha)
        if _done(store, page.sha, overrides):
            skipped += 1
            continue
        named = overrides["pages"].get(page.sha)
        forced = (named["booklet"], named["page"]) if isinstance(named, dict) else None
        reading = read_page(page, _JOB["exam"], _JOB["seed"], lambda b, p: layout.get((b, p)),
                            store.save_crop, forced)
        store.put(reading.as_json())
        read += 1
    store.put_file_pages(digest, shas)
    return read, skipped


def _read_new(files: list[Path], store: Store, index: dict[str, Any],
              layout: dict[tuple[int, int], Any], overrides: dict[str, Any], jobs: int
              ) -> tuple[int, int]:
    """The files not read before (by their bytes: a file given twice is read once), each
    in one process of ``jobs``; (pages read, pages read before)."""

    _JOB.update(store=store, layout=layout, exam=int(index["exam"]["id"], 16),
                seed=index["seed"], overrides=overrides)
    read = skipped = 0
    todo: list[tuple[Path, str]] = []  # each file with the SHA-256 of its bytes
    seen: set[str] = set()
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        known = store.file_pages(digest)
        if known is not None and all(_done(store, sha, overrides) for sha in known):
            skipped += len(known)  # a file read before: not decoded again
        else:
            todo.append((path, digest))
    if jobs <= 1 or len(todo) <= 1:
        counts = [_read_file(path, digest) for path, digest in todo]
    else:
        counts = _in_processes(todo, jobs)
    return read + sum(c[0] for c in counts), skipped + sum(c[1] for c in counts)


def _in_processes(todo: list[tuple[Path, str]], jobs: int) -> list[tuple[int, int]]:
    """The files shared out among ``jobs`` forked processes, each with its own list and a
    pipe for its counts. No queue and no lock between them: a pool's shared task queue
    deadlocks its shutdown when a stop signal kills a worker waiting on the queue's lock;
    here the parent kills and reaps its workers whatever happens."""
    import multiprocessing
    import os

    from solver.workers import stop_signals_blocked

    context = multiprocessing.get_context("fork")
    workers = []
    try:
        with stop_signals_blocked():
            for k in range(min(jobs, len(todo))):
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(todo[k::jobs], writer,
                                                                os.getpid()))
                process.start()
                writer.close()
                workers.append((process, reader))
        counts = []
        for process, reader in workers:
            try:
                outcome = reader.recv()
            except EOFError:
                process.join()
                raise BuildError("a reading process ended with status "
                                 f"{process.exitcode}") from None
            if outcome[0] == "bad input":
                raise InputError(outcome[1])
            if outcome[0] != "done":
                raise BuildError(f"a reading process failed: {outcome[1]}")
            counts.append(outcome[1])
        return counts
    finally:
        for process, _ in workers:
            if process.is_alive() and process.exitcode is None:
                process.join(0.5)
            if process.is_alive():
                process.kill()
            process.join()


def _worker(files: list[tuple[Path, str]], pipe: Any, parent: int) -> None:
    from solver.workers import quiet_worker

    quiet_worker(parent)
    try:
        counts = [_read_file(path, digest) for path, digest in files]
        pipe.send(("done", (sum(c[0] for c in counts), sum(c[1] for c in counts))))
    except InputError as error:
        pipe.send(("bad input", str(error)))
    except Exception as error:  # the parent names it; nothing else here may print
        pipe.send(("failed", f"{type(error).__name__}: {error}"))
