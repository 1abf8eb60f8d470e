"""Imposition stage: card faces N-up on print-and-play sheets, with crop marks and duplex backs."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Literal, get_args

from reportlab.pdfgen.canvas import Canvas

from deckgen.draw.faces import Face, face_form
from deckgen.outputs.marks import (
    INNER_MARK_LEN,
    LABEL_FONT,
    MARK_CLEAR,
    MARK_GAP,
    MARK_LEN,
    MARK_WIDTH,
    MIN_MARK_LEN,
    NOTE_CLEAR,
    PRINTER_MARGIN,
    Say,
    Side,
    _draw_crop_marks,
    _draw_notes,
    _plan_notes,
    english,
    register_label_font,
    scale_bar_size,
)
from deckgen.units import PAPER_SIZES

mm: float = 72 / 25.4

inch: float = 72.0

Duplex = Literal["long", "short", "none"]


_EPS = 1e-6

@dataclass(frozen=True)
class SheetPlan:
    """Geometry of one print-and-play sheet: paper, card grid and bleed, all in points."""

    paper_w: float
    paper_h: float
    card_w: float  # trim size as placed on the sheet (swapped if rotated)
    card_h: float
    rotated: bool  # cards turned 90° because more fit that way
    cols: int
    rows: int
    block_x: float  # lower-left of the trim block; cards abut, no gutter
    block_y: float
    bleed: float  # drawn around the outside of the block and beside empty slots
    edge: float = PRINTER_MARGIN  # marks and notes keep at least this far from the paper edge

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows

    @property
    def block_w(self) -> float:
        return self.cols * self.card_w

    @property
    def block_h(self) -> float:
        return self.rows * self.card_h

    @property
    def margin_x(self) -> float:
        """Space between the trim block and the nearer side edge of the paper."""
        return min(self.block_x, self.paper_w - self.block_x - self.block_w)

    @property
    def margin_y(self) -> float:
        """Space between the trim block and the nearer top or bottom edge of the paper."""
        return min(self.block_y, self.paper_h - self.block_y - self.block_h)

    def cut_xs(self) -> list[float]:
        """x of every vertical cut line, left to right (block edges included)."""
        return [self.block_x + i * self.card_w for i in range(self.cols + 1)]

    def cut_ys(self) -> list[float]:
        """y of every horizontal cut line, bottom to top (block edges included)."""
        return [self.block_y + j * self.card_h for j in range(self.rows + 1)]

    @property
    def mark_start(self) -> float:
        """Distance from the block to the inner end of every crop mark."""
        return max(MARK_GAP, self.bleed + MARK_CLEAR)

    def mark_end(self, axis: Literal["x", "y"]) -> float:
        """Distance from the block to the outer end of the marks that point along `axis`."""
        margin = self.margin_x if axis == "x" else self.margin_y
        # The stroke's width, not just its centre line, stays clear of the printer margin.
        return min(self.mark_start + MARK_LEN, margin - self.edge - MARK_WIDTH)

    def outer_marks(self, axis: Literal["x", "y"]) -> bool:
        """Whether the margin across `axis` has room for a usable mark outside the bleed."""
        return self.mark_end(axis) - self.mark_start >= MIN_MARK_LEN - _EPS

    def crop_marks(self) -> list[tuple[float, float, float, float]]:
        """Every crop mark as a segment (x1, y1, x2, y2): both ends of every cut line.

        Marks run from the outer end inwards. Where the margin is too thin, they are ticks
        inside the block along the cut line instead (see `inner_marks`).
        """
        top = self.block_y + self.block_h
        right = self.block_x + self.block_w
        start = self.mark_start
        marks = []
        if self.outer_marks("y"):
            end = self.mark_end("y")
            for x in self.cut_xs():
                marks.append((x, self.block_y - end, x, self.block_y - start))
                marks.append((x, top + end, x, top + start))
        else:
            for x in self.cut_xs():
                marks.append((x, self.block_y, x, self.block_y + INNER_MARK_LEN))
                marks.append((x, top, x, top - INNER_MARK_LEN))
        if self.outer_marks("x"):
            end = self.mark_end("x")
            for y in self.cut_ys():
                marks.append((self.block_x - end, y, self.block_x - start, y))
                marks.append((right + end, y, right + start, y))
        else:
            for y in self.cut_ys():
                marks.append((self.block_x, y, self.block_x + INNER_MARK_LEN, y))
                marks.append((right, y, right - INNER_MARK_LEN, y))
        return marks

    def inner_marks(self) -> bool:
        """Whether some marks had to go inside the block (drawn over a white halo)."""
        return not (self.outer_marks("x") and self.outer_marks("y"))

    def cell(self, index: int, side: Side, duplex: Duplex) -> tuple[int, int]:
        """(column, row) where slot `index` sits on the given side; row 0 is the top row."""
        if not 0 <= index < self.per_sheet:
            raise ValueError(f"slot {index} is not on a {self.cols}×{self.rows} sheet")
        _check_duplex(duplex)
        col, row = index % self.cols, index // self.cols
        if side == "back" and duplex == "long":
            col = self.cols - 1 - col
        elif side == "back" and duplex == "short":
            row = self.rows - 1 - row
        return col, row

    def index_at(self, col: int, row: int, side: Side, duplex: Duplex) -> int | None:
        """Slot index drawn at (column, row) on the given side, or None off the grid."""
        if not (0 <= col < self.cols and 0 <= row < self.rows):
            return None
        _check_duplex(duplex)
        # Mirroring is its own inverse: undo it the way `cell` does it.
        if side == "back" and duplex == "long":
            col = self.cols - 1 - col
        elif side == "back" and duplex == "short":
            row = self.rows - 1 - row
        return row * self.cols + col

    def slot(self, index: int, side: Side, duplex: Duplex) -> tuple[float, float]:
        """Lower-left corner of slot `index` (0 = top-left, row-major) on a front sheet, or of
        the slot on the back sheet that lands behind it once the sheet is flipped."""
        col, row = self.cell(index, side, duplex)
        return (
            self.block_x + col * self.card_w,
            self.block_y + (self.rows - 1 - row) * self.card_h,
        )

def _check_duplex(duplex: str) -> None:
    if duplex not in get_args(Duplex):
        raise ValueError(f"unknown duplex {duplex!r}: choose long, short or none")

def paper_size(paper: str | tuple[float, float]) -> tuple[float, float]:
    """(width, height) in points, portrait, of a paper name or an explicit size."""
    if isinstance(paper, str):
        try:
            w, h = PAPER_SIZES[paper.lower()]
        except KeyError:
            names = ", ".join(PAPER_SIZES)
            raise ValueError(f"unknown paper {paper!r}: choose one of {names}") from None
    else:
        w, h = paper
    if w <= 0 or h <= 0:
        raise ValueError(f"paper size must be positive, got {w:g} × {h:g} pt")
    return min(w, h), max(w, h)

def _fit(room: float, card: float) -> int:
    return max(0, math.floor(room / card + _EPS))

def plan_sheet(
    paper: str | tuple[float, float],
    card_w: float,
    card_h: float,
    bleed: float,
    printer_margin: float = PRINTER_MARGIN,
) -> SheetPlan:
    """Fit as many cards as possible on the paper, in whichever orientation holds more.

    The trim block is centred and keeps at least `printer_margin` from every paper edge, so the
    printer prints all of every card. When a margin is too narrow for the full `bleed` plus a
    crop mark, the sheet bleed shrinks (down to 0) rather than the sheet losing a row; when it
    is too narrow for a mark even without bleed, the cut lines across it get inner marks.
    """
    if card_w <= 0 or card_h <= 0:
        raise ValueError(f"card size must be positive, got {card_w:g} × {card_h:g} pt")
    if bleed < 0:
        raise ValueError(f"bleed must not be negative, got {bleed:g} pt")
    paper_w, paper_h = paper_size(paper)
    if printer_margin < 0:
        raise ValueError(f"printer margin must not be negative, got {printer_margin:g} pt")
    margin = printer_margin
    room_w, room_h = paper_w - 2 * margin, paper_h - 2 * margin

    upright = (_fit(room_w, card_w), _fit(room_h, card_h))
    turned = (_fit(room_w, card_h), _fit(room_h, card_w))
    rotated = turned[0] * turned[1] > upright[0] * upright[1]
    cols, rows = turned if rotated else upright
    if cols * rows == 0:
        name = paper if isinstance(paper, str) else "the paper"
        raise ValueError(
            f"a {card_w / mm:.1f} × {card_h / mm:.1f} mm card does not fit on {name} "
            f"({paper_w / mm:.1f} × {paper_h / mm:.1f} mm) with {margin / mm:.1f} mm margins "
            "for crop marks, in either orientation"
        )
    placed_w, placed_h = (card_h, card_w) if rotated else (card_w, card_h)
    block_x = (paper_w - cols * placed_w) / 2
    block_y = (paper_h - rows * placed_h) / 2
    # The bleed may only take what a margin leaves after a usable crop mark; a margin too thin
    # for an outer mark even without bleed gets inner marks, and does not limit the bleed.
    rooms = [side - margin - MARK_WIDTH for side in (block_x, block_y)]
    marked = [room for room in rooms if room >= MARK_GAP + MIN_MARK_LEN - _EPS]
    room_for_bleed = min(marked, default=bleed) - MARK_CLEAR - MIN_MARK_LEN
    # ... and must leave one margin deep enough for the scale bar beside it, or the user has no
    # way to check the print scale (Letter: 7.7 mm beside poker cards, none above or below).
    _, bar_h = scale_bar_size(register_label_font())
    room_for_bleed = min(room_for_bleed, max(rooms) - NOTE_CLEAR - MARK_WIDTH - bar_h)
    return SheetPlan(
        paper_w=paper_w,
        paper_h=paper_h,
        card_w=placed_w,
        card_h=placed_h,
        rotated=rotated,
        cols=cols,
        rows=rows,
        block_x=block_x,
        block_y=block_y,
        bleed=max(0.0, min(bleed, room_for_bleed)),
        edge=margin,
    )

def sheet_count(n_cards: int, plan: SheetPlan) -> int:
    """Number of sheets (each a front page and a back page) that `n_cards` cards need."""
    if n_cards < 0:
        raise ValueError(f"card count must not be negative, got {n_cards}")
    return -(-n_cards // plan.per_sheet)

def new_canvas(
    target: str | os.PathLike[str] | IO[bytes],
    paper: str | tuple[float, float],
    font: str = LABEL_FONT,
) -> Canvas:
    """A reproducible canvas whose initial font is an embedded TTF.

    ReportLab otherwise starts every page with Helvetica selected, which puts an unembedded
    standard-14 font into the PDF even when no text uses it.
    """
    register_label_font(font)
    out = os.fspath(target) if isinstance(target, os.PathLike) else target
    return Canvas(out, pagesize=paper_size(paper), invariant=1, initialFontName=font)

def _turn(plan: SheetPlan, side: Side, duplex: Duplex) -> int:
    """Degrees (counter-clockwise) a face is turned in its slot.

    Rotated fronts read with their top to the left. Backs are turned so that every cut card has
    the same physical edge at the top of both faces when it is turned over sideways like a book
    page, whatever the printer's flip: that means a long-edge flip reverses the quarter turn and a
    short-edge flip of upright cards needs a half turn.
    """
    front = 90 if plan.rotated else 0
    if side == "front" or duplex == "none":
        return front
    if duplex == "long":
        return -front
    return 90 if plan.rotated else 180

def bleed_sides(
    plan: SheetPlan, index: int, filled: int, side: Side, duplex: Duplex
) -> tuple[bool, bool, bool, bool]:
    """Which sides (left, right, bottom, top) of slot `index` get bleed on a sheet whose first
    `filled` slots hold cards: every side not shared with another card. Cards abut on a shared
    cut line; next to the outside of the block or an empty slot, art runs on by the bleed so a
    cut a little off the line leaves no white sliver."""
    col, row = plan.cell(index, side, duplex)

    def open_at(c: int, r: int) -> bool:
        neighbour = plan.index_at(c, r, side, duplex)
        return neighbour is None or neighbour >= filled

    # Row 0 is the top row: the row below has the larger number.
    below, above = open_at(col, row + 1), open_at(col, row - 1)
    return open_at(col - 1, row), open_at(col + 1, row), below, above

def _draw_face(
    canvas: Canvas,
    face: Face,
    plan: SheetPlan,
    index: int,
    side: Side,
    duplex: Duplex,
    filled: int | None = None,
) -> None:
    face_w, face_h = (plan.card_h, plan.card_w) if plan.rotated else (plan.card_w, plan.card_h)
    if abs(face.width - face_w) > 0.01 or abs(face.height - face_h) > 0.01:
        raise ValueError(
            f"face of {face.width / mm:.2f} × {face.height / mm:.2f} mm does not match the "
            f"sheet's {face_w / mm:.2f} × {face_h / mm:.2f} mm cards"
        )
    form = face_form(canvas, face)
    x, y = plan.slot(index, side, duplex)
    b = plan.bleed
    # Bleed only where no card is next to the slot, so no card covers a neighbour.
    open_left, open_right, open_bottom, open_top = bleed_sides(
        plan, index, plan.per_sheet if filled is None else filled, side, duplex
    )
    left = x - (b if open_left else 0)
    right = x + plan.card_w + (b if open_right else 0)
    bottom = y - (b if open_bottom else 0)
    top = y + plan.card_h + (b if open_top else 0)

    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(left, bottom, right - left, top - bottom)
    canvas.clipPath(clip, stroke=0, fill=0)
    turn = _turn(plan, side, duplex)
    if turn == 90:
        canvas.translate(x + plan.card_w, y)
    elif turn == -90:
        canvas.translate(x, y + plan.card_h)
    elif turn == 180:
        canvas.translate(x + plan.card_w, y + plan.card_h)
    else:
        canvas.translate(x, y)
    if turn:
        canvas.rotate(turn)
    if form is None:
        canvas.saveState()
        face.draw(canvas, 0, 0)
        canvas.restoreState()
    else:
        canvas.doForm(form)
    canvas.restoreState()

def page_order(n_sheets: int, duplex: Duplex) -> list[tuple[int, Side]]:
    """(sheet index, side) of every page: each front followed by its back, or all backs last."""
    _check_duplex(duplex)
    if duplex == "none":
        return [(s, "front") for s in range(n_sheets)] + [(s, "back") for s in range(n_sheets)]
    return [(s, side) for s in range(n_sheets) for side in ("front", "back")]

def impose(
    canvas: Canvas,
    pairs: Sequence[tuple[Face, Face]],
    plan: SheetPlan,
    *,
    duplex: Duplex = "long",
    back_offset: tuple[float, float] = (0.0, 0.0),
    title: str = "",
    label_font: str = LABEL_FONT,
    on_sheet: Callable[[int, int], None] | None = None,
    say: Say = english,
) -> None:
    """Add print-and-play pages for `pairs` (front, back per card, in print order) to `canvas`.

    Each page is finished with showPage; the caller saves the canvas. `back_offset` (points)
    moves everything on back pages, +x to the right and +y up as the back page is read, to
    correct a printer's duplex misregistration. `on_sheet(done, total)` is called after each page.
    """
    _check_duplex(duplex)
    register_label_font(label_font)
    sheets = sheet_count(len(pairs), plan)
    notes = _plan_notes(plan, title, sheets, label_font, say=say)
    pages = page_order(sheets, duplex)
    # `pairs` may make its faces as they are asked for (a big deck's faces need not all be in
    # memory at once): ask once per sheet, for both its pages when they follow each other, and
    # hold no more than one sheet's faces.
    held_sheet, held = -1, pairs[0:0]
    for done, (sheet, side) in enumerate(pages, start=1):
        canvas.setPageSize((plan.paper_w, plan.paper_h))
        canvas.saveState()
        if side == "back" and back_offset != (0.0, 0.0):
            canvas.translate(*back_offset)
        if held_sheet != sheet:
            first = sheet * plan.per_sheet
            held = pairs[0:0]  # let the previous sheet's faces go before making the next
            held_sheet, held = sheet, pairs[first : first + plan.per_sheet]
        for index, pair in enumerate(held):
            face = pair[0] if side == "front" else pair[1]
            _draw_face(canvas, face, plan, index, side, duplex, len(held))
        _draw_crop_marks(canvas, plan)
        _draw_notes(canvas, notes, label_font, sheet + 1, sheets, side)
        canvas.restoreState()
        canvas.showPage()
        if on_sheet is not None:
            on_sheet(done, len(pages))
