"""What has been read so far, kept in the output folder so a batch can be scanned in parts
and an interrupted run resumed: one JSON file per page (named by the SHA-256 of its pixels,
so a page given twice is read once) and the crops beside them. Results are made from the
whole store every run: the same pages give the same bytes whatever the order or parts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from solver.output import write_atomically

PAGES = ".pages"
FILES = ".files"  # a scanned file's SHA-256 -> its pages' (decoding skipped on a re-run)
CROPS = "crops"
KEYS = ".keys"  # each variant's key, solved once (solver.paper.scan.keys)


class Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / PAGES).mkdir(parents=True, exist_ok=True)
        (folder / CROPS).mkdir(parents=True, exist_ok=True)
        (folder / FILES).mkdir(parents=True, exist_ok=True)

    def bind(self, index: str) -> None:
        """Tie the folder to the booklets its pages are read against (``index``: the
        SHA-256 of their booklets.json): readings of other booklets (a reprint, another
        class) must not be mixed in."""
        from solver.model import InputError

        mark = self.folder / ".booklets"
        if mark.is_file() and mark.read_text().strip() != index:
            raise InputError(f"--out {self.folder} holds the readings of other booklets "
                             "(their booklets.json differs): give another --out")
        if not mark.is_file():
            write_atomically(mark, f"{index}\n".encode())

    def has(self, sha: str) -> bool:
        return (self.folder / PAGES / f"{sha}.json").is_file()

    def get(self, sha: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / PAGES / f"{sha}.json").read_text())
        return data

    def put(self, reading: dict[str, Any]) -> None:
        write_atomically(self.folder / PAGES / f"{reading['sha']}.json",
                         json.dumps(reading, sort_keys=True, indent=0).encode())

    def file_pages(self, digest: str) -> list[str] | None:
        """The pages of a file read before (by the SHA-256 of its bytes), or None."""
        path = self.folder / FILES / f"{digest}.json"
        if not path.is_file():
            return None
        pages: list[str] = json.loads(path.read_text())
        return pages

    def put_file_pages(self, digest: str, pages: list[str]) -> None:
        write_atomically(self.folder / FILES / f"{digest}.json", json.dumps(pages).encode())

    def save_crop(self, name: str, data: bytes) -> None:
        write_atomically(self.folder / CROPS / name, data)

    def readings(self) -> list[dict[str, Any]]:
        """Every page read so far, in the order of their SHA-256 (not the scanning order)."""
        return [json.loads(path.read_text())
                for path in sorted((self.folder / PAGES).glob("*.json"))]

    def write(self, name: str, data: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
