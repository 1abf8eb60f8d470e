"""What a sheet carries besides cards: crop marks, the sheet label and the scale bar, kept
where a home printer prints."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from deckgen.i18n import mark
from deckgen.resources import data_dir

if TYPE_CHECKING:
    from deckgen.outputs.impose import SheetPlan

mm: float = 72 / 25.4
Side = Literal["front", "back"]
_EPS = 1e-6


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

SCALE_TEXT = mark("this bar is 50 mm — if not, print at 100 % (“actual size”)")[0]

# The sheet notes' words pass through `say`: the deck's language in a build with --lang.
Say = Callable[..., str]


def english(text: str, **values: object) -> str:
    return text.format(**values) if values else text


# Sheet labels, as `deckgen i18n` finds them (the side is filled in when a label is drawn).
SHEET_WORDS = mark("sheet {sheet}/{sheets} · fronts", "sheet {sheet}/{sheets} · backs",
                   "sheet {sheet}/{sheets}")

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

def scale_bar_size(font: str, size: float = NOTE_SIZE, say: Say = english
                   ) -> tuple[float, float]:
    text_h, _ = _text_height(font, size)
    width = max(SCALE_LEN, pdfmetrics.stringWidth(say(SCALE_TEXT), font, size))
    return width, text_h + 0.8 * mm + 1.8 * mm

def draw_scale_bar(canvas: Canvas, font: str, size: float = NOTE_SIZE,
                   say: Say = english) -> None:
    """A 50 mm bar with ticks every 5 mm above a caption, lower-left at the origin."""
    width, _ = scale_bar_size(font, size, say)
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
    canvas.drawCentredString(width / 2, baseline, say(SCALE_TEXT))
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
    say: Say = english
    bar_say: Say = english

def sheet_label(title: str, sheet: int, sheets: int, side: str, say: Say = english) -> str:
    # A side names what the page holds; anything else (gutter-fold) is said as it is.
    if side in get_args(Side):
        text = say(f"sheet {{sheet}}/{{sheets}} · {side}s", sheet=sheet, sheets=sheets)
    else:
        text = say("sheet {sheet}/{sheets}", sheet=sheet, sheets=sheets) + " · " + say(side)
    return f"{title} · {text}" if title else text

def _plan_notes(plan: SheetPlan, title: str, sheets: int, font: str, side: str = "front",
                say: Say = english) -> _Notes:
    """Place the scale bar, then the longest sheet label, shortening the title if it must."""
    bar_say = say
    bar = place_note(
        plan, *scale_bar_size(font, say=say), sides=("bottom", "top", "right", "left"),
        start_first=False
    )
    if bar is None and say is not english:
        # A translated caption too long for the margin: the bar in English beats no bar.
        bar_say = english
        bar = place_note(plan, *scale_bar_size(font), sides=("bottom", "top", "right", "left"),
                         start_first=False)
    taken = [bar.rect] if bar else []
    text_h, _ = _text_height(font, NOTE_SIZE)
    candidates = [title] + [title[:n].rstrip() + "…" for n in range(len(title) - 1, 0, -1)] + [""]
    for short in candidates if title else [""]:
        widest = sheet_label(short, sheets, sheets, side, say)
        w = pdfmetrics.stringWidth(widest, font, NOTE_SIZE)
        place = place_note(
            plan, w, text_h, sides=("bottom", "top", "left", "right"), start_first=True, taken=taken
        )
        if place is not None:
            return _Notes(short, place, bar, say, bar_say)
    return _Notes("", None, bar, say, bar_say)

def _draw_notes(
    canvas: Canvas, notes: _Notes, font: str, sheet: int, sheets: int, side: str
) -> None:
    if notes.bar is not None:
        _draw_note(canvas, notes.bar, lambda: draw_scale_bar(canvas, font, say=notes.bar_say))
    if notes.label is not None:
        text = sheet_label(notes.title, sheet, sheets, side, notes.say)
        _, baseline = _text_height(font, NOTE_SIZE)

        def label() -> None:
            canvas.setFillColor(NOTE_COLOR)
            canvas.setFont(font, NOTE_SIZE)
            canvas.drawString(0, baseline, text)

        _draw_note(canvas, notes.label, label)
