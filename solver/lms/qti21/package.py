"""The QTI 2.1 content package, made variant by variant and streamed: each item written
(:mod:`.export`), guarded against leaks, read back and graded (:mod:`.check`), then its
figures (once each) and the item go into the zip; each variant's test after its items;
the manifest last."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from solver.lms.package import Resource, ZipStream, manifest, resource_id, variant_plans
from solver.lms.qti21.check import verify
from solver.lms.qti21.export import ItemWriter, guard, item_path, test_xml

ITEM_TYPE, TEST_TYPE = "imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1"
SCHEMA = ("QTIv2.1 Package", "1.0.0")


def package(exam: Any, seed: int, count: int, chosen: list[Any],
            progress: Callable[[str], None]) -> Iterator[bytes]:
    """The package's bytes as they are made (SelfCheckError if a check fails)."""
    from solver.estimate import Remaining

    stream, resources, written = ZipStream(), [], set()
    remaining = Remaining(count)
    sections = [(s.prefix, s.name) for s in exam.sections]
    for plans in variant_plans(seed, count, chosen):
        number = plans[0].variant
        for planned in plans:
            writer = ItemWriter(planned)
            data = writer.write()
            guard(planned, data)
            verify(data, planned, set(writer.media))
            for path, blob in sorted(writer.media.items()):
                if path not in written:
                    written.add(path)
                    yield stream.add(path, blob)
            yield stream.add(item_path(planned.idnumber), data)
            resources.append(Resource(resource_id(planned.idnumber), ITEM_TYPE,
                                      item_path(planned.idnumber), sorted(writer.media)))
        grouped = [(prefix, name, [p.idnumber for p in plans if p.question.section == prefix])
                   for prefix, name in sections]
        grouped = [group for group in grouped if group[2]]
        test = test_xml(exam.title, number, grouped, lambda i: "../" + item_path(i))
        yield stream.add(f"tests/variant-{number}.xml", test)
        resources.append(Resource(resource_id(f"variant-{number}"), TEST_TYPE,
                                  f"tests/variant-{number}.xml",
                                  dependencies=[resource_id(p.idnumber) for p in plans]))
        progress(f"variant {number}: {len(plans)} items written and read back "
                 f"{remaining.step()}")
    yield stream.add("imsmanifest.xml", manifest("solver-qti21", resources, SCHEMA))
    yield stream.close()
