"""The Canvas package (a QTI 1.2 zip, as Canvas's "QTI .zip file" import takes it), made
variant by variant and streamed: each variant's quiz written (:mod:`.export`), what
students see guarded against leaks, the quiz read back and graded (:mod:`.check`), then
its new figures and the quiz go into the zip; the manifest last."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from solver.lms.canvas.check import verify
from solver.lms.canvas.export import QuizWriter
from solver.lms.package import MEDIA, Resource, ZipStream, manifest, resource_id, variant_plans

QUIZ_TYPE = "imsqti_xmlv1p2"
SCHEMA = ("IMS Content", "1.1.3")


def package(exam: Any, seed: int, count: int, chosen: list[Any],
            progress: Callable[[str], None]) -> Iterator[bytes]:
    """The package's bytes as they are made (SelfCheckError if a check fails)."""
    from solver.estimate import Remaining
    from solver.guard import check

    stream, resources, written = ZipStream(), [], set()
    remaining = Remaining(count)
    for plans in variant_plans(seed, count, chosen):
        number = plans[0].variant
        quiz = QuizWriter(exam.title, number)
        for planned in plans:
            shown = "\n".join(quiz.add(planned))
            check(f"Canvas quiz item {planned.idnumber}",
                  [(planned.question, planned.solution, shown)])
        data = quiz.write()
        verify(data, plans, set(quiz.media))
        for path, blob in sorted(quiz.media.items()):
            if path not in written:
                written.add(path)
                yield stream.add(path, blob)
        name = f"variant-{number}.xml"
        yield stream.add(name, data)
        resources.append(Resource(resource_id(f"variant-{number}"), QUIZ_TYPE, name,
                                  dependencies=[resource_id(MEDIA)] if written else []))
        progress(f"variant {number}: a quiz of {len(plans)} questions written and read back "
                 f"{remaining.step()}")
    if written:
        resources.append(Resource(resource_id(MEDIA), "webcontent", sorted(written)[0],
                                  sorted(written)[1:]))
    yield stream.add("imsmanifest.xml", manifest("solver-canvas", resources, SCHEMA))
    yield stream.close()
