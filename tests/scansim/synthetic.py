"""A tiny booklets folder (booklets.json and its PDFs) for testing the simulator alone.

It follows the booklets.json format of `solver booklets` (ArUco DICT_4X4_50 corner markers
ids 0..3, a page-code bit strip, square boxes, areas) on two short pages, drawn with Pillow,
so the simulator's tests need not wait for, or depend on, the real booklet maker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 595.276, 841.89  # A4 in pt
MARKER, MARGIN = 28.346, 34.016  # corner marker side and its distance from the edges
BOX, PITCH = 12.756, 18.425  # a tick box's side, and the distance between boxes
DRAW_DPI = 144  # the PDF's pixels per inch
CODE = {"x": 127.559, "y": 783.071, "cell": 7.087, "rows": 2, "columns": 48}


def _fiducials() -> list[dict[str, Any]]:
    far_x, far_y = WIDTH - MARGIN - MARKER, HEIGHT - MARGIN - MARKER
    places = [(MARGIN, MARGIN), (far_x, MARGIN), (far_x, far_y), (MARGIN, far_y)]
    return [{"id": i, "x": x, "y": y, "size": MARKER} for i, (x, y) in enumerate(places)]


def _box(box_id: str, what: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {"id": box_id, "what": what, **extra, "x": x, "y": y, "w": BOX, "h": BOX}


def _page_one(digits: int) -> dict[str, Any]:
    boxes = [_box(f"student.c{c}.d{d}", "student", 360 + (c - 1) * PITCH, 160 + d * PITCH,
                  column=c, digit=d)
             for c in range(1, digits + 1) for d in range(10)]
    for q in range(1, 4):
        boxes += [_box(f"paper.{q}.{o}", "choice", 100 + k * 50, 380 + q * 30,
                       question=f"paper.{q}", option=o) for k, o in enumerate("ABCD")]
    areas = [{"id": "name", "what": "name", "x": 42.52, "y": 200.0, "w": 290.0, "h": 40.0}]
    return {"page": 1, "boxes": boxes, "areas": areas}


def _page_two() -> dict[str, Any]:
    boxes = [_box("lecture.1.1.sign", "sign", 50, 120, question="lecture.1", part="1")]
    boxes += [_box(f"lecture.1.1.c{c}.d{d}", "digit", 80 + (c - 1) * PITCH, 120 + d * PITCH,
                   question="lecture.1", part="1", column=c, digit=d)
              for c in range(1, 4) for d in range(10)]
    boxes += [_box(f"paper.4.{o}", "choice", 100 + k * 50, 360, question="paper.4", option=o)
              for k, o in enumerate("ABC")]
    areas = [{"id": "lecture.1.1.working", "what": "written", "question": "lecture.1",
              "part": "1", "x": 245.0, "y": 100.0, "w": 300.0, "h": 200.0},
             {"id": "lab.1.A", "what": "written", "question": "lab.1", "part": "A",
              "x": 42.52, "y": 420.0, "w": 510.0, "h": 110.0}]
    return {"page": 2, "boxes": boxes, "areas": areas}


def _draw(page: dict[str, Any], fiducials: list[dict[str, Any]]) -> Image.Image:
    s = DRAW_DPI / 72
    image = Image.new("L", (round(WIDTH * s), round(HEIGHT * s)), 255)
    pen = ImageDraw.Draw(image)
    aruco = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    for f in fiducials:
        side = round(f["size"] * s)
        marker = cv2.aruco.generateImageMarker(aruco, f["id"], side)
        image.paste(Image.fromarray(marker), (round(f["x"] * s), round(f["y"] * s)))
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(page["code"]), np.uint8))
    cell = CODE["cell"]
    for k, bit in enumerate(bits[: CODE["rows"] * CODE["columns"]]):
        if bit:
            r, c = divmod(k, CODE["columns"])
            x, y = CODE["x"] + c * cell, CODE["y"] + r * cell
            pen.rectangle([x * s, y * s, (x + cell) * s - 1, (y + cell) * s - 1], fill=0)
    for box in page["boxes"]:
        pen.rectangle([box["x"] * s, box["y"] * s, (box["x"] + box["w"]) * s,
                       (box["y"] + box["h"]) * s], outline=0, width=1)
    for area in page["areas"]:
        bottom = (area["y"] + area["h"]) * s
        pen.line([area["x"] * s, bottom, (area["x"] + area["w"]) * s, bottom], fill=0, width=1)
    return image


def make_booklets(out_dir: Path, *, count: int = 2, seed: int = 0) -> Path:
    """Write count two-page booklets (booklet 1 with a roster student, the others without)
    and booklets.json into out_dir; returns out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    fiducials = _fiducials()
    booklets = []
    for n in range(1, count + 1):
        pages = [_page_one(8), _page_two()]
        for page in pages:
            page["code"] = rng.bytes(int(CODE["rows"] * CODE["columns"]) // 8).hex()
        images = [_draw(page, fiducials).convert("1") for page in pages]
        file = f"booklet-{n:03d}.pdf"
        images[0].save(out_dir / file, "PDF", save_all=True, append_images=images[1:],
                       resolution=float(DRAW_DPI))
        student = {"number": "20240817", "name": "Ada Lovelace"} if n == 1 else None
        booklets.append({"booklet": n, "variant": 1 + (n - 1) % 2, "student": student,
                         "file": file, "pages": pages})
    layout = {
        "format": "solver-booklets/1", "exam": {"title": "Synthetic", "id": "00ff"},
        "seed": seed, "id_digits": 8,
        "page": {"width": WIDTH, "height": HEIGHT, "unit": "pt", "origin": "top-left"},
        "fiducials": fiducials, "code": CODE, "booklets": booklets,
    }
    (out_dir / "booklets.json").write_text(json.dumps(layout, indent=1) + "\n", "utf-8")
    return out_dir
