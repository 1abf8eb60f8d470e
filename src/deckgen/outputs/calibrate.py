"""Calibration stage: a two-page duplex test sheet that measures a printer's back-page offset."""

from __future__ import annotations

import os
from typing import IO

from reportlab.lib.colors import CMYKColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from deckgen.outputs.impose import mm, new_canvas, paper_size
from deckgen.outputs.marks import MARK_COLOR, draw_scale_bar, register_label_font, scale_bar_size

REACH = 40  # mm each ruler reaches from the centre
ARM = (REACH + 2) * mm  # a little past the last tick
GRID = 5  # mm either side of the centre covered by a fine grid, where a good printer's hole lands
TEXT = CMYKColor(0, 0, 0, 0.9)
MUTED = CMYKColor(0, 0, 0, 0.6)
GRID_COLOR = CMYKColor(0, 0, 0, 0.25)
MARGIN = 20 * mm
MEASURE = 150 * mm  # longest text line: wider lines get hard to follow

FRONT_INTRO = (
    "This is the front. Print both pages double-sided at 100 % (“actual size”, not “fit to "
    "page”), flipping on the edge you will use for the cards. Then push a pin through the centre "
    "of the cross below and turn the sheet over."
)

STEPS = (
    "Check the 50 mm bar at the bottom with a ruler. If it is not 50 mm long, the printer scaled "
    "the page: switch scaling off and print again before measuring.",
    "Push a pin through the centre of the cross on the front (or hold the sheet against a window "
    "and look through it).",
    "On this side, read where the pin hole is: X on the horizontal ruler, Y on the vertical "
    "ruler, in millimetres. Right and up are positive, as you look at this side.",
    "Build the cards with  --back-offset X,Y  using those two numbers. It moves everything on "
    "the back pages by X to the right and Y up, so the backs land on the hole, behind the fronts.",
)

EXAMPLE = (
    "Example: the hole is 1.5 mm left of the centre and 0.5 mm above it, so the back cross sits "
    "1.5 mm right of the front one. Pass  --back-offset -1.5,0.5  and the backs move 1.5 mm left "
    "and 0.5 mm up. A hole on the centre means the printer is aligned: no offset needed."
)


def write_calibration(
    path_or_canvas: str | os.PathLike[str] | IO[bytes] | Canvas,
    paper: str,
    font: str = "Lato-Regular",
) -> None:
    """Write the front and back calibration pages.

    Given a path or file, a reproducible PDF is written and saved; given a canvas, two pages are
    added to it and saving is left to the caller.
    """
    register_label_font(font)
    size = paper_size(paper)
    owned = not isinstance(path_or_canvas, Canvas)
    canvas: Canvas
    if isinstance(path_or_canvas, Canvas):
        canvas = path_or_canvas
    else:
        canvas = new_canvas(path_or_canvas, size, font)
    w, h = size
    # A cross at the centre lands on itself under a long-edge or a short-edge flip, so one sheet
    # serves both duplex modes.
    cx, cy = w / 2, h / 2
    text_w = min(w - 2 * MARGIN, MEASURE)
    label = paper.upper() if paper.lower() == "a4" else paper.capitalize()

    canvas.setPageSize(size)
    y = _heading(canvas, font, w, h, "front", label)
    _paragraph(canvas, font, FRONT_INTRO, MARGIN, y, text_w, 10, 14)
    _cross(canvas, font, cx, cy)
    _footer(canvas, font, w)
    canvas.showPage()

    canvas.setPageSize(size)
    y = _heading(canvas, font, w, h, "back", label)
    for n, step in enumerate(STEPS, start=1):
        canvas.setFillColor(TEXT)
        canvas.setFont(font, 10)
        canvas.drawString(MARGIN, y - 10, f"{n}.")
        y = _paragraph(canvas, font, step, MARGIN + 6 * mm, y, text_w - 6 * mm, 10, 14)
        y -= 4
    _cross(canvas, font, cx, cy)
    _paragraph(canvas, font, EXAMPLE, MARGIN, cy - ARM - 10 * mm, text_w, 9, 13, MUTED)
    _footer(canvas, font, w)
    canvas.showPage()

    if owned:
        canvas.save()


def _heading(canvas: Canvas, font: str, w: float, h: float, side: str, paper: str) -> float:
    """Title and subtitle; returns the y below which body text may start."""
    canvas.setFillColor(TEXT)
    canvas.setFont(font, 18)
    canvas.drawString(MARGIN, h - MARGIN - 18, f"Duplex calibration · {side}")
    canvas.setFillColor(MUTED)
    canvas.setFont(font, 9)
    canvas.drawString(
        MARGIN, h - MARGIN - 32, f"deckgen · {paper} · print both pages, then measure"
    )
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, h - MARGIN - 40, w - MARGIN, h - MARGIN - 40)
    return float(h - MARGIN - 52)


def _paragraph(
    canvas: Canvas,
    font: str,
    text: str,
    x: float,
    top: float,
    width: float,
    size: float,
    leading: float,
    color: CMYKColor = TEXT,
) -> float:
    """Text wrapped to `width` with its first line's top at `top`; returns the y below it."""
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    y = top - size
    for line in simpleSplit(text, font, size, width):
        canvas.drawString(x, y, line)
        y -= leading
    # The next paragraph's first baseline then sits one leading below this one's last.
    return y + size


def _signed(n: int) -> str:
    # A true minus sign: a hyphen is easy to misread next to a tick.
    return f"+{n}" if n > 0 else f"−{-n}"


def _cross(canvas: Canvas, font: str, cx: float, cy: float) -> None:
    """The target: a fine grid at the centre and two mm rulers that form the cross."""
    canvas.saveState()
    canvas.setLineCap(0)

    canvas.setStrokeColor(GRID_COLOR)
    canvas.setLineWidth(0.2)
    for i in range(-GRID, GRID + 1):
        canvas.line(cx + i * mm, cy - GRID * mm, cx + i * mm, cy + GRID * mm)
        canvas.line(cx - GRID * mm, cy + i * mm, cx + GRID * mm, cy + i * mm)

    canvas.setStrokeColor(MARK_COLOR)
    canvas.setLineWidth(0.3)
    canvas.line(cx - ARM, cy, cx + ARM, cy)
    canvas.line(cx, cy - ARM, cx, cy + ARM)
    canvas.circle(cx, cy, 3 * mm, stroke=1, fill=0)
    for i in range(-REACH, REACH + 1):
        if i == 0:
            continue
        tick = (3.0 if i % 10 == 0 else 2.0 if i % 5 == 0 else 1.0) * mm / 2
        d = i * mm
        canvas.line(cx + d, cy - tick, cx + d, cy + tick)
        canvas.line(cx - tick, cy + d, cx + tick, cy + d)

    canvas.setFillColor(TEXT)
    canvas.setFont(font, 6)
    # Every 10 mm only: labels at 5 mm would sit on the grid and on each other.
    for i in range(-REACH, REACH + 1, 10):
        if i == 0:
            continue
        d = i * mm
        canvas.drawCentredString(cx + d, cy - 2.2 * mm - 6, _signed(i))
        canvas.drawString(cx + 2.2 * mm, cy + d - 2, _signed(i))
    canvas.setFont(font, 8)
    canvas.drawString(cx + ARM + 1.5 * mm, cy - 3, "X mm →")
    canvas.drawCentredString(cx, cy + ARM + 1.5 * mm, "↑ Y mm")
    canvas.restoreState()


def _footer(canvas: Canvas, font: str, w: float) -> None:
    bar_w, _ = scale_bar_size(font)
    canvas.saveState()
    canvas.translate((w - bar_w) / 2, MARGIN)
    draw_scale_bar(canvas, font)
    canvas.restoreState()
