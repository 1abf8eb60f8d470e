"""Gutter-fold imposition: faces → one-sided sheets, fronts above a fold, backs below turned.

Folding each sheet along the line puts every back behind its front, so a printer without
duplex makes two-sided cards: fold, glue, cut. Folding turns the lower half over the line,
and turning the card over sideways turns it again: a back drawn upside down below its front
reads upright, with its bottom edge on the fold like the front's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.pdfgen.canvas import Canvas

from deckgen.draw.faces import Face
from deckgen.i18n import mark
from deckgen.outputs.impose import _EPS, SheetPlan, mm, paper_size
from deckgen.outputs.marks import (
    LABEL_FONT,
    MARK_COLOR,
    MARK_WIDTH,
    PRINTER_MARGIN,
    Say,
    _draw_notes,
    _plan_notes,
    english,
    register_label_font,
)

FOLD_DASH = (2 * mm, 1.2 * mm)
FOLD_NOTE = mark("fold on the dashed line, glue, then cut")[0]


def plan_gutter(paper: str | tuple[float, float], card_w: float, card_h: float, bleed: float,
                printer_margin: float = PRINTER_MARGIN) -> SheetPlan:
    """Two rows (fronts, backs) of as many columns as fit, on the paper turned whichever way
    holds more; a SheetPlan whose middle cut line is the fold."""
    portrait = paper_size(paper)
    best: SheetPlan | None = None
    for paper_w, paper_h in (portrait, portrait[::-1]):
        room_w, room_h = paper_w - 2 * printer_margin, paper_h - 2 * printer_margin
        cols = int(room_w / card_w + _EPS)
        if cols < 1 or 2 * card_h > room_h + _EPS:
            continue
        block_x, block_y = (paper_w - cols * card_w) / 2, (paper_h - 2 * card_h) / 2
        room_for_bleed = min(block_x, block_y) - printer_margin - MARK_WIDTH - 2.5 * mm
        plan = SheetPlan(paper_w, paper_h, card_w, card_h, False, cols, 2, block_x, block_y,
                         max(0.0, min(bleed, room_for_bleed)), printer_margin)
        if best is None or plan.cols > best.cols:
            best = plan
    if best is None:
        name = paper if isinstance(paper, str) else "the paper"
        raise ValueError(f"a {card_w / mm:.1f} × {card_h / mm:.1f} mm card and its back do not "
                         f"fit one above the other on {name}")
    return best


def _draw(canvas: Canvas, face: Face, plan: SheetPlan, col: int, back: bool, filled: int) -> None:
    b = plan.bleed
    x = plan.block_x + col * plan.card_w
    y = plan.block_y if back else plan.block_y + plan.card_h
    # Bleed on every side that no face shares: not along the fold, not between neighbours.
    left = x - (b if col == 0 else 0)
    right = x + plan.card_w + (b if col == filled - 1 else 0)
    bottom = y - (b if back else 0)
    top = y + plan.card_h + (0 if back else b)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(left, bottom, right - left, top - bottom)
    canvas.clipPath(clip, stroke=0, fill=0)
    if back:
        canvas.translate(x + plan.card_w, y + plan.card_h)
        canvas.rotate(180)
    else:
        canvas.translate(x, y)
    face.draw(canvas, 0, 0)
    canvas.restoreState()


def _marks(canvas: Canvas, plan: SheetPlan) -> None:
    fold = plan.block_y + plan.card_h
    canvas.saveState()
    canvas.setStrokeColor(MARK_COLOR)
    canvas.setLineWidth(MARK_WIDTH)
    canvas.setLineCap(0)
    for x1, y1, x2, y2 in plan.crop_marks():
        if abs(y1 - fold) < _EPS and abs(y2 - fold) < _EPS:
            continue
        canvas.line(x1, y1, x2, y2)
    # The fold runs across the margins as a dashed line, in the same place as its marks.
    canvas.setDash(*FOLD_DASH)
    right = plan.block_x + plan.block_w
    start, end = plan.mark_start, plan.mark_end("x")
    canvas.line(plan.block_x - end, fold, plan.block_x - start, fold)
    canvas.line(right + start, fold, right + end, fold)
    canvas.restoreState()


def gutter_fold(canvas: Canvas, pairs: Sequence[tuple[Face, Face]], plan: SheetPlan, *,
                title: str = "", label_font: str = LABEL_FONT,
                on_sheet: Callable[[int, int], None] | None = None,
                say: Say = english) -> None:
    """One page per sheet of `plan.cols` cards; the caller saves the canvas."""
    register_label_font(label_font)
    per = plan.cols
    sheets = -(-len(pairs) // per)
    notes = _plan_notes(plan, title, sheets, label_font, FOLD_NOTE, say)
    for sheet in range(sheets):
        canvas.setPageSize((plan.paper_w, plan.paper_h))
        held = pairs[sheet * per: (sheet + 1) * per]
        for col, (front, back) in enumerate(held):
            _draw(canvas, front, plan, col, False, len(held))
            _draw(canvas, back, plan, col, True, len(held))
        _marks(canvas, plan)
        _draw_notes(canvas, notes, label_font, sheet + 1, sheets, FOLD_NOTE)
        canvas.showPage()
        if on_sheet is not None:
            on_sheet(sheet + 1, sheets)
