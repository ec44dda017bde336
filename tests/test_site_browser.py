"""The practice site in a real browser: Debian's chromium, headless, driven by selenium.

A site is built once as a user builds it (``solver site``); its pages are opened from the
file system (and once from a local web server) and used as a student would: typing
values, revealing steps, choosing an option, by keyboard alone, with the network cut.
Expected values come from outside the site: lecture 5's averages computed here from the
variant's printed parameters, the Moodle bank's own gaps read back through the importer's
grammar for the marking rule, the exam file's key for the multiple choice.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from solver import guard
from solver.registry import lookup
from solver.site.draws import practice_variants
from tests.conftest import DESKTOP, headless_chrome, run_cli

pytestmark = pytest.mark.slow

SEED, COUNT = 5, 4
QUESTIONS = ("lecture.5", "paper.3", "lab.2", "lecture.3")
PHONE = (390, 844)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "practice"
    result = run_cli("site", "--seed", str(SEED), "--count", str(COUNT), "--out", str(folder),
                     "--only", *QUESTIONS)
    assert result.returncode == 0, result.stderr
    return folder


def _open(driver: Any, site: Path, page: str) -> None:
    driver.get((site / page).as_uri())
    driver.execute_script("window.localStorage.clear()")
    driver.get((site / page).as_uri())
    driver.get_log("browser")  # from here on, only this page's messages


def _errors(driver: Any) -> list[Any]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _type(driver: Any, field: str, text: str) -> tuple[str, str]:
    """Replace a field's text as a student types it; its verdict's state and words."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    element = driver.find_element(By.ID, field)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)
    status = driver.find_element(By.ID, f"{field}-status")
    return status.get_attribute("data-state"), status.text


def _ewma(params: dict[str, Any]) -> tuple[Fraction, Fraction]:
    """S_t and its bias-corrected Ŝ_t from the variant's printed parameters, by hand."""
    rho, t = Fraction(str(params["rho"])), params["t"]
    values = params.get("values") or [params["value"]] * t
    average = Fraction(0)
    for value in values[:t]:
        average = rho * average + (1 - rho) * Fraction(str(value))
    return average, average / (1 - rho**t)


def _field_of(driver: Any, label: str) -> str:
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, ".gap label"):
        if element.text.replace(" ", "").startswith(label):
            return str(element.get_attribute("for"))
    raise AssertionError(f"no field labelled {label}")


def test_lecture5_marks_the_exact_rounded_uncorrected_and_wrong_values(
        browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    question = lookup("lecture.5").meta
    params = practice_variants(SEED, COUNT, question)[1].params
    average, corrected = _ewma(params)
    _open(browser, site, "lecture.5/2.html")
    t = params["t"]
    hint = browser.find_element(By.ID, "places").text
    places = int(re.search(r"at least (\d+) decimals", hint).group(1))  # type: ignore[union-attr]
    field = _field_of(browser, f"Ŝ{t}")

    exact = f"{corrected.numerator}/{corrected.denominator}"
    assert _type(browser, field, exact)[0] == "right"
    assert _type(browser, field, repr(float(corrected)))[0] == "right"
    rounded = f"{float(corrected):.{places}f}"
    assert _type(browser, field, rounded)[0] == "right"
    state, words = _type(browser, field, repr(float(average)))
    assert state == "mistake" and "without the bias correction" in words, words
    assert _type(browser, field, repr(float(corrected) * 1.1)) == ("wrong", "Not right.")
    assert _type(browser, field, "abc")[0] == "invalid"

    summary = browser.find_element(By.ID, "summary").text
    assert f"sub-question {question.parts[1].label}" in summary, summary
    assert _type(browser, _field_of(browser, f"S{t}"), repr(float(average)))[0] == "right"
    _type(browser, field, rounded)
    assert browser.find_element(By.ID, "summary").text.startswith("Every value is right")
    assert _errors(browser) == []


def test_every_step_is_revealed_one_at_a_time(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    solution = practice_variants(SEED, COUNT, lookup("lecture.5").meta)[1]
    _open(browser, site, "lecture.5/2.html")
    steps = browser.find_element(By.ID, "steps")
    assert steps.find_elements(By.CSS_SELECTOR, "li.step") == []
    button = browser.find_element(By.ID, "next-step")
    counts = []
    while button.is_enabled() and len(counts) < 100:
        button.click()
        counts.append(len(steps.find_elements(By.CSS_SELECTOR, "li.step")))
    blocks = counts[-1]
    assert counts == [*range(1, blocks + 1), blocks]  # each step, then the final answer
    assert 1 < blocks <= len(solution.steps)
    _, corrected = _ewma(solution.params)
    assert str(corrected) in browser.find_element(By.ID, "final").text
    # the rubric becomes a checklist of the parts marked by hand (3 and 4)
    boxes = browser.find_elements(By.CSS_SELECTOR, "#checklist input[type=checkbox]")
    assert len(boxes) == 2
    boxes[0].click()
    assert "1 of 2 points" in browser.find_element(By.ID, "self-score").text
    # progress is kept: a reload shows the same steps and ticks
    browser.refresh()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#steps li.step")) == blocks
    assert browser.find_elements(By.CSS_SELECTOR, "#checklist input")[0].is_selected()
    assert _errors(browser) == []


def test_the_marking_is_the_moodle_banks(browser: Any, site: Path) -> None:
    """Each gap of lecture 5 and lecture 3 (one input per output cell) marks a spread of
    responses as the Moodle bank of the same variant does, read back through the
    importer's grammar and Moodle's rule (solver.lms.moodle.cloze)."""
    from solver.lms.moodle.cloze import grade, parse_gaps
    from solver.lms.moodle.export import render
    from solver.lms.moodle.reading import parse, text_of
    from solver.lms.plan import planned

    for question_id in ("lecture.5", "lecture.3"):
        question = lookup(question_id).meta
        solution = practice_variants(SEED, COUNT, question)[1]
        root, problems = parse(render("t", [planned(question, solution, 2)]))
        assert root is not None and not problems
        text = text_of(root.find("question[@type='cloze']"), "questiontext/text") or ""
        gaps, _ = parse_gaps(text)
        _open(browser, site, f"{question_id}/2.html")
        responses = []
        for index, gap in enumerate(gaps):
            value, tolerance = float(gap.answers[0].text), float(gap.answers[0].tolerance or 0)
            step = tolerance / 2 or 0.5
            tries = [value + k * step for k in range(-5, 6)]
            tries += [float(other.text) for other in gap.answers[1:]]
            responses += [(index, repr(r), grade(gap, repr(r))) for r in tries]
        seen = browser.execute_script("""
            return arguments[0].map(function (item) {
              var input = document.getElementById('g' + item[0]);
              input.value = item[1];
              input.dispatchEvent(new Event('input'));
              var status = document.getElementById('g' + item[0] + '-status');
              return [status.getAttribute('data-state'), status.textContent];
            });""", [[index, response] for index, response, _ in responses])
        assert len(gaps) == len(browser.find_elements("css selector", "input[data-gap]"))
        for (index, response, fraction), (state, words) in zip(responses, seen, strict=True):
            credit = re.search(r"\((\d+) %", words)
            marked = {"right": 1.0, "wrong": 0.0}.get(state, int(credit.group(1)) / 100
                                                      if credit else -1.0)
            assert marked == fraction, (question_id, index, response, state, words, fraction)
    assert _errors(browser) == []


def test_a_choice_is_checked_at_once_and_explained(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    question = lookup("paper.3").meta
    right_text = question.data["options"][question.data["key"]]
    _open(browser, site, "paper.3/3.html")
    labels = browser.find_elements(By.CSS_SELECTOR, ".option label")
    right = next(label for label in labels if right_text in label.text)
    wrong = next(label for label in labels if right_text not in label.text)
    assert browser.find_elements(By.CSS_SELECTOR, "#steps li.step") == []
    check = browser.find_element(By.ID, "check-choice")
    assert not check.is_enabled()
    wrong.click()  # choosing is not answering: nothing is marked or shown yet
    status = browser.find_element(By.ID, "choice-status")
    assert status.text == "" and browser.find_elements(By.CSS_SELECTOR, "#steps li") == []
    check.click()
    assert status.get_attribute("data-state") == "wrong"
    letter = right.text[0]
    assert f"the right option is {letter}" in status.text
    worked = browser.find_element(By.ID, "steps").text
    assert "Why:" in worked and "Closest distractor:" in worked
    right.click()
    check.click()
    assert status.get_attribute("data-state") == "right"
    # the first answer checked is the one that counts: this variant is not "done"
    stored = browser.execute_script(
        "return Object.keys(localStorage).map(k => JSON.parse(localStorage.getItem(k)))")
    assert [entry.get("done") for entry in stored] == [False], stored
    assert _errors(browser) == []


def test_keyboard_alone_answers_and_reveals(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, site, "paper.3/1.html")
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    visited = []
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        visited.append(active.get_attribute("id") or active.get_attribute("href"))
        if active.get_attribute("name") == "choice":
            break
    assert browser.switch_to.active_element.get_attribute("name") == "choice", visited
    # arrow keys move between the options; Tab reaches the check, Space presses it
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()
    assert browser.find_element(By.ID, "choice-status").text == ""
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "check-choice"
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    assert browser.find_element(By.ID, "choice-status").text
    _open(browser, site, "lecture.5/1.html")
    browser.find_element(By.ID, "next-step").send_keys(Keys.ENTER)
    # the focus stays on the button: Enter again reveals the next one
    assert browser.switch_to.active_element.get_attribute("id") == "next-step"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#steps li.step")) == 2
    assert browser.find_element(By.ID, "steps").get_attribute("aria-live") == "polite"
    assert _errors(browser) == []


def test_what_a_student_sees_before_asking_gives_nothing_away(browser: Any,
                                                              site: Path) -> None:
    """The rendered text of every page, before anything is asked, passes the leak guard;
    after revealing, the worked answer is there (so the guard would see it)."""
    from selenium.webdriver.common.by import By

    for question_id in QUESTIONS:
        question = lookup(question_id).meta
        solutions = practice_variants(SEED, COUNT, question)
        for number, solution in enumerate(solutions, start=1):
            _open(browser, site, f"{question_id}/{number}.html")
            shown = browser.find_element(By.TAG_NAME, "body").get_attribute("innerText")
            frame = [f"Variant {number} of {len(solutions)}"]
            assert guard.leaks(shown, question, solution, frame) == [], (question_id, number)
            browser.find_element(By.ID, "all-steps").click()
            revealed = browser.find_element(By.TAG_NAME, "body").get_attribute("innerText")
            assert guard.leaks(revealed, question, solution, frame), (question_id, number)
    assert _errors(browser) == []


def test_offline_with_the_network_cut_and_nothing_fetched(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        browser.get_log("performance")
        for page in ("index.html", "lecture.3/2.html", "lab.2/2.html"):
            _open(browser, site, page)
            if page != "index.html":
                browser.find_element(By.ID, "all-steps").click()
                _images_loaded(browser)
                images = browser.execute_script(
                    "return Array.from(document.images).map(i => [i.src, i.naturalWidth])")
                assert images and all(width > 0 for _, width in images), images
        requests = [json.loads(entry["message"])["message"]
                    for entry in browser.get_log("performance")]
        urls = {message["params"]["request"]["url"] for message in requests
                if message["method"] == "Network.requestWillBeSent"}
        assert urls and all(url.startswith("file://") for url in urls), urls
        assert _errors(browser) == []
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def _images_loaded(driver: Any) -> None:
    """Wait (at most 20 s, a loaded machine) until every image has loaded or failed."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return Array.from(document.images).every(i => i.complete)"))


def test_served_by_a_static_host(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        browser.get(f"http://127.0.0.1:{server.server_port}/lecture.5/1.html")
        browser.get_log("browser")
        browser.find_element(By.ID, "next-step").click()
        assert browser.find_elements(By.CSS_SELECTOR, "#steps li.step")
        assert _errors(browser) == []
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the base names it format
        pass


def test_accessibility_check_passes(browser: Any, site: Path) -> None:
    """axe-core (Deque's engine, as browsers' accessibility tools run it) finds no
    violation of WCAG 2 A/AA on the pages, with their solutions shown."""
    from importlib.resources import files

    from selenium.webdriver.common.by import By

    engine = (files("axe_core_python") / "axe.min.js").read_text(encoding="utf-8")
    for page in ("index.html", "lecture.5/2.html", "paper.3/2.html", "lab.2/2.html",
                 "lecture.3/2.html"):
        _open(browser, site, page)
        if page != "index.html":
            browser.find_element(By.ID, "all-steps").click()
        browser.execute_script(engine)
        result = browser.execute_async_script("""
            var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
               .then(function (r) { done(r.violations.map(function (v) {
                   return [v.id, v.nodes.length, v.nodes[0].html.slice(0, 120)]; })); });""")
        assert result == [], (page, result)


def test_screenshots_at_desktop_and_phone_widths(site: Path, tmp_path: Path) -> None:
    """The pages fit a phone's width (no sideways scrolling of the page itself) and a
    desktop's; the screenshots are kept for a person to look at."""
    for size in (DESKTOP, PHONE):
        driver = headless_chrome(size)
        try:
            for page in ("index.html", "lecture.5/2.html", "lecture.3/2.html", "lab.2/2.html",
                         "paper.3/2.html"):
                _open(driver, site, page)
                if page != "index.html":
                    driver.find_element("id", "all-steps").click()
                wide = driver.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]")
                assert wide[0] <= wide[1], (page, size, wide)
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(size[0], min(height, 6000))
                shot = tmp_path / f"{page.replace('/', '-')}-{size[0]}.png"
                assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
                driver.set_window_size(*size)
        finally:
            driver.quit()


def test_nothing_in_the_exam_file_runs_as_script(tmp_path: Path) -> None:
    """An exam file whose words carry markup: every page shows it as text, no script of it
    runs, and the page's policy would refuse an inline one anyway."""
    from selenium.webdriver.common.by import By

    attack = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    source = (Path(__file__).parent / "fixture_exam" / "exam.toml").read_text(encoding="utf-8")
    source = source.replace('title = "Neural Networks: practice quiz"',
                            f"title = 'Quiz {attack}'")
    source = source.replace('C = "Its weights"', f"C = 'Its weights {attack}'")
    source = source.replace('statement = "A convolutional layer slides',
                            f"statement = \"{attack.replace(chr(34), chr(39))} A convolutional "
                            "layer slides")
    folder = tmp_path / "exam"
    folder.mkdir()
    (folder / "exam.toml").write_text(source, encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("--exam", str(folder), "site", "--seed", "1", "--count", "2", "--out",
                     str(out), "--only", "lecture.3")
    assert result.returncode == 0, result.stderr
    driver = headless_chrome()
    try:
        for page in ("index.html", "lecture.3/1.html", "lecture.3/2.html"):
            driver.get((out / page).as_uri())
            if page != "index.html":
                driver.find_element(By.CSS_SELECTOR, "input[name=choice]").click()
                driver.find_element(By.ID, "check-choice").click()
                driver.find_element(By.ID, "all-steps").click()
            assert driver.execute_script("return window.pwned === undefined"), page
            assert "<script>window.pwned" in driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()
