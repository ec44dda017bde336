"""``solver export qti21`` and ``solver export canvas``: the zipped packages of the class
variants, validated against the IMS schemas, read back with lxml, and their read-back
checks shown to fail on a tampered item.

The schemas are the IMS files in ``../shared/qti/schemas`` beside the repository (or
``QTI_SCHEMAS``); on a clone without them the schema tests say that they could not run and
why. Expected values come from the exam (lecture 5's S₃ and Ŝ₃ as it prints them) and from
the policy the README states, not from the writers.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from solver.lms.canvas import check as canvas_check
from solver.lms.canvas.package import package as canvas_package
from solver.lms.plan import planned
from solver.lms.qti21 import check as qti_check
from solver.lms.qti21.export import ItemWriter
from solver.lms.qti21.package import package as qti_package
from solver.model import SelfCheckError
from solver.registry import chosen, exam
from solver.variants.seeded import exam_version
from tests.conftest import ROOT

SEED, COUNT = 1, 3
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
Package = Callable[[Any, int, int, list[Any], Callable[[str], None]], Iterator[bytes]]


def _zip(package: Package, count: int = COUNT, only: list[str] | None = None) -> bytes:
    return b"".join(package(exam(), SEED, count, chosen(only), lambda _: None))


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def qti() -> dict[str, bytes]:
    return _files(_zip(qti_package))


@pytest.fixture(scope="module")
def canvas() -> dict[str, bytes]:
    return _files(_zip(canvas_package))


def _schemas() -> Path:
    """The IMS schemas, or a skip that says why the test could not run."""
    given = os.environ.get("QTI_SCHEMAS")
    # Beside the repository (../shared), or where this workplace keeps it for a clone
    # elsewhere (CI clones into a temporary folder).
    places = [Path(given)] if given else [
        *(folder / "shared" / "qti" / "schemas" for folder in ROOT.resolve().parents),
        Path("/work/shared/qti/schemas")]
    for place in places:
        if (place / "qtiv2p1" / "imsqti_v2p1.xsd").is_file():
            return place
    pytest.skip("could not run: the IMS QTI schemas are not here (../shared/qti/schemas "
                "beside the repository, or QTI_SCHEMAS); the IMS licence keeps them out of "
                "the repository")


def _parse(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


@pytest.mark.slow
def test_qti21_package_is_valid_against_the_ims_schemas(qti: dict[str, bytes]) -> None:
    schemas = _schemas()
    items = etree.XMLSchema(etree.parse(str(schemas / "qtiv2p1" / "imsqti_v2p1.xsd")))
    manifest = etree.XMLSchema(etree.parse(str(schemas / "imscp_v1p1.xsd")))
    xml = {name: data for name, data in qti.items() if name.endswith(".xml")}
    assert len(xml) == 30 * COUNT + COUNT + 1
    for name, data in xml.items():
        schema = manifest if name == "imsmanifest.xml" else items
        assert schema.validate(_parse(data)), f"{name}: {schema.error_log.last_error}"


@pytest.mark.slow
def test_canvas_package_is_valid_against_the_qti_dtd_and_cp_schema(
        canvas: dict[str, bytes]) -> None:
    schemas = _schemas()
    dtd = etree.DTD(str(schemas / "ims_qtiasiv1p2p1.dtd"))
    manifest = etree.XMLSchema(etree.parse(str(schemas / "imscp_v1p1.xsd")))
    assert manifest.validate(_parse(canvas["imsmanifest.xml"])), manifest.error_log
    quizzes = [name for name in canvas if re.fullmatch(r"variant-\d+\.xml", name)]
    assert len(quizzes) == COUNT
    for name in quizzes:
        # The DTD predates namespaces: validate a copy without the declaration, as Canvas's
        # own exports are checked.
        text = canvas[name].replace(b' xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"', b"")
        assert dtd.validate(_parse(text)), f"{name}: {dtd.error_log.last_error}"


@pytest.mark.slow
def test_qti21_manifest_lists_every_file_and_one_test_per_variant(
        qti: dict[str, bytes]) -> None:
    root = _parse(qti["imsmanifest.xml"])
    resources = root.findall(f"{CP}resources/{CP}resource")
    listed = {f.get("href") for r in resources for f in r.findall(f"{CP}file")}
    assert listed == set(qti) - {"imsmanifest.xml"}
    tests = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
    assert len(tests) == COUNT
    for number, resource in enumerate(tests, start=1):
        test = _parse(qti[resource.get("href")])
        refs = [ref.get("identifier") for ref in test.iter(f"{QTI}assessmentItemRef")]
        assert refs == [f"{q}-v{number}" for q in exam().questions]
        titles = [s.get("title") for s in test.iter(f"{QTI}assessmentSection")]
        assert titles == [section.name for section in exam().sections]
    media = {name for name in qti if name.startswith("media/")}
    shown = {source.decode()[3:] for name, data in qti.items() if name.startswith("items/")
             for source in re.findall(rb'<img src="([^"]+)"', data)}
    assert media and shown == media  # each figure once, named by its content


@pytest.mark.slow
def test_qti21_scores_lecture_5_as_the_exam_gives_it(qti: dict[str, bytes]) -> None:
    """Variant 1's lecture 5 is redrawn; score the exam's own numbers through an item
    written for the exam's version (ρ = 0.95, y = 1, t = 2): S₂ = 0.0975 and Ŝ₂ = 1, two
    points each; the two explain parts are marked by hand."""
    question = exam().questions["lecture.5"]
    item = qti_check.Item(ItemWriter(planned(question, exam_version(question), 1)).write())
    assert item.score({"RESPONSE_1": 0.0975, "RESPONSE_2": 1.0}) == 4
    assert item.score({"RESPONSE_1": 0.0975, "RESPONSE_2": 1.002}) == 4  # within 0.5 %
    assert item.score({"RESPONSE_1": 0.0975, "RESPONSE_2": 1.2}) == 2
    assert item.score({"RESPONSE_1": None, "RESPONSE_2": 1.0}) == 2
    # S₂ typed for Ŝ₂ (no bias correction), y typed for S₂ (the average started at y):
    # a quarter of the value's 2 points each
    assert item.score({"RESPONSE_1": 0.0975, "RESPONSE_2": 0.0975}) == 2.5
    assert item.score({"RESPONSE_1": 1.0, "RESPONSE_2": 1.0}) == 2.5
    assert b"<textEntryInteraction" in qti["items/lecture.5-v1.xml"]


def _item(files: dict[str, bytes], name: str, old: str, new: str) -> bytes:
    data = files[name].decode()
    assert old in data, old
    return data.replace(old, new, 1).encode()


@pytest.mark.slow
def test_qti21_read_back_fails_a_tampered_item(qti: dict[str, bytes]) -> None:
    question = exam().questions["lecture.1"]
    item = qti["items/lecture.1-v1.xml"].decode()
    key = re.search(r"<correctResponse>\s*<value>(\d+)</value>", item)
    assert key is not None
    from solver.lms.package import variant_plans

    plan = next(variant_plans(SEED, 1, [question]))[0]
    assert qti_check.problems(item.encode(), plan, set()) == []
    wrong = str(int(key.group(1)) + 1)
    moved = item.replace(f'baseType="float">{key.group(1)}</baseValue>',
                         f'baseType="float">{wrong}</baseValue>')
    found = qti_check.problems(moved.encode(), plan, set())
    assert found[0] == f"all keys score 0, not {exam().questions['lecture.1'].total}"
    shuffled = _item(qti, "items/paper.1-v1.xml", 'shuffle="false"', 'shuffle="true"')
    paper = next(variant_plans(SEED, 1, [exam().questions["paper.1"]]))[0]
    assert qti_check.problems(shuffled, paper, set()) == ["not one unshuffled choice interaction"]


@pytest.mark.slow
def test_canvas_read_back_fails_float_drift_and_a_listed_wrong_path(
        canvas: dict[str, bytes]) -> None:
    from solver.lms.package import variant_plans

    plans = next(variant_plans(SEED, 1, chosen(None)))
    lecture5 = next(p for p in plans if p.question.id == "lecture.5")
    data = canvas["variant-1.xml"]
    assert canvas_check.problems(data, lecture5, {n for n in canvas if n.startswith("media/")}
                                 ) == []
    plan = lecture5.gaps[1]  # Ŝ: its window, then S (a named wrong path) listed too
    from solver.lms.qti21.export import window

    low, high = window(plan.exact, plan.tolerance)
    drift = data.decode().replace(f">{high}</varlte>", f">{float(high) - 1e-17!r}9</varlte>")
    assert canvas_check.problems(drift.encode(), lecture5, set())
    wrong = plan.wrong[0].value
    listed = data.decode().replace(f">{low}</vargte>", f">{min(Fraction(low), wrong) - 1}</vargte>"
                                   ).encode()
    assert canvas_check.problems(listed, lecture5, set())


@pytest.mark.slow
def test_canvas_numerical_bounds_are_the_key_plus_or_minus_the_tolerance(
        canvas: dict[str, bytes]) -> None:
    """Every numerical item's bounds straddle the key.json value by the README's policy:
    max(0.5 % of |x|, 10^-D) rounded up to two significant digits, 0 for a whole number in
    a question of whole numbers; written as short decimals (no float noise)."""
    key = json.loads(_key_json())
    root = _parse(canvas["variant-1.xml"])
    ns = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    bounds = {item.get("ident"): (item.findtext(f".//{ns}vargte"), item.findtext(f".//{ns}varlte"))
              for item in root.iter(f"{ns}item") if item.findtext(f".//{ns}vargte")}
    entry = key["variants"][0]["questions"]["lecture.5"]
    values = [Fraction(repr(entry["answer"][name])) for name in ("S", "S_hat")]
    places = max(4, 3 - _floor_log10(min(abs(v) for v in values if v.denominator != 1)))
    for number, value in enumerate(values, start=1):
        low, high = bounds[f"lecture.5-v1-{number}"]
        assert low is not None and high is not None
        assert abs((Fraction(high) + Fraction(low)) / 2 - value) < Fraction(1, 10**12)
        raw = max(abs(value) / 200, Fraction(1, 10**places))
        step = Fraction(10) ** (_floor_log10(raw) - 1)
        assert (Fraction(high) - Fraction(low)) / 2 == -(-raw // step) * step
        assert len(high) <= 24 and "e" not in high
    low, high = bounds["lecture.1-v1-1"]
    assert low == high == str(entry_total(key))


def _floor_log10(value: Fraction) -> int:
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    while Fraction(10) ** exponent > value:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= value:
        exponent += 1
    return exponent


def entry_total(key: dict[str, Any]) -> int:
    return int(key["variants"][0]["questions"]["lecture.1"]["answer"]["total"])


def _key_json() -> str:
    from solver.variants.seeded import key_json, solve_variants

    questions = chosen(["lecture.1", "lecture.5"])
    return key_json(SEED, 1, questions, solve_variants(SEED, 1, questions))


def test_same_seed_same_bytes() -> None:
    for package in (qti_package, canvas_package):
        first = _zip(package, 2, ["lecture.5", "paper.2"])
        assert first == _zip(package, 2, ["lecture.5", "paper.2"])
        names = zipfile.ZipFile(io.BytesIO(first)).namelist()
        assert names[-1] == "imsmanifest.xml" and len(names) == len(set(names))


def test_a_planted_answer_fails_both_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.lms import layout

    original = layout.rule

    def leaky(planned: Any) -> str:
        return original(planned) + f" {planned.gaps[0].exact}"

    monkeypatch.setattr(layout, "rule", leaky)
    for package, name in ((qti_package, "QTI item"), (canvas_package, "Canvas quiz item")):
        with pytest.raises(SelfCheckError, match=f"leak guard: {name} lecture.1-v1"):
            _zip(package, 1, ["lecture.1"])


def test_key_json_states_each_gap_with_its_tolerance_and_wrong_paths() -> None:
    """The exam's lecture 5: S₂ = 0.0975 and Ŝ₂ = 1, asked to 5 decimals (4 significant
    digits of 0.0975); S₂'s tolerance max(0.5 % × 0.0975, 10⁻⁵) = 0.0004875, rounded up to
    0.00049; Ŝ₂ without the bias correction (= S₂) is its named mistake, at 25 %."""
    from solver.variants.seeded import _with_gaps

    question = exam().questions["lecture.5"]
    entry = _with_gaps({}, question, exam_version(question), 1)
    gaps = {g["answer"]: g for g in entry["gaps"]}
    assert Fraction(gaps["S"]["value"]) == Fraction("0.0975")
    assert Fraction(gaps["S_hat"]["value"]) == 1
    assert gaps["S"]["places"] == 5 and Fraction(gaps["S"]["tolerance"]) == Fraction("0.00049")
    assert [(Fraction(w["value"]), Fraction(w["credit"])) for w in gaps["S_hat"]["wrong"]] == [
        (Fraction("0.0975"), Fraction(1, 4))]
    paper = exam().questions["paper.1"]
    assert _with_gaps({}, paper, exam_version(paper), 1) == {}


@pytest.mark.slow
def test_the_rounding_example_is_no_number_of_the_worked_solution() -> None:
    """Seed 2026's lecture 5 variant 697 has 2/3 among its steps: the rule's example must
    be another (the leak guard stopped every export of 1000 variants on it)."""
    from solver.lms import layout
    from solver.lms.package import variant_plans

    plans = variant_plans(2026, 697, [exam().questions["lecture.5"]])
    planned_697 = [plan for plan in plans][-1][0]
    assert "2/3" in " ".join(str(step) for step in planned_697.solution.steps)
    assert "(for example 5/7 as " in layout.rule(planned_697)
