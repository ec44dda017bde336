"""The parent's side of the result stream: framed records parsed defensively.

A record is 8 bytes (header length, payload length; big-endian), a JSON object, and for
a tensor its raw bytes. The stream comes from untrusted code: sizes are bounded, only four
dtypes are accepted, a tensor's byte count must equal its shape's, nothing is unpickled,
a tensor that breaks these rules becomes a message, a record the runner would not
write is skipped, and a broken frame ends the parse (what came before it stands).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any

MAX_HEADER = 64 << 10
MAX_PAYLOAD = 4 << 20
MAX_RECORDS = 20_000
MAX_DIMS = 8
DTYPES = {"float32": "<f4", "float64": "<f8", "int64": "<i8", "bool": "|b1"}
_ITEMSIZE = {"float32": 4, "float64": 8, "int64": 8, "bool": 1}


@dataclass
class StepResult:
    """One probe step: its values by name (numpy arrays or JSON values), or its error."""

    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    done: bool = False

    @property
    def closed(self) -> bool:
        return self.done or self.error is not None


@dataclass
class Transcript:
    ready: bool = False
    seccomp: str = ""
    cpu: str = ""  # the CPU kernels torch chose in the sandbox (AVX2, AVX512, …)
    begun: list[str] = field(default_factory=list)
    steps: dict[str, StepResult] = field(default_factory=dict)
    end: bool = False
    corrupt: str = ""


def _header(data: bytes, offset: int) -> tuple[dict[str, Any], bytes, int] | None:
    """The record at ``offset``: (header, payload, next offset); None if incomplete."""
    if len(data) - offset < 8:
        return None
    head_size, payload_size = struct.unpack_from(">II", data, offset)
    if head_size > MAX_HEADER or payload_size > MAX_PAYLOAD:
        raise ValueError(f"record of {head_size} + {payload_size} bytes is too large")
    end = offset + 8 + head_size + payload_size
    if len(data) < end:
        return None
    header = json.loads(data[offset + 8:offset + 8 + head_size].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("record header is not a JSON object")
    return header, bytes(data[offset + 8 + head_size:end]), end


def starts_ready(data: bytes) -> bool:
    """Whether the stream so far begins with the runner's ``ready`` record."""
    try:
        first = _header(data, 0)
    except (ValueError, UnicodeDecodeError):
        return False
    return first is not None and first[0].get("ready") is True


def _array(header: dict[str, Any], payload: bytes) -> Any:
    import numpy as np

    dtype, shape = header.get("dtype"), header.get("shape")
    if dtype not in DTYPES:
        raise ValueError(f"dtype {dtype!r} is not accepted")
    if (not isinstance(shape, list) or len(shape) > MAX_DIMS
            or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_PAYLOAD
                       for n in shape)):
        raise ValueError(f"bad shape {shape!r}")
    count = 1
    for n in shape:
        count *= n
    if count * _ITEMSIZE[dtype] != len(payload):
        raise ValueError(f"{len(payload)} bytes do not hold a {dtype} tensor of shape {shape}")
    return np.frombuffer(payload, dtype=np.dtype(DTYPES[dtype])).reshape(shape).copy()


def parse(data: bytes) -> Transcript:
    transcript = Transcript()
    offset = 0
    try:
        for _ in range(MAX_RECORDS):
            found = _header(data, offset)
            if found is None:
                if offset < len(data):
                    transcript.corrupt = "the stream ends inside a record"
                break
            header, payload, offset = found
            _apply(transcript, header, payload)
        else:
            transcript.corrupt = f"more than {MAX_RECORDS} records"
    except (ValueError, UnicodeDecodeError, struct.error, RecursionError) as error:
        # RecursionError: a header nested too deep for json (review: "[" * 60000). The
        # stream is the submission's to corrupt: its zero, never the grading run's end.
        transcript.corrupt = f"{type(error).__name__}: {error}"[:200]
    return transcript


def _apply(transcript: Transcript, header: dict[str, Any], payload: bytes) -> None:
    if header.get("ready") is True and not transcript.begun:
        transcript.ready = True
        transcript.seccomp = str(header.get("seccomp", ""))[:300]
        transcript.cpu = str(header.get("cpu", ""))[:40]
        return
    if header.get("end") is True:
        transcript.end = True
        return
    begin = header.get("begin")
    if isinstance(begin, str):
        transcript.begun.append(begin[:100])
        transcript.steps[begin[:100]] = StepResult()  # the runner's begin: a fresh step
        return
    key = header.get("key")
    if not isinstance(key, str):
        return  # not a record the runner writes
    result = transcript.steps.get(key[:100])
    if result is None or result.closed:
        return  # only between a step's begin and its end: anything else is not the runner's
    if "error" in header:
        result.error = str(header["error"])[:500]
    elif header.get("done") is True:
        result.done = True
    else:
        name = str(header.get("name", ""))[:100]
        if name not in result.values:
            try:
                result.values[name] = _array(header, payload) if "dtype" in header \
                    else header.get("json")
            except ValueError as error:
                result.values[name] = f"<{error}>"
