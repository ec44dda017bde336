"""What a zipped content package needs, for any target that writes one (QTI 2.1, Canvas):
the bank's plan variant by variant, a zip written as it is made, figures as package files
named by their content, and the IMS content-packaging manifest.

A package is made variant by variant (:func:`variant_plans`): each question's variants are
drawn one at a time (:func:`solver.variants.seeded.each_solution`), so memory holds one
variant of every question, whatever ``--count`` is, and the zip's bytes leave as soon as
an entry is written (:class:`ZipStream`). The same plan always gives the same bytes: every
entry carries one fixed date and mode.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from solver.lms.plan import Planned, planned

CP_NAMESPACE = "http://www.imsglobal.org/xsd/imscp_v1p1"
MEDIA = "media"  # the package folder of the figures
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's first date: no build time in the bytes


def variant_plans(seed: int, count: int, chosen: list[Any]) -> Iterator[list[Planned]]:
    """Variants 1..count, each as the plan of its questions in the exam's order."""
    from solver.variants.seeded import each_solution

    solvers = [(question, each_solution(seed, question)) for question in chosen]
    for number in range(1, count + 1):
        yield [planned(question, next(solutions), number) for question, solutions in solvers]


class _Sink:
    """A write-only file for zipfile that keeps what is written until it is taken (zipfile
    writes data descriptors to a stream it cannot seek)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


class ZipStream:
    """A zip archive made entry by entry: :meth:`add` returns the bytes ready to write,
    :meth:`close` the central directory."""

    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(cast(Any, self._sink), "w")
        self.names: set[str] = set()

    def add(self, name: str, data: bytes) -> bytes:
        if name in self.names:
            raise ValueError(f"{name} is already in the package")
        self.names.add(name)
        info = zipfile.ZipInfo(name, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data, compresslevel=6)
        return self._sink.take()

    def close(self) -> bytes:
        self._zip.close()
        return self._sink.take()


def media_name(data: bytes, suffix: str = ".svg") -> str:
    """A figure's package path, named by its content: a figure shared by many variants
    is one file."""
    return f"{MEDIA}/{hashlib.sha256(data).hexdigest()[:20]}{suffix}"


@dataclass
class Resource:
    """One manifest resource: its identifier, type, main file, the files it uses and the
    resources it depends on."""

    identifier: str
    type: str
    href: str
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


def manifest(identifier: str, resources: list[Resource], schema: tuple[str, str]) -> bytes:
    """``imsmanifest.xml`` (IMS Content Packaging 1.1) listing ``resources``."""
    ET.register_namespace("", CP_NAMESPACE)
    ns = f"{{{CP_NAMESPACE}}}"
    root = ET.Element(f"{ns}manifest", identifier=identifier)
    metadata = ET.SubElement(root, f"{ns}metadata")
    ET.SubElement(metadata, f"{ns}schema").text = schema[0]
    ET.SubElement(metadata, f"{ns}schemaversion").text = schema[1]
    ET.SubElement(root, f"{ns}organizations")
    listed = ET.SubElement(root, f"{ns}resources")
    for resource in resources:
        element = ET.SubElement(listed, f"{ns}resource", identifier=resource.identifier,
                                type=resource.type, href=resource.href)
        for name in [resource.href, *resource.files]:
            ET.SubElement(element, f"{ns}file", href=name)
        for other in resource.dependencies:
            ET.SubElement(element, f"{ns}dependency", identifierref=other)
    ET.indent(root)
    text: bytes = ET.tostring(root, "utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text


def resource_id(name: str) -> str:
    """A manifest identifier (an XML ID: letters, digits, '.', '-', '_') for a name."""
    return "RES-" + "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)
