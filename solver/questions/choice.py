"""A multiple-choice question: all data (options, key, justification, distractor, citation).

The answer rests on the cited paper: there is nothing to compute and so no check. The
exam file's reader ensures that the key names one of the printed options.

A variant may print the options in another order (``order``, a permutation of the
letters: ``order = "CADB"`` prints the exam's option C first, as A); the key letter
follows the right statement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solver.model import InputError, Meta, Solution, Table, Text
from solver.record import Question


@dataclass(frozen=True)
class Params:
    order: str = ""  # "" prints the options as the exam file lists them


def options(question: Question, order: str = "") -> dict[str, str]:
    """The options as printed, lettered A, B, … in ``order``."""
    data: dict[str, str] = question.data["options"]
    letters = list(data)
    if not order:
        return dict(data)
    if sorted(order) != letters:
        raise InputError(
            f"parameter order must be a permutation of {''.join(letters)}, got {order!r}")
    return {letter: data[source] for letter, source in zip(letters, order, strict=True)}


def key(question: Question, order: str = "") -> str:
    """The letter of the right statement as printed."""
    right: str = question.data["key"]
    return list(question.data["options"])[order.index(right)] if order else right


def key_position(variant: int, count: int, stable: random.Random) -> int:
    """Where the key stands in variant ``variant`` (numbered from 1) among ``count``
    options. Variants come in blocks of ``count`` (1-4, 5-8, … for four options); each
    block is its own random permutation of the positions, drawn from the question's
    ``stable`` generator and the block's number, so every letter is the key once per block
    and no variant's key follows from another block's."""
    block, place = divmod(variant - 1, count)
    positions = list(range(count))
    random.Random(f"{stable.getrandbits(64)}:{block}").shuffle(positions)
    return positions[place]


def sample(rng: random.Random, question: Question, variant: int,
           stable: random.Random) -> dict[str, Any]:
    """A shuffled order: the key at :func:`key_position`, the other options shuffled by
    the variant's own ``rng``."""
    letters = list(question.data["options"])
    target = key_position(variant, len(letters), stable)
    others = [letter for letter in letters if letter != question.data["key"]]
    rng.shuffle(others)
    others.insert(target, question.data["key"])
    return {"order": "".join(others)}


def solve(question: Question, meta: Meta, params: Params) -> Solution:
    from solver.wording import fill

    data = question.data
    choices = options(question, params.order)
    letter = key(question, params.order)
    printed = dict(zip(params.order or choices, choices, strict=True))  # exam letter -> shown
    solution = Solution(meta, {"order": params.order} if params.order else {})
    solution.add(
        Table(("option", "statement"), tuple(choices.items()), caption="The options",
              numbered=False),
        Text(f"Answer: {letter}) {choices[letter]}"),
        Text(f"Why: {data['justification']}"),
        Text(f"Closest distractor: {fill(data['distractor'], printed, question.id)}"),
        Text(f"Source: {data['citation']}"),
    )
    if data.get("caveat"):
        solution.add(Text(data["caveat"]))
    solution.give("choice", letter, f"{letter}) {choices[letter]}")
    solution.give("citation", data["citation"], data["citation"])
    solution.answer_part(question.parts[0].label, f"{letter}) {choices[letter]}")
    solution.words["key"] = letter
    return solution
