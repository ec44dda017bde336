"""The page code: who a page belongs to, as a strip of black and white cells the scanner
reads once the corner markers have placed the page.

A bit strip rather than a QR code: the markers already give the page's exact geometry, so
reading a cell is one mean of known pixels (no decoder that fails at 150 dpi or on a JPEG),
and it needs no library to print. 18 bytes, 144 cells: format, exam id, seed, variant,
booklet, page, then a CRC-16 over them, so a damaged or foreign strip is refused, never
misread as another page.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

FORMAT = 1
_LAYOUT = ">BHQHHB"  # format, exam id, seed, variant, booklet, page
BYTES = struct.calcsize(_LAYOUT) + 2
BITS = 8 * BYTES


@dataclass(frozen=True)
class PageCode:
    exam: int  # the exam's id (16 bits of its fingerprint)
    seed: int
    variant: int
    booklet: int  # the booklet's number: the student's, when a roster names them
    page: int

    def __post_init__(self) -> None:
        limits = {"exam": 16, "seed": 64, "variant": 16, "booklet": 16, "page": 8}
        for name, bits in limits.items():
            value = getattr(self, name)
            if not 0 <= value < 2**bits:
                raise ValueError(f"page code: {name} {value} does not fit {bits} bits")


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def encode(code: PageCode) -> bytes:
    body = struct.pack(_LAYOUT, FORMAT, code.exam, code.seed, code.variant, code.booklet,
                       code.page)
    return body + struct.pack(">H", crc16(body))


def bits(data: bytes) -> list[int]:
    """Most significant bit first."""
    return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]


def decode(cells: list[int]) -> PageCode | None:
    """The code the cells hold, or None when they are not one of ours (wrong length,
    format or checksum)."""
    if len(cells) != BITS:
        return None
    data = bytes(sum(bit << (7 - i) for i, bit in enumerate(cells[k:k + 8]))
                 for k in range(0, BITS, 8))
    body, (check,) = data[:-2], struct.unpack(">H", data[-2:])
    if crc16(body) != check:
        return None
    fmt, exam, seed, variant, booklet, page = struct.unpack(_LAYOUT, body)
    if fmt != FORMAT:
        return None
    return PageCode(exam, seed, variant, booklet, page)
