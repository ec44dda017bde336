"""Turning ``--param NAME=VALUE`` strings into a question's frozen parameter dataclass.

Types come from the dataclass annotations; range rules live in each question's
``Params.__post_init__`` (one place per question). Every failure is an InputError whose
message names the parameter and what is allowed.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from solver.model import InputError

P = TypeVar("P")


def parse_value(text: str) -> Any:
    """JSON where it parses (numbers, lists, true/false), else the plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_assignments(items: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param {item!r} must have the form NAME=VALUE")
        if raw == "":
            raise InputError(f"--param {name} has no value; give NAME=VALUE")
        if name in values:
            raise InputError(f"--param {name} is given twice")
        values[name] = parse_value(raw)
    return values


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
        raise InputError(f"parameter {name} must be true or false, got {value!r}")
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"parameter {name} must be an integer, got {value!r}")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise InputError(f"parameter {name} must be an integer, got {value!r}")
        return int(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"parameter {name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise InputError(f"parameter {name} must be a finite number, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise InputError(f"parameter {name} must be a word, got {value!r}")
        return value
    # Structured values (nested lists) are validated by the question itself.
    return value


def build(params_cls: type[P], raw: Mapping[str, Any]) -> P:
    """Build ``params_cls`` from raw values, rejecting unknown names and wrong types."""
    fields = {f.name: f for f in dataclasses.fields(params_cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        allowed = ", ".join(fields) or "none"
        raise InputError(f"unknown parameter {unknown[0]!r}; allowed: {allowed}")
    hints = typing.get_type_hints(params_cls)
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
            raise InputError(f"parameter {name} must hold numbers only, got {value!r}")
        if not math.isfinite(value):
            raise InputError(f"parameter {name} must hold finite numbers, got {value!r}")
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


def require_decimals(name: str, value: float, places: int) -> None:
    """Exact arithmetic works on the decimal the user typed; bound its length."""
    require(
        decimal_places(value) <= places,
        f"parameter {name} may have at most {places} decimal places, got {value!r}",
    )
