"""The scan's review and grading pages: sample items rendered into a folder as a scan writes
them (tiny PNG and JPEG crops beside the pages), read back as HTML, then used in Debian's
chromium from the file system by keyboard alone, the overrides file they build read back
and checked against what was decided and what the file held before."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from lxml import html as lxml_html

from solver.paper.scan import pages
from solver.paper.scan.pages import GradingEntry, PageIssue, ReviewItem
from tests.conftest import DESKTOP

SHOTS = Path("/tmp/paper")
HOSTILE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
SHA = [f"{n:x}" * 64 for n in (10, 11, 12)]
MARKS: dict[str, float] = {"5/lab.1/A": 2.5, "2/lecture.6/B": 1}
PREVIOUS: dict[str, Any] = {
    "format": "solver-overrides/1",
    "groups": {"3/paper.2": "D", "9/student.c1": "4"},
    "pages": {SHA[2]: "ignore"},
    "marks": MARKS,
}
GRADING = "grade-lab.1-A.html"


def _boxes(marks: list[str]) -> np.ndarray:
    """A strip of empty boxes as on a booklet, some filled ("x"), some faint ("."), white
    paper with a little grey noise."""
    size, gap = 36, 14
    image = np.full((size + 2 * gap, len(marks) * (size + gap) + gap), 250, np.uint8)
    for index, mark in enumerate(marks):
        x = gap + index * (size + gap)
        cv2.rectangle(image, (x, gap), (x + size, gap + size), 20, 2)
        if mark == "x":
            cv2.rectangle(image, (x + 5, gap + 5), (x + size - 5, gap + size - 5), 40, -1)
        elif mark == ".":
            cv2.rectangle(image, (x + 6, gap + 10), (x + size - 8, gap + size - 6), 200, -1)
    noise = np.random.default_rng(len(marks)).integers(0, 6, image.shape, dtype=np.uint8)
    return np.asarray(image - noise, dtype=np.uint8)


def _writing(text: str, seed: int) -> np.ndarray:
    """An answer area with a few lines of 'handwriting'."""
    rng = np.random.default_rng(seed)
    image = np.full((260, 720), 248, np.uint8)
    cv2.rectangle(image, (4, 4), (715, 255), 120, 1)
    for line in range(3):
        words = text if line == 0 else " ".join(rng.permutation(text.split()))
        cv2.putText(image, words, (20, 70 + 70 * line), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.1,
                    30, 2, cv2.LINE_AA)
    return image


def _save(path: Path, image: np.ndarray) -> None:
    ok, data = cv2.imencode(path.suffix, image)
    assert ok
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.tobytes())


def _items() -> list[ReviewItem]:
    digits = (*"0123456789", "blank")
    return [
        ReviewItem("7/paper.3", 7, "1234567 Ada Lovelace", "Paper 3",
                   "two marks where one is allowed", "crops/7-paper.3.png",
                   ("A", "B", "C", "D", "none"), None),
        ReviewItem("7/lecture.5.1.c2", 7, "1234567 Ada Lovelace",
                   "Lecture 5.1, column 2 of the digit grid",
                   "unclear mark (light, partly filled or erased)", "crops/7-lecture.5.1.c2.png",
                   digits, None),
        ReviewItem("8/lecture.5.1.sign", 8, "booklet 8", "Lecture 5.1, sign",
                   "unclear mark (light, partly filled or erased)",
                   "crops/8-lecture.5.1.sign.png", ("-", "+"), None),
        ReviewItem("9/student.c1", 9, f"Eve {HOSTILE}", "Student number, column 1",
                   "two marks where one is allowed", "crops/9-student.c1.png", digits, "4"),
        ReviewItem("3/paper.2", 3, "7654321 Alan Turing", "Paper 2",
                   "no mark, where one is needed", "crops/3-paper.2.png",
                   ("A", "B", "C", "D", "none"), "D"),
    ]


def _pages() -> list[PageIssue]:
    return [
        PageIssue(SHA[0], "scans/batch1.pdf, page 3", "page code unreadable",
                  "pages/a.png", True, None),
        PageIssue(SHA[1], "scans/batch1.pdf, page 9",
                  "no corner markers found (a blank or foreign page?)", "pages/b.png", False,
                  None),
        PageIssue(SHA[2], "scans/batch2.pdf, page 1",
                  "page seen twice: booklet 7 page 2 (also in batch1.pdf, page 4)",
                  "pages/c.png", False, "ignore"),
    ]


RUBRIC = {1: ("States that the bias is added once per output channel (1 pt).",
              "Gives 3·3·16·32 + 32 = 4640 parameters (1 pt)."),
          2: ("States that the bias is added once per output channel (1 pt).",
              "Gives 5·5·8·16 + 16 = 3216 parameters (1 pt).")}


def _entries() -> list[GradingEntry]:
    people = [(3, "7654321 Alan Turing", 1), (5, "1111111 Grace Hopper", 2),
              (7, "1234567 Ada Lovelace", 1), (8, "booklet 8", 2),
              (9, f"Eve {HOSTILE}", 1)]
    return [GradingEntry(f"{booklet}/lab.1/A", booklet, student, variant,
                         f"crops/{booklet}-lab.1-A.jpg", RUBRIC[variant], 2,
                         "read 4640: 1 of 1 point" if booklet == 3 else "",
                         MARKS.get(f"{booklet}/lab.1/A"))
            for booklet, student, variant in people]


def _write(folder: Path) -> Path:
    for item in _items():
        marks = ["x", "x", "", "", ""] if "paper" in item.key else ["", ".", "x", ""]
        _save(folder / item.crop, _boxes(marks))
    for issue in _pages():
        _save(folder / issue.thumbnail, np.full((120, 85), 235, np.uint8))
    for entry in _entries():
        _save(folder / entry.crop, _writing("params = 3*3*16*32 + 32", entry.booklet))
    title = "Deep learning, exam of 12 June"
    (folder / "review.html").write_text(
        pages.review_html(title, _items(), _pages(), PREVIOUS), encoding="utf-8")
    (folder / GRADING).write_text(
        pages.grading_html(title, "Lab 1, sub-question A (2 points)", _entries(), PREVIOUS),
        encoding="utf-8")
    (folder / "index.html").write_text(pages.index_html(
        title, [("Booklets read", "9"), ("To review", "8"), ("To grade", "5")],
        [("Review (8 items)", "review.html"), ("Lab 1, sub-question A", GRADING)]),
        encoding="utf-8")
    for name in pages.ASSETS:
        (folder / name).write_bytes(pages.asset(name))
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("scan") / "out")


def _tree(folder: Path, name: str) -> Any:
    return lxml_html.fromstring((folder / name).read_text(encoding="utf-8"))


def _embedded(tree: Any) -> Any:
    (element,) = tree.xpath("//script[@type='application/json']")
    return json.loads(element.text)


# --- the pages as files ---------------------------------------------------------------------


def test_every_item_is_on_its_page_with_its_image_and_choices(folder: Path) -> None:
    tree = _tree(folder, "review.html")
    for item in _items():
        (block,) = tree.xpath(f"//fieldset[@data-key='{item.key}']")
        values = block.xpath(".//input[@type='radio']/@value")
        assert values == list(item.options)
        checked = block.xpath(".//input[@checked]/@value")
        assert checked == ([item.chosen] if item.chosen else [])
        card = block.getparent()
        assert card.xpath(".//img/@src") == [item.crop]
        assert item.where in card.xpath(".//img/@alt")[0]
        assert item.reason in card.text_content()
        assert block.xpath("./legend")
    for issue in _pages():
        (block,) = tree.xpath(f"//fieldset[@data-key='{issue.key}']")
        assert block.getparent().xpath(".//img/@src") == [issue.thumbnail]
        assert bool(block.xpath(".//input[@data-field='booklet']")) == issue.assignable
    text = tree.text_content()
    assert "none: not counted until decided" in text and "Reading taken now: D" in text
    assert tree.get_element_by_id("count").text_content() == "3 of 8 decided; 5 to go"
    assert "solver scan SCANS… --overrides overrides.json" in text

    tree = _tree(folder, GRADING)
    for entry in _entries():
        (block,) = tree.xpath(f"//div[@data-key='{entry.key}']")
        card = block.getparent()
        assert card.xpath(".//a/@href") == card.xpath(".//img/@src") == [entry.crop]
        assert card.xpath(".//ul[@class='rubric']/li/text()") == list(entry.rubric)
        assert f"Variant {entry.variant}" in card.text_content()
        (field,) = block.xpath(".//input")
        assert (field.get("min"), field.get("max"), field.get("step")) == ("0", "2", "0.5")
        assert field.get("value") == (None if entry.marks is None else f"{entry.marks:g}")
    assert "read 4640: 1 of 1 point" in tree.text_content()
    assert tree.get_element_by_id("count").text_content() == "1 of 5 decided; 4 to go"


def test_every_control_has_a_label_and_nothing_is_fetched(folder: Path) -> None:
    for name in ("review.html", GRADING, "index.html"):
        tree = _tree(folder, name)
        for control in tree.xpath("//input | //textarea"):
            assert tree.xpath(f"//label[@for='{control.get('id')}']"), (name, control.get("id"))
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), name
        for link in tree.xpath("//@src | //@href"):
            assert "://" not in link and not link.startswith(("/", "data:", "javascript:")), link
            target = link.split("#")[0]
            assert not target or (folder / target).is_file(), (name, link)
        policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_hostile_strings_are_text_and_cannot_leave_the_data_element(folder: Path) -> None:
    for name in ("review.html", GRADING, "index.html"):
        source = (folder / name).read_text(encoding="utf-8")
        assert "<script>window" not in source and 'onerror="' not in source
        tree = lxml_html.fromstring(source)
        scripts = tree.xpath("//script")
        # the data element and the folder's script, nothing else
        assert [(s.get("type"), s.get("src")) for s in scripts] == (
            [] if name == "index.html" else [("application/json", None), (None, "scan.js")])
        assert not tree.xpath("//img[@onerror]") and not tree.xpath("//*[@src='x']")
        assert HOSTILE in tree.text_content() or name == "index.html"
    title = f"Exam {HOSTILE}"
    for source in (pages.review_html(title, _items(), _pages(), PREVIOUS),
                   pages.grading_html(title, HOSTILE, _entries(), PREVIOUS),
                   pages.index_html(title, [(HOSTILE, HOSTILE)], [(HOSTILE, "review.html")])):
        assert "<script>window" not in source and 'onerror="' not in source
        assert HOSTILE in lxml_html.fromstring(source).xpath("//h1")[0].text_content()
    hostile = {**PREVIOUS, "groups": {f"1/{HOSTILE}": HOSTILE, "2/x": "\u2028</SCRIPT >"}}
    source = pages.review_html("t", [], [], hostile)
    assert source.lower().count("</script") == 2  # the two elements' own ends
    assert _embedded(lxml_html.fromstring(source)) == pages.normalised(hostile)


def test_the_embedded_file_and_its_text_are_the_file_as_it_was(folder: Path) -> None:
    for name in ("review.html", GRADING):
        tree = _tree(folder, name)
        assert _embedded(tree) == PREVIOUS
        (text,) = tree.xpath("//textarea[@id='file-text']")
        assert json.loads(text.text) == PREVIOUS and text.get("readonly") is not None
    assert pages.normalised({}) == {"format": "solver-overrides/1", "groups": {}, "pages": {},
                                    "marks": {}}
    decided = pages.review_html("t", _items(), [], {"marks": {"1/x": 1}})
    assert json.loads(lxml_html.fromstring(decided).get_element_by_id("file-text").text) == {
        "format": "solver-overrides/1", "groups": {}, "pages": {}, "marks": {"1/x": 1}}


def test_only_paths_inside_the_folder_are_linked() -> None:
    for bad in ("javascript:alert(1)", "/etc/passwd", "../secret.png", "crops/../../x.png",
                "http://example.org/a.png", "//host/a.png", "data:image/png;base64,AA", ""):
        with pytest.raises(ValueError):
            pages.relative(bad)
    assert pages.relative("crops/a b#1.png") == "crops/a%20b%231.png"


def test_the_index_lists_its_figures_and_pages(folder: Path) -> None:
    tree = _tree(folder, "index.html")
    assert tree.xpath("//dt/text()") == ["Booklets read", "To review", "To grade"]
    assert tree.xpath("//dd/text()") == ["9", "8", "5"]
    assert tree.xpath("//ul[@class='links']//a/@href") == ["review.html", GRADING]


# --- in a browser ---------------------------------------------------------------------------


def _open(driver: Any, folder: Path, page: str, clear: bool = True) -> None:
    driver.get((folder / page).as_uri())
    if clear:
        driver.execute_script("window.localStorage.clear()")
        driver.get((folder / page).as_uri())
    driver.get_log("browser")  # from here on, only this page's messages


def _errors(driver: Any) -> list[Any]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _file(driver: Any) -> Any:
    return json.loads(driver.find_element("id", "file-text").get_attribute("value"))


def _tab_to(driver: Any, test: str, limit: int = 80) -> Any:
    """Press Tab until the focused element passes ``test`` (a script given ``el``)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.find_element("tag name", "body").click()
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        if driver.execute_script(f"var el = arguments[0]; return {test};", active):
            return active
    raise AssertionError(f"Tab never reached {test}")


def _keys(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def _axe(driver: Any) -> list[Any]:
    from importlib.resources import files

    engine = (files("axe_core_python") / "axe.min.js").read_text(encoding="utf-8")
    driver.execute_script(engine)
    result: list[Any] = driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
           .then(function (r) { done(r.violations.map(function (v) {
               return [v.id, v.nodes.length, v.nodes[0].html.slice(0, 120)]; })); });""")
    return result


def _loaded(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return Array.from(document.images).every(i => i.complete)"))
    widths = driver.execute_script("return Array.from(document.images).map(i => i.naturalWidth)")
    assert widths and all(widths), widths


def _screenshot(driver: Any, name: str) -> None:
    """The top of the page in a 1280 × 900 viewport, kept for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": DESKTOP[0], "height": DESKTOP[1], "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.execute_script("window.scrollTo(0, 0)")
        wide = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], wide  # no sideways scrolling
        assert driver.save_screenshot(str(SHOTS / name))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.slow
def test_review_by_keyboard_merges_with_the_file_and_downloads(browser: Any, folder: Path,
                                                              tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, folder, "review.html")
    _loaded(browser)
    assert browser.execute_script("return window.pwned === undefined")
    text = browser.find_element("id", "file-text").get_attribute("value")
    assert text == pages.file_text(PREVIOUS)  # the script writes the file as Python does
    # Paper 3 of booklet 7: Tab reaches its first option, Space takes it, → the next one
    radio = _tab_to(browser, "el.name === 'g1'")
    assert radio.get_attribute("value") == "A"
    _keys(browser, Keys.SPACE)
    _keys(browser, Keys.ARROW_RIGHT)
    assert browser.switch_to.active_element.get_attribute("value") == "B"
    # the sign box: Tab on to the next group, → takes the second option (+)
    _tab_to_next(browser, "g3")
    _keys(browser, Keys.ARROW_RIGHT)
    # the unreadable page: type its booklet and page
    _tab_to(browser, "el.id === 'p1-booklet'")
    _keys(browser, "7", Keys.TAB, "2")
    expected = {**PREVIOUS,
                "groups": {**PREVIOUS["groups"], "7/paper.3": "B", "8/lecture.5.1.sign": "+"},
                "pages": {**PREVIOUS["pages"], SHA[0]: {"booklet": 7, "page": 2}}}
    assert _file(browser) == expected
    assert browser.find_element("id", "count").text == "6 of 8 decided; 2 to go"
    card = browser.find_element("id", "g1-now")
    assert card.text == "Reading taken now: B"
    assert browser.find_element("id", "g2-now").text.endswith("not counted until decided")

    # the download link saves the same file (a Blob's address works from file://)
    link = browser.find_element("id", "download")
    assert link.is_displayed() and link.get_attribute("href").startswith("blob:")
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(tmp_path)})
    link.send_keys(Keys.ENTER)
    saved = tmp_path / "overrides.json"
    for _ in range(100):
        if saved.is_file() and saved.stat().st_size:
            break
        time.sleep(0.05)
    assert json.loads(saved.read_text(encoding="utf-8")) == expected

    # a reload keeps the decisions
    browser.refresh()
    assert _file(browser) == expected
    assert browser.find_element("id", "g1-2").is_selected()
    assert browser.find_element("id", "p1-booklet").get_attribute("value") == "7"
    assert _axe(browser) == []
    _screenshot(browser, "review.png")
    assert _errors(browser) == []
    # the next run's pages (in the same folder, from the file saved) start afresh
    later = {**PREVIOUS, "marks": {"1/lab.1/A": 1}}
    (folder / "review-next.html").write_text(
        pages.review_html("t", _items(), _pages(), later), encoding="utf-8")
    _open(browser, folder, "review-next.html", clear=False)
    assert _file(browser) == later
    assert not browser.find_element("id", "g1-2").is_selected()


def _tab_to_next(driver: Any, name: str) -> None:
    """Tab from the focused control until a radio group ``name`` has the focus."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(40):
        if driver.switch_to.active_element.get_attribute("name") == name:
            return
        _keys(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {name}")


@pytest.mark.slow
def test_grading_by_keyboard_adds_marks_to_the_same_file(browser: Any, folder: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, folder, "review.html")
    browser.find_element("id", "g2-8").click()  # a digit decided on the review page…
    _open(browser, folder, GRADING, clear=False)
    _loaded(browser)
    assert browser.execute_script("return window.pwned === undefined")
    assert _file(browser)["groups"]["7/lecture.5.1.c2"] == "7"  # …is in the grading page's file
    field = _tab_to(browser, "el.id === 'm1'")
    _keys(browser, "1.5", Keys.ENTER)  # Enter: on to the next answer
    assert browser.switch_to.active_element.get_attribute("id") == "m2"
    _keys(browser, Keys.CONTROL, "a", Keys.DELETE)  # booklet 5's 2.5 from the file, taken back
    _keys(browser, Keys.ENTER, "3")  # over the maximum: refused, not saved
    assert browser.find_element("id", "m3-now").text == "Give marks from 0 to 2 in steps of 0.5."
    assert browser.find_element("id", "m3").get_attribute("aria-invalid") == "true"
    _keys(browser, Keys.BACKSPACE, "2")
    assert browser.find_element("id", "m3-now").text == "given: 2"
    assert field.get_attribute("value") == "1.5"
    marks = {**PREVIOUS["marks"], "3/lab.1/A": 1.5, "7/lab.1/A": 2}
    del marks["5/lab.1/A"]
    assert _file(browser) == {**PREVIOUS, "marks": marks,
                              "groups": {**PREVIOUS["groups"], "7/lecture.5.1.c2": "7"}}
    assert browser.find_element("id", "count").text == "2 of 5 decided; 3 to go"
    assert _axe(browser) == []
    _screenshot(browser, "grading.png")
    # the crop opens at full size
    browser.find_element("css selector", "a.full").click()
    assert browser.current_url.endswith("crops/3-lab.1-A.jpg")
    assert _errors(browser) == []


@pytest.mark.slow
def test_the_index_passes_the_accessibility_check(browser: Any, folder: Path) -> None:
    _open(browser, folder, "index.html")
    assert _axe(browser) == []
    assert _errors(browser) == []
