"""Imposition stage: card faces N-up on print-and-play sheets, with crop marks and duplex backs."""

from __future__ import annotations

import itertools
import math
import os
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Literal, get_args

from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from deckgen.faces import Face
from deckgen.resources import data_dir

mm: float = 72 / 25.4
inch: float = 72.0

PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210 * mm, 297 * mm),
    "letter": (8.5 * inch, 11 * inch),
}

Duplex = Literal["long", "short", "none"]
Side = Literal["front", "back"]

LABEL_FONT = "Lato-Regular"

# Crop marks. They start MARK_GAP from the trim block, or just past the sheet bleed when that is
# wider: a mark inside the bleed would show on any card cut a little outside its trim line.
MARK_GAP = 2 * mm
MARK_CLEAR = 0.5 * mm  # between the bleed edge and a mark
MARK_LEN = 5 * mm
MIN_MARK_LEN = 2 * mm  # shorter than this, a mark is too easy to miss when cutting
# Most home printers cannot print the outer 4–6.35 mm of a sheet: nothing a user cuts by or reads
# goes nearer the paper edge than this (`--printer-margin` asks for more).
PRINTER_MARGIN = 5 * mm
# When a margin is too thin for an outer mark (Letter above and below poker cards), the cut
# line is marked by a tick along it, inside the block: it lies on the cut, so cutting removes it.
INNER_MARK_LEN = 3 * mm
MARK_HALO = 1.2  # a white line under an inner mark keeps it visible on dark card art
MARK_WIDTH = 0.25
# A single ink keeps hairlines crisp even when the printer's colour planes are misregistered.
MARK_COLOR = CMYKColor(0, 0, 0, 1)

# Margin notes (sheet label, scale bar).
NOTE_SIZE = 6.5
NOTE_COLOR = CMYKColor(0, 0, 0, 0.6)
NOTE_CLEAR = 1.5 * mm  # between a note and the bleed, a mark or another note
SCALE_LEN = 50 * mm
SCALE_TEXT = "this bar is 50 mm — if not, print at 100 % (“actual size”)"

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


# --------------------------------------------------------------------------------------------
# Fonts and canvases


def register_label_font(name: str = LABEL_FONT) -> str:
    """Make sure `name` is a registered, embeddable TrueType font; Lato is registered on demand."""
    if name not in pdfmetrics.getRegisteredFontNames() and name == LABEL_FONT:
        path = data_dir("fonts") / "lato" / "Lato-Regular.ttf"
        pdfmetrics.registerFont(TTFont(LABEL_FONT, str(path)))
    if name not in pdfmetrics.getRegisteredFontNames():
        raise ValueError(f"font {name!r} is not registered with ReportLab")
    if not isinstance(pdfmetrics.getFont(name), TTFont):
        # The standard 14 fonts are never embedded, and print rules demand embedded fonts.
        raise ValueError(f"font {name!r} is not an embedded TrueType font")
    return name


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


# --------------------------------------------------------------------------------------------
# Drawing faces

# Form XObject names per canvas, keyed by form_key; a weak map so finished canvases are freed.
_FORMS: weakref.WeakKeyDictionary[Canvas, dict[str, str]] = weakref.WeakKeyDictionary()


def _form_for(canvas: Canvas, face: Face) -> str | None:
    if face.form_key is None:
        return None
    forms = _FORMS.setdefault(canvas, {})
    name = forms.get(face.form_key)
    if name is None:
        # Sequential names keep the bytes reproducible and stay valid PDF names for any key.
        name = f"deckgenFace{len(forms)}"
        b = face.bleed
        canvas.beginForm(name, -b, -b, face.width + b, face.height + b)
        face.draw(canvas, 0, 0)
        canvas.endForm()
        forms[face.form_key] = name
    return name


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
    form = _form_for(canvas, face)
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


def _draw_crop_marks(canvas: Canvas, plan: SheetPlan) -> None:
    canvas.saveState()
    canvas.setLineCap(0)
    if plan.inner_marks():
        canvas.setStrokeColor(CMYKColor(0, 0, 0, 0))
        canvas.setLineWidth(MARK_HALO)
        for x1, y1, x2, y2 in plan.crop_marks():
            inside = plan.block_x - _EPS <= min(x1, x2) and max(x1, x2) <= (
                plan.block_x + plan.block_w + _EPS) and plan.block_y - _EPS <= min(y1, y2) and (
                max(y1, y2) <= plan.block_y + plan.block_h + _EPS)
            if inside:
                canvas.line(x1, y1, x2, y2)
    canvas.setStrokeColor(MARK_COLOR)
    canvas.setLineWidth(MARK_WIDTH)
    canvas.setLineCap(0)
    for x1, y1, x2, y2 in plan.crop_marks():
        canvas.line(x1, y1, x2, y2)
    canvas.restoreState()


# --------------------------------------------------------------------------------------------
# Margin notes: sheet label and scale bar


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def grow(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.x + other.w - _EPS
            and other.x < self.x + self.w - _EPS
            and self.y < other.y + other.h - _EPS
            and other.y < self.y + self.h - _EPS
        )

    def within(self, other: Rect) -> bool:
        return (
            self.x >= other.x - _EPS
            and self.y >= other.y - _EPS
            and self.x + self.w <= other.x + other.w + _EPS
            and self.y + self.h <= other.y + other.h + _EPS
        )


@dataclass(frozen=True)
class NotePlace:
    """Where a margin note goes: its footprint on the sheet and whether it reads bottom-to-top."""

    rect: Rect
    rotated: bool


MarginSide = Literal["bottom", "top", "left", "right"]


def keep_out(plan: SheetPlan) -> list[Rect]:
    """What margin notes must not touch: the block with its bleed, and every crop mark."""
    b = plan.bleed
    areas = [Rect(plan.block_x - b, plan.block_y - b, plan.block_w + 2 * b, plan.block_h + 2 * b)]
    half = MARK_WIDTH / 2
    for x1, y1, x2, y2 in plan.crop_marks():
        areas.append(
            Rect(
                min(x1, x2) - half,
                min(y1, y2) - half,
                abs(x2 - x1) + 2 * half,
                abs(y2 - y1) + 2 * half,
            )
        )
    return areas


def _spans(cuts: list[float], lo: float, hi: float, start_first: bool) -> list[tuple[float, float]]:
    """Stretches between neighbouring cut lines, then the whole block, then the whole paper."""
    cells = list(itertools.pairwise(cuts))
    return [*(cells if start_first else cells[::-1]), (cuts[0], cuts[-1]), (lo, hi)]


def _along(spans: list[tuple[float, float]], size: float, start_first: bool) -> list[float]:
    gap = NOTE_CLEAR + MARK_WIDTH
    out = []
    for lo, hi in spans:
        near, mid, far = lo + gap, (lo + hi - size) / 2, hi - gap - size
        out += [near, mid, far] if start_first else [far, mid, near]
    return out


def _candidates(
    plan: SheetPlan, w: float, h: float, side: MarginSide, start_first: bool, edge: float
) -> Iterator[NotePlace]:
    gap = NOTE_CLEAR + MARK_WIDTH
    b = plan.bleed
    top, right = plan.block_y + plan.block_h, plan.block_x + plan.block_w
    if side in ("bottom", "top"):
        xs = _along(_spans(plan.cut_xs(), 0, plan.paper_w, start_first), w, start_first)
        end = plan.mark_end("y")
        if side == "bottom":
            ys = [plan.block_y - b - gap - h, plan.block_y - end - gap - h, edge]
        else:
            ys = [top + b + gap, top + end + gap, plan.paper_h - edge - h]
        for y in ys:
            for x in xs:
                yield NotePlace(Rect(x, y, w, h), rotated=False)
    else:
        # Turned a quarter to read bottom-to-top: the footprint is h wide and w tall.
        ys = _along(_spans(plan.cut_ys(), 0, plan.paper_h, start_first), w, start_first)
        end = plan.mark_end("x")
        if side == "left":
            xs = [plan.block_x - b - gap - h, plan.block_x - end - gap - h, edge]
        else:
            xs = [right + b + gap, right + end + gap, plan.paper_w - edge - h]
        for x in xs:
            for y in ys:
                yield NotePlace(Rect(x, y, h, w), rotated=True)


def place_note(
    plan: SheetPlan,
    w: float,
    h: float,
    sides: Sequence[MarginSide],
    start_first: bool,
    taken: Sequence[Rect] = (),
) -> NotePlace | None:
    """First spot in the margins, by preference, where a w × h note clears everything.

    Spots hugging the bleed come first so notes stay away from the paper edge, where printers
    cannot print; a note turns a quarter when only a side margin has room.
    """
    blocked = [r.grow(NOTE_CLEAR) for r in [*keep_out(plan), *taken]]
    edge = plan.edge
    paper = Rect(edge, edge, plan.paper_w - 2 * edge, plan.paper_h - 2 * edge)
    for side in sides:
        for place in _candidates(plan, w, h, side, start_first, edge):
            if place.rect.within(paper) and not any(place.rect.overlaps(r) for r in blocked):
                return place
    return None


def _text_height(font: str, size: float) -> tuple[float, float]:
    """(height, baseline offset from the bottom) of one line of text."""
    ascent, descent = pdfmetrics.getAscentDescent(font, size)
    return ascent - descent, -descent


def scale_bar_size(font: str, size: float = NOTE_SIZE) -> tuple[float, float]:
    text_h, _ = _text_height(font, size)
    width = max(SCALE_LEN, pdfmetrics.stringWidth(SCALE_TEXT, font, size))
    return width, text_h + 0.8 * mm + 1.8 * mm


def draw_scale_bar(canvas: Canvas, font: str, size: float = NOTE_SIZE) -> None:
    """A 50 mm bar with ticks every 5 mm above a caption, lower-left at the origin."""
    width, _ = scale_bar_size(font, size)
    text_h, baseline = _text_height(font, size)
    x0 = (width - SCALE_LEN) / 2
    bar_y = text_h + 0.8 * mm
    canvas.saveState()
    canvas.setStrokeColor(MARK_COLOR)
    canvas.setLineWidth(0.4)
    canvas.setLineCap(0)
    canvas.line(x0, bar_y, x0 + SCALE_LEN, bar_y)
    for i in range(11):
        tick = 1.8 if i in (0, 10) else 1.2 if i % 2 == 0 else 0.7
        x = x0 + i * 5 * mm
        canvas.line(x, bar_y, x, bar_y + tick * mm)
    canvas.setFillColor(NOTE_COLOR)
    canvas.setFont(font, size)
    canvas.drawCentredString(width / 2, baseline, SCALE_TEXT)
    canvas.restoreState()


def _draw_note(canvas: Canvas, place: NotePlace, draw: Callable[[], None]) -> None:
    canvas.saveState()
    r = place.rect
    if place.rotated:
        canvas.translate(r.x + r.w, r.y)
        canvas.rotate(90)
    else:
        canvas.translate(r.x, r.y)
    draw()
    canvas.restoreState()


@dataclass(frozen=True)
class _Notes:
    title: str
    label: NotePlace | None
    bar: NotePlace | None


def sheet_label(title: str, sheet: int, sheets: int, side: str) -> str:
    # A side names what the page holds; anything else (gutter-fold) is said as it is.
    text = f"sheet {sheet}/{sheets} · {side}s" if side in get_args(Side) else (
        f"sheet {sheet}/{sheets} · {side}")
    return f"{title} · {text}" if title else text


def _plan_notes(plan: SheetPlan, title: str, sheets: int, font: str, side: str = "front",
                ) -> _Notes:
    """Place the scale bar, then the longest sheet label, shortening the title if it must."""
    bar = place_note(
        plan, *scale_bar_size(font), sides=("bottom", "top", "right", "left"), start_first=False
    )
    taken = [bar.rect] if bar else []
    text_h, _ = _text_height(font, NOTE_SIZE)
    candidates = [title] + [title[:n].rstrip() + "…" for n in range(len(title) - 1, 0, -1)] + [""]
    for short in candidates if title else [""]:
        widest = sheet_label(short, sheets, sheets, side)
        w = pdfmetrics.stringWidth(widest, font, NOTE_SIZE)
        place = place_note(
            plan, w, text_h, sides=("bottom", "top", "left", "right"), start_first=True, taken=taken
        )
        if place is not None:
            return _Notes(short, place, bar)
    return _Notes("", None, bar)


def _draw_notes(
    canvas: Canvas, notes: _Notes, font: str, sheet: int, sheets: int, side: str
) -> None:
    if notes.bar is not None:
        _draw_note(canvas, notes.bar, lambda: draw_scale_bar(canvas, font))
    if notes.label is not None:
        text = sheet_label(notes.title, sheet, sheets, side)
        _, baseline = _text_height(font, NOTE_SIZE)

        def label() -> None:
            canvas.setFillColor(NOTE_COLOR)
            canvas.setFont(font, NOTE_SIZE)
            canvas.drawString(0, baseline, text)

        _draw_note(canvas, notes.label, label)


# --------------------------------------------------------------------------------------------
# Sheets


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
) -> None:
    """Add print-and-play pages for `pairs` (front, back per card, in print order) to `canvas`.

    Each page is finished with showPage; the caller saves the canvas. `back_offset` (points)
    moves everything on back pages, +x to the right and +y up as the back page is read, to
    correct a printer's duplex misregistration. `on_sheet(done, total)` is called after each page.
    """
    _check_duplex(duplex)
    register_label_font(label_font)
    sheets = sheet_count(len(pairs), plan)
    notes = _plan_notes(plan, title, sheets, label_font)
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
