"""The face protocol: what every output needs from the card drawer, and nothing more."""

from __future__ import annotations

import hashlib
from typing import Protocol

from reportlab.pdfgen.canvas import Canvas


class Face(Protocol):
    """One printable side of a card.

    `draw` paints the face with the lower-left corner of its trim box at (x, y) in the canvas's
    current coordinates; art that touches an edge runs on by `bleed` points beyond the trim box.
    Faces with the same `form_key` are identical, so an output may draw one of them once as a
    PDF form XObject and reuse it; None means the face is unique.
    """

    width: float  # trim width in points
    height: float  # trim height in points
    bleed: float  # bleed in points, on every side
    form_key: str | None

    def draw(self, canvas: Canvas, x: float, y: float) -> None: ...


def face_form(canvas: Canvas, face: Face, *, trimmed: bool = False,
              key: str | None = None) -> str | None:
    """The name of `face` as a form XObject on `canvas`, painted there the first time it is
    asked for; None for a face that is unique (it is drawn directly).

    This is the one cache of faces as forms: every output that repeats a face (sheets, the
    print-shop file, workbook thumbnails) goes through it. `trimmed` forms stop at the trim box,
    for thumbnails; others carry the bleed. Names come from the key, so bytes are reproducible.
    """
    key = face.form_key or key
    if key is None:
        return None
    name = ("card" if trimmed else "face") + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    if not canvas.hasForm(name):
        b = 0.0 if trimmed else face.bleed
        canvas.beginForm(name, -b, -b, face.width + b, face.height + b)
        face.draw(canvas, 0, 0)
        canvas.endForm()
    return name
