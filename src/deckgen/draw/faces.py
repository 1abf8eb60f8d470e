"""The face protocol: what every output needs from the card drawer, and nothing more."""

from __future__ import annotations

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
