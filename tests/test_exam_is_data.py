"""An exam file is data and never code, and what it asks of the tool is bounded: the
reproductions of the hostile review (names that would import a module, templates that
would hang or fill the memory, TOML and LaTeX too large or too deep, ``--exam FILE``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from solver.model import InputError

FIXTURE = ROOT / "tests" / "fixture_exam"
BUNDLED = ROOT / "solver" / "exams" / "deep_learning" / "exam.toml"
LAB = (
    'title = "x"\n[[sections]]\nkind = "lab"\nname = "L"\n[[questions]]\nid = "lab.1"\n'
    'title = "t"\nsolver = "lab"\nchecks = "{checks}"\ntemplate = "{template}"\n'
    'paper_template = "class Linear(object):\\n    pass\\n"\nstatement = "s"\n'
    'parts = [{{ label = "A", points = 1 }}]\n')
LECTURE = (
    'title = "x"\n[[sections]]\nkind = "lecture"\nname = "L"\n[[questions]]\n'
    'id = "lecture.1"\ntitle = "t"\nsolver = "{solver}"\nstatement = "s"\n'
    'parts = [{{ label = "", points = 1 }}]\n')


def _read(tmp_path: Path, content: str) -> None:
    from solver.exam import read_exam

    (tmp_path / "exam.toml").write_text(content, encoding="utf-8")
    read_exam(tmp_path)


@pytest.mark.parametrize(("template", "checks", "expected"), [
    ("evilmod.x", "lab1", "template 'evilmod.x' is not a completed template of solver/labs"),
    ("unittest.__main__.x", "lab1", "template 'unittest.__main__.x' is not"),
    ("this.x", "lab1", "template 'this.x' is not"),
    ("os", "lab1", "template 'os' is not"),
    (".linear", "lab1", "template '.linear' is not"),
    ("solver.labs.linear", "lab1", "(one of activations, attention, autoencoder, conv"),
    ("linear", "labkit", "checks 'labkit' is not a lab checks module"),
    ("linear", "lecture1", "checks 'lecture1' is not"),
    ("linear", "os.path", "checks 'os.path' is not"),
])
def test_a_lab_record_names_only_the_packages_own_modules(
        tmp_path: Path, template: str, checks: str, expected: str) -> None:
    """Nothing a lab record names is imported as given: the names are looked up in the
    package's lists, and the record is refused when it is read, before anything runs."""
    (tmp_path / "evilmod.py").write_text('open("PWNED", "w").close()\n')
    (tmp_path / "evilmod").mkdir()
    (tmp_path / "evilmod" / "__init__.py").write_text('open("PWNED", "w").close()\n')
    before = os.getcwd()
    os.chdir(tmp_path)  # where `python -m solver --exam .` would put it on sys.path
    try:
        with pytest.raises(InputError, match=r"lab\.1") as raised:
            _read(tmp_path, LAB.format(template=template, checks=checks))
    finally:
        os.chdir(before)
    assert expected in str(raised.value)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("solver", ["labkit", "lab1", "os", "chain_rule_derivation"])
def test_a_computed_record_names_only_a_registered_solver(tmp_path: Path,
                                                          solver: str) -> None:
    """Helper modules of solver.questions are not solvers: refused when the file is read."""
    with pytest.raises(InputError, match=f"solver {solver!r} does not exist "
                                         r"\(one of lecture1, lecture2"):
        _read(tmp_path, LECTURE.format(solver=solver))


def test_the_cli_runs_nothing_an_exam_folder_ships(tmp_path: Path) -> None:
    """The review's reproduction: `python -m solver --exam .` inside the exam folder."""
    (tmp_path / "evilmod.py").write_text('open("PWNED", "w").close()\n')
    (tmp_path / "exam.toml").write_text(LAB.format(template="evilmod.x", checks="lab1"))
    result = run_cli("--exam", ".", "solve", "lab.1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "PWNED").exists()


def test_exam_names_a_file_and_that_file_is_read(tmp_path: Path) -> None:
    """`--exam DIR/mine.toml` reads mine.toml, not the exam.toml beside it."""
    (tmp_path / "exam.toml").write_bytes(FIXTURE.joinpath("exam.toml").read_bytes())
    (tmp_path / "mine.toml").write_bytes(BUNDLED.read_bytes())
    mine = run_cli("--exam", str(tmp_path / "mine.toml"), "list")
    folder = run_cli("--exam", str(tmp_path), "list")
    assert mine.returncode == folder.returncode == 0
    assert "paper.14" in mine.stdout and "paper.14" not in folder.stdout


@pytest.mark.parametrize(("name", "expected"), [
    ("missing.toml", "no such exam file or folder"),
    ("x" * 300, "File name too long"),
])
def test_a_bad_exam_path_is_bad_input(tmp_path: Path, name: str, expected: str) -> None:
    from solver.exam import exam_file

    with pytest.raises(InputError, match=expected):
        exam_file(tmp_path / name)


@pytest.mark.parametrize(("content", "expected"), [
    ("a = " + "9" * 5000, "Exceeds the limit (4300 digits)"),
    ("a = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    ("a = " + "{ b = " * 3000 + "1" + " }" * 3000, "nested too deeply"),
    (LECTURE.format(solver="lecture1").replace('statement = "s"',
                                               f'statement = "{"s" * 20_001}"'),
     "questions[0].statement has 20,001 characters; at most 20,000 are allowed"),
])
def test_an_exam_file_too_large_or_deep_is_bad_input(tmp_path: Path, content: str,
                                                      expected: str) -> None:
    with pytest.raises(InputError) as raised:
        _read(tmp_path, content)
    assert expected in str(raised.value)


# The review's hostile templates (section 6) and more: each is refused, at once, naming
# the rule or the limit. The values would take hours or gigabytes if they ran.
HOSTILE = [
    ("<% for x in range(100000) %><% for y in range(100000) %><% endfor %><% endfor %>",
     "a call (line 1) is not allowed"),
    ("<< 9**(9**9) >>", "would make an integer of more than 20,000 bits"),
    ("<< (3**(10**8)) > 1 >>", "would make an integer of more than 20,000 bits"),
    ("<< 'a' * 10**9 >>", "would make a value of more than 100,000 characters"),
    ("<< 'x'|center(10**9) >>", "the filter 'center' (line 1) is not one"),
    ("<< lipsum(10**5) >>", "a call (line 1) is not allowed"),
    ("<< ([1] * 10**8)|length >>", "would make a value of more than 100,000"),
    ("<% set ns = namespace(s='x') %><% for i in xs %><% set ns.s = ns.s ~ ns.s %>"
     "<% endfor %>", "<% set %> (line 1) is not allowed"),
    ("<< 1/0 >>", "division by zero"),
    ("<< 10**5000 >>", "Exceeds the limit (4300 digits)"),
    ("<% macro f() %><< f() >><% endmacro %><< f() >>", "a macro (line 1)"),
    ("<% include 'x' %>", "<% include %> (line 1)"),
    ("<% import 'x' as y %>", "<% import %> (line 1)"),
    ("<% extends 'x' %>", "<% extends %> (line 1)"),
    ("<< ('x' * 50000)|replace('x', 'x' * 100000) >>", "the filter 'replace' would make"),
    ("<< '%0100000000d' % 1 >>", "a width or precision over 1000"),
    ("<< 'x'.ljust(10**9) >>", "a call (line 1)"),
    ("<< ((['x' * 1000] * 100)|join) * 1000 >>", "the operator '*' would make"),
    ("<< 'x' * 99999 ~ 'y' * 99999 >>", "the operator '~' would make"),
    ("<% for a in big %><% for b in big %><% if a == b %><% endif %><% endfor %>"
     "<% endfor %>", "needs more than 2,000,000 steps"),
    ("<% for a in xs %><% for b in xs %><% for c in xs %><% endfor %><% endfor %>"
     "<% endfor %>", "loops nested more than 2 deep"),
    ("<% for x in xs recursive %><< loop(x) >><% endfor %>", "a recursive loop"),
    # a comparison is charged by what it reads, a filter by what it reads
    ("<% for big in [['a'] * 49000] %><% for a in xs %><% if 'z' in big %>x<% endif %>"
     "<% endfor %><% endfor %>", "needs more than 2,000,000 steps to render (a comparison)"),
    ("<% for a in xs %><% for b in xs %><% if (['a'] * 1000)|join == '' %><% endif %>"
     "<% endfor %><% endfor %>", "needs more than 2,000,000 steps"),
    # the second attack (a helper): widths from the data, constant loops, big integers'
    # text, nesting Python's compiler refuses
    ("<< '%*d'|format(3000000000, 1) >>", "a * width or precision in a format"),
    ("<< '%.*f' % (1000000000, 1.0) >>", "a * width or precision in a format"),
    ("<< '%(a)02000000000d'|format(a=1) >>", "a width or precision over 1000"),
    ("<% for a in '" + "a" * 9900 + "' %><% for b in '" + "a" * 9900 + "' %>"
     "<% if xs[::-1] %><% endif %><% endfor %><% endfor %>", "needs more than 2,000,000"),
    ("<< [10**4299] * 49999 >>", "the operator '*' would make a value of more than"),
    ("<< " + "+".join(["1"] * 250) + " >>", "an expression nested more than 60 deep"),
    ("<< x" + "|abs" * 250 + " >>", "an expression nested more than 60 deep"),
    # an iterator from a filter is charged as a list would be
    ("<% for a in big|reverse %><% for b in big|reverse %><% endfor %><% endfor %>",
     "needs more than 2,000,000 steps"),
    ("<% for a in xs %><% for b in xs %><< 'x' * 100 >><% endfor %><% endfor %>",
     "output would pass 100,000 characters"),
    ("<< ''.__class__.__mro__ >>", "unsafe"),
    ("<< nosuch >>", "'nosuch' is undefined"),
]


@pytest.mark.parametrize(("template", "expected"), HOSTILE)
def test_a_hostile_template_is_refused_at_once(template: str, expected: str) -> None:
    from solver.wording import fill

    context = {"xs": list(range(400)), "big": [str(n) for n in range(5000)]}
    began = time.process_time()
    with pytest.raises(InputError, match=r"^lecture\.1: template error: ") as raised:
        fill(template, context, "lecture.1")
    assert expected in str(raised.value)
    assert time.process_time() - began < 5  # generous: each takes milliseconds


def test_the_templates_exam_authors_write_still_work() -> None:
    """Values, choices, loops, filters, arithmetic and ``~``, within the bounds."""
    from solver.wording import fill

    context = {"x": 3, "flag": True, "items": ["p", "q"], "value": -0.00123456}
    template = ("<<x>> <% if flag %>yes<% else %>no<% endif %> <% for m in items %><<m>>"
                ":<<loop.index0>> <% endfor %><<'%.4g' | format(value | float) | "
                "replace('-', '−')>> << 'a' ~ x >> << 2**10 >> << (x * 2)|string|length >> "
                "<< items|join(', ') >> <% if x is divisibleby 3 and x > 2 %>three<% endif %>")
    assert fill(template, context) == "3 yes p:0 q:1 −0.001235 a3 1024 1 p, q three"


def test_a_hostile_template_in_an_exam_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    exam = LECTURE.format(solver="lecture1").replace(
        'statement = "s"', "statement = \"<< 'x'|center(10**9) >>\"")
    (tmp_path / "exam.toml").write_text(exam)
    began = time.monotonic()
    result = run_cli("--exam", str(tmp_path), "solve", "lecture.1")
    assert time.monotonic() - began < 60  # the review measured 30 s and 3.9 GB
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "the filter 'center'" in result.stderr


@pytest.mark.parametrize(("latex", "expected"), [
    ("+".join(["x"] * 2000), "has 3,999 characters; at most 3,000 are typeset"),
    ("{" * 400 + "x" + "}" * 400, "is nested 400 deep; at most 30 levels are typeset"),
    (r"\left(" * 40 + "x" + r"\right)" * 40, "is nested 40 deep"),
    (r"\frac{", "cannot be typeset: NoAvailableTokensError"),
])
def test_a_formula_too_long_deep_or_broken_is_bad_input(latex: str, expected: str) -> None:
    from solver.render.mathsvg import svg

    with pytest.raises(InputError) as raised:
        svg(latex, True)
    assert expected in str(raised.value)


def test_a_formula_too_deep_is_bad_input_in_the_terminal_too(tmp_path: Path) -> None:
    """The text format reads formulas into Unicode: the same bounds, before it recurses."""
    deep = "{" * 1000 + "x" + "}" * 1000
    (tmp_path / "exam.toml").write_text(LECTURE.format(solver="lecture1").replace(
        'statement = "s"', f'statement = "${deep}$"'))
    result = run_cli("--exam", str(tmp_path), "solve", "lecture.1", "--format", "text")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "is nested 1000 deep; at most 30 levels are typeset" in result.stderr
