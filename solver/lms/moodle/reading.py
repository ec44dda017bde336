"""Reading a Moodle XML bank back: the parsed tree and an element's text, shared by the
importer checks (``check``) and the marking replay (``replay``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from solver.lms.moodle.export import DECLARATION


def text_of(element: ET.Element | None, path: str = "text") -> str | None:
    found = None if element is None else element.find(path)
    return None if found is None else (found.text or "")


def parse(data: bytes) -> tuple[ET.Element | None, list[str]]:
    """The <quiz> root (None if the XML is not well-formed) and what is wrong with the
    declaration or the root."""
    found = []
    if not data.startswith(DECLARATION.encode("ascii")):
        found.append(f"line 1 is not the declaration {DECLARATION.strip()}")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return None, [*found, f"not well-formed XML: {error}"]
    if root.tag != "quiz":
        found.append(f"the root is <{root.tag}>, not <quiz>")
    return root, found
