"""Turning ``--param NAME=VALUE`` strings into a question's frozen parameter dataclass.

Types come from the dataclass annotations; range rules live in each question's
``Params.__post_init__`` (one place per question). Every failure is an InputError whose
message names the parameter and what is allowed.
"""

from __future__ import annotations

import dataclasses
import json
import math
import reprlib
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from solver.model import InputError

P = TypeVar("P")


# Resource bounds on one --param value, checked before json.loads (which recurses once
# per nesting level and would otherwise end in a RecursionError): the deepest real
# parameter is lecture 3's image (3 levels); the longest fits Linux's 128 KiB limit on
# one command-line argument many times over.
MAX_VALUE_CHARS = 1_000_000
MAX_NESTING = 20
# Python refuses to convert longer integer literals (sys.get_int_max_str_digits).
MAX_INT_DIGITS = 4300

_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 4
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlong = 40
MAX_SHOWN = 160  # characters of a value quoted in an error message


def shown(value: Any) -> str:
    """A short, one-line repr of a user's value for an error message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(abs(value).bit_length() * math.log10(2)) + 1} digits"
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails: name its type only
        return f"a {type(value).__name__}"
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _label(name: str) -> str:
    """A parameter name as typed: plain if it is an identifier, else its short repr."""
    return name if name.isidentifier() and len(name) <= 60 else shown(name)


def nesting_depth(text: str, limit: int = MAX_NESTING) -> int:
    """The deepest bracket nesting of JSON ``text`` (strings skipped), stopping past ``limit``."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_int(name: str) -> Any:
    def parse(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise InputError(
                f"--param {name}: an integer of {len(digits.lstrip('-'))} digits; "
                f"at most {MAX_INT_DIGITS} digits are allowed"
            )
        return int(digits)

    return parse


def parse_value(text: str, name: str = "value") -> Any:
    """JSON where it parses (numbers, lists, true/false), else the plain string.

    Bounded: at most MAX_VALUE_CHARS characters, MAX_NESTING levels of brackets and
    MAX_INT_DIGITS digits per integer; beyond them an InputError names the limit.
    """
    if len(text) > MAX_VALUE_CHARS:
        raise InputError(
            f"--param {name}: the value is {len(text)} characters long; "
            f"at most {MAX_VALUE_CHARS} are allowed"
        )
    if text.lstrip()[:1] in ("[", "{"):
        depth = nesting_depth(text)
        if depth > MAX_NESTING:
            raise InputError(
                f"--param {name}: the value is nested more than {MAX_NESTING} levels deep; "
                f"at most {MAX_NESTING} levels are allowed"
            )
    try:
        return json.loads(text, parse_int=_parse_int(name))
    except InputError:
        raise
    except (ValueError, RecursionError):
        return text


def parse_assignments(items: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param {shown(item)} must have the form NAME=VALUE")
        if raw == "":
            raise InputError(f"--param {_label(name)} has no value; give NAME=VALUE")
        if name in values:
            raise InputError(f"--param {_label(name)} is given twice")
        values[name] = parse_value(raw, _label(name))
    return values


def _as_float(name: str, value: int | float) -> float:
    """``value`` as a float, or an InputError if it is an integer too large for one."""
    try:
        return float(value)
    except OverflowError:
        digits = int(abs(int(value)).bit_length() * math.log10(2)) + 1
        raise InputError(
            f"parameter {name} must be a finite number (at most about 1.8e308 in size), "
            f"got an integer of about {digits} digits"
        ) from None


def _coerce(name: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        return _coerce(name, value, options[0])
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise InputError(f"parameter {name} must be true or false, got {shown(value)}")
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"parameter {name} must be an integer, got {shown(value)}")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise InputError(f"parameter {name} must be an integer, got {shown(value)}")
        return int(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"parameter {name} must be a number, got {shown(value)}")
        if not math.isfinite(_as_float(name, value)):
            raise InputError(f"parameter {name} must be a finite number, got {shown(value)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise InputError(f"parameter {name} must be a word, got {shown(value)}")
        return value
    # Structured values (nested lists) are validated by the question itself.
    return value


def _check_nesting(name: str, value: Any) -> None:
    """Refuse Python values nested deeper than MAX_NESTING (as parse_value does for text)."""
    level: list[tuple[Any, int]] = [(value, 0)]
    while level:
        item, depth = level.pop()
        if isinstance(item, list | tuple | dict):
            if depth >= MAX_NESTING:
                raise InputError(
                    f"parameter {name} is nested more than {MAX_NESTING} levels deep; "
                    f"at most {MAX_NESTING} levels are allowed"
                )
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children)


def build(params_cls: type[P], raw: Mapping[str, Any]) -> P:
    """Build ``params_cls`` from raw values, rejecting unknown names and wrong types."""
    fields = {f.name: f for f in dataclasses.fields(params_cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(fields), key=str)
    if unknown:
        allowed = ", ".join(fields) or "none"
        raise InputError(f"unknown parameter {shown(unknown[0])}; allowed: {allowed}")
    hints = typing.get_type_hints(params_cls)
    for name, value in raw.items():
        _check_nesting(name, value)
    values = {name: _coerce(name, value, hints[name]) for name, value in raw.items()}
    return params_cls(**values)


def as_dict(params: Any) -> dict[str, Any]:
    return dataclasses.asdict(params)


def require(condition: bool, message: str) -> None:
    """Validation helper for ``Params.__post_init__``."""
    if not condition:
        raise InputError(message)


def number_grid(name: str, value: Any, depth: int) -> list[Any]:
    """Validate a rectangular nested list of finite numbers of the given depth."""
    if depth == 0:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"parameter {name} must hold numbers only, got {shown(value)}")
        if not math.isfinite(_as_float(name, value)):
            raise InputError(f"parameter {name} must hold finite numbers, got {shown(value)}")
        return value  # type: ignore[return-value]
    if not isinstance(value, list) or not value:
        raise InputError(
            f"parameter {name} must be a non-empty nested list of depth {depth} "
            "(channels, rows, columns)"
        )
    items = [number_grid(name, item, depth - 1) for item in value]
    if len({_shape(item) for item in items}) != 1:
        raise InputError(f"parameter {name} is ragged: every row must have the same length")
    return items


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, list):
        return (len(value), *_shape(value[0]))
    return ()


def decimal_places(value: float) -> int:
    """Digits after the point in the shortest decimal that round-trips ``value``."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def require_one_of(name: str, value: Any, allowed: tuple[Any, ...]) -> None:
    """A parameter that takes one of a few values, of their type (true is not 1)."""
    require(any(type(value) is type(a) and value == a for a in allowed),
            f"parameter {name} must be one of {', '.join(json.dumps(a) for a in allowed)}, "
            f"got {shown(value)}")


def require_decimals(name: str, value: float, places: int) -> None:
    """Exact arithmetic works on the decimal the user typed; bound its length."""
    require(
        decimal_places(value) <= places,
        f"parameter {name} may have at most {places} decimal places, got {value!r}",
    )
