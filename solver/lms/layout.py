"""How a question with gaps reads on a platform, whatever the platform's gap syntax: the
statement, the rounding rule, each sub-question with its gaps (a matrix's cells as a table
per output channel: rows i, columns j), and a sub-question that asks for words instead of
a number. A target passes how it writes one gap and one such sub-question."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from solver.lms import feedback as fb
from solver.lms.gaps import GapPlan
from solver.lms.plan import Planned
from solver.lms.tolerance import decimal_text
from solver.model import Ask

# The rounding rule's example: the first that is none of the question's answers (it
# would show how to type that answer).
EXAMPLES = (Fraction(2, 3), Fraction(5, 7), Fraction(7, 9), Fraction(10, 13))

GapHtml = Callable[[GapPlan], str]  # one gap, inline
ExplainHtml = Callable[[Ask], str]  # a sub-question asking for words, as HTML


def rule(planned: Planned) -> str:
    """How to give the answers: whole numbers, or decimals rounded to the places asked,
    with an example that is none of the answers and no number of the worked solution (the
    leak guard would rightly stop it: variant 697 of seed 2026's lecture 5 has 2/3 among
    its steps)."""
    from solver.guard import leaks

    plans = planned.gaps
    places = plans[0].places
    if places == 0:
        return "Give whole numbers."
    lead = f"Give each answer as a decimal number rounded to {places} decimals"
    for example in EXAMPLES:
        shown = f"{example} as {decimal_text(example, places)}"
        if all(abs(p.exact) != example for p in plans) and not leaks(
                shown, planned.question, planned.solution):
            return f"{lead} (for example {shown}); whole results may be given without decimals."
    return f"{lead}; whole results may be given without decimals."


def essay_pieces(planned: Planned, template_lead: str = "") -> list[str]:
    """An essay's text, as HTML blocks: the statement, what its parts ask, the exam's
    figure in words and the code to complete (after ``template_lead``, a sentence saying
    where the answer goes, when the platform needs one)."""
    meta, item = planned.solution.meta, planned.item
    pieces = [fb.statement(meta), *(fb.ask_html(ask) for ask in meta.asks if ask.text)]
    if item.figure:  # the exam's figure, in words
        pieces.append(f"<pre>{fb.text(item.figure)}</pre>")
    if item.template:  # the exam's code to complete
        lead = f"<p><em>{fb.text(template_lead)}</em></p>" if template_lead else ""
        pieces.append(f"{lead}<pre>{fb.text(item.template)}</pre>")
    return pieces


def gaps_text(planned: Planned, gap: GapHtml, explain: ExplainHtml) -> str:
    """The question text: statement, rule, and every sub-question with its gaps."""
    meta, plans = planned.solution.meta, planned.gaps
    pieces = [fb.statement(meta), f"<p><em>{fb.text(rule(planned))}</em></p>"]
    for ask in meta.asks:
        mine = [plan for plan in plans if plan.part == ask.label]
        if not mine:
            pieces.append(explain(ask))
            continue
        if ask.text or ask.label:
            pieces.append(fb.ask_html(ask))
        pieces.append(gaps_html(mine, gap))
    return "\n".join(pieces)


def gaps_html(plans: list[GapPlan], gap: GapHtml) -> str:
    """A sub-question's gaps: one line each, or a matrix's cells as tables."""
    if len(plans) == 1 or any(len(plan.index) not in (2, 3) for plan in plans):
        return "".join(f"<p>{fb.text(plan.label)} = {gap(plan)}</p>" for plan in plans)
    tables: dict[int | None, list[GapPlan]] = {}
    for plan in plans:  # one table per output channel: rows i, columns j
        channel = plan.index[0] if len(plan.index) == 3 else None
        tables.setdefault(channel, []).append(plan)
    out = []
    for channel, cells in tables.items():
        rows: dict[int, list[GapPlan]] = {}
        for plan in cells:
            rows.setdefault(plan.index[-2], []).append(plan)
        name = plans[0].label.split("[")[0]
        caption = name if channel is None else f"{name}[:,:,{channel}]"
        width = max(len(row) for row in rows.values())
        head = "".join(f"<th>j = {j}</th>" for j in range(width))
        body = "".join(f"<tr><th>i = {i}</th>" + "".join(f"<td>{gap(p)}</td>" for p in row)
                       + "</tr>" for i, row in rows.items())
        out.append(f'<table border="1" cellpadding="4"><caption>{fb.text(caption)}</caption>'
                   f"<tr><th></th>{head}</tr>{body}</table>")
    return "".join(out)
