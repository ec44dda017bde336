"""The platform HTML of :mod:`solver.lms.feedback` as elements of an XML vocabulary that
embeds XHTML (QTI 2.1's item body and feedback).

The feedback printers write HTML for Moodle (``<br>``, ``<img …>`` unclosed, presentational
attributes such as ``border``); QTI 2.1 takes a strict subset of XHTML in its own namespace.
:func:`elements` parses the HTML with the standard library's parser and rebuilds it as
elements of that namespace, keeping only the tags and attributes the subset has: an
unknown tag is an error (a printer changed; the schema test would say so later and less
clearly), a presentational attribute is dropped. Two placeholders become interactions:
``<input name="ID">`` a one-line entry and ``<textarea name="ID">`` a text box, made by
the caller's ``interaction`` hook.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

# The XHTML subset QTI 2.1 takes, and the attributes kept on each (besides none).
TAGS = {
    "p": (), "div": (), "span": (), "strong": (), "em": (), "b": (), "i": (), "code": (),
    "pre": (), "sub": (), "sup": (), "br": (), "h3": (), "h4": (), "h5": (), "ul": (),
    "ol": (), "li": (), "table": ("summary",), "caption": (), "thead": (), "tbody": (),
    "tr": (), "th": ("colspan", "rowspan", "scope"), "td": ("colspan", "rowspan"),
    "img": ("src", "alt", "width", "height"),
}
VOID = {"br", "img", "input"}
PLACEHOLDERS = {"input", "textarea"}

Interaction = Callable[[str, str], ET.Element]  # (placeholder tag, name) -> element


class _Builder(HTMLParser):
    def __init__(self, namespace: str, interaction: Interaction | None) -> None:
        super().__init__(convert_charrefs=True)
        self.ns = f"{{{namespace}}}"
        self.interaction = interaction
        self.root = ET.Element("root")
        self.stack = [self.root]

    def _append_text(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        if tag in PLACEHOLDERS:
            if self.interaction is None or "name" not in given:
                raise ValueError(f"<{tag}> without a name or an interaction to make")
            element = self.interaction(tag, given["name"])
            self.stack[-1].append(element)
            if tag == "textarea":
                self.stack.append(element)  # its (empty) content is dropped on close
            return
        if tag not in TAGS:
            raise ValueError(f"<{tag}> is not in QTI's XHTML subset")
        if tag == "tr" and self.stack[-1].tag == self.ns + "table":  # HTML's implied tbody
            self.stack.append(ET.SubElement(self.stack[-1], self.ns + "tbody"))
        kept = {name: given[name] for name in TAGS[tag] if name in given}
        if tag == "img":
            kept.setdefault("alt", "")
        element = ET.SubElement(self.stack[-1], self.ns + tag, kept)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if len(self.stack) < 2:
            raise ValueError(f"</{tag}> closes nothing")
        if tag == "table" and self.stack[-1].tag == self.ns + "tbody":
            self.stack.pop()  # the implied tbody
        closed = self.stack.pop()
        if tag == "textarea":
            closed.text = None
            for child in list(closed):
                closed.remove(child)
        elif closed.tag != self.ns + tag:
            raise ValueError(f"</{tag}> closes <{closed.tag.split('}')[-1]}>")

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag.endswith("Interaction"):
            return
        self._append_text(data)


def elements(html: str, namespace: str,
             interaction: Interaction | None = None) -> tuple[str, list[ET.Element]]:
    """The leading text and the elements of an HTML fragment, in ``namespace``."""
    builder = _Builder(namespace, interaction)
    builder.feed(html)
    builder.close()
    if len(builder.stack) != 1:
        raise ValueError(f"<{builder.stack[-1].tag.split('}')[-1]}> is not closed")
    return builder.root.text or "", list(builder.root)


def fill(parent: ET.Element, html: str, namespace: str,
         interaction: Interaction | None = None) -> ET.Element:
    """Append an HTML fragment's content to ``parent``; returns ``parent``."""
    lead, children = elements(html, namespace, interaction)
    if lead.strip():
        raise ValueError(f"text outside any block: {lead.strip()[:40]!r}")
    parent.extend(children)
    return parent


def indent(element: ET.Element, namespace: str, level: int = 0) -> None:
    """Indent the structure of a document, not its XHTML: whitespace added inside a
    paragraph or a ``pre`` would show (ElementTree's ``indent`` adds it everywhere)."""
    html = {f"{{{namespace}}}{tag}" for tag in TAGS}
    children = list(element)
    if not children or element.tag in html or (element.text or "").strip():
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in children:
        indent(child, namespace, level + 1)
        child.tail = inner
    children[-1].tail = "\n" + "  " * level
