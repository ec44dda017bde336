"""Element-wise comparison with float32 tolerances, naming the first wrong element.

An element passes when |got - expected| <= ATOL + RTOL * |expected| (torch.testing's
form; never float ==). The reference runs the same float32 inputs through different
but equivalent operations, so RTOL and ATOL leave room for rounding only: a missing bias
or a factor of 2 is off by orders of magnitude more.
"""

from __future__ import annotations

from typing import Any

RTOL = 1e-4
ATOL = 1e-5


def shape_text(shape: Any) -> str:
    dims = tuple(int(n) for n in shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def _numpy(value: Any) -> Any:
    import numpy as np

    if hasattr(value, "detach"):
        return value.detach().double().numpy()
    return np.asarray(value, dtype=np.float64)


def describe(value: Any) -> str:
    """What a value that should have been a tensor is instead."""
    if isinstance(value, str):
        return value.strip("<>") if value.startswith("<") else repr(value[:80])
    return f"a {type(value).__name__}" if value is not None else "nothing (None)"


def first_wrong(name: str, got: Any, expected: Any, rtol: float = RTOL,
                atol: float = ATOL) -> str | None:
    """None when ``got`` matches ``expected`` element-wise, else what is wrong:
    '<name>[i, j]: expected 0.25, got 0.75 (...)' at the first wrong element."""
    import numpy as np

    if not isinstance(got, np.ndarray):
        return f"{name} is {describe(got)}, not a tensor"
    want = _numpy(expected)
    if got.shape != want.shape:
        return f"{name} has shape {shape_text(got.shape)}, expected {shape_text(want.shape)}"
    have = got.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        good = np.abs(have - want) <= atol + rtol * np.abs(want)
    if bool(good.all()):
        return None
    flat = int(np.argmin(good.reshape(-1)))
    index = np.unravel_index(flat, good.shape) if good.shape else ()
    where = f"[{', '.join(str(int(i)) for i in index)}]" if index else ""
    g, e = float(have[index]) + 0.0, float(want[index]) + 0.0  # + 0.0: no "-0"
    wrong = int((~good).sum())
    return (f"{name}{where}: expected {e:.7g}, got {g:.7g} (difference {abs(g - e):.3g}, "
            f"tolerance {atol:g} + {rtol:g}·|expected|; {wrong} of {good.size} elements wrong)")


def close(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return first_wrong("", got, expected, rtol, atol) is None
