"""Plans: what a face will paint, where its text was set and what overflowed; shared by
the renderer and its element drawers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Card, Category
from deckgen.layout.boxes import Box
from deckgen.layout.elements import Element
from deckgen.text import typeset as tx
from deckgen.units import mm, parse_color

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer


DEFAULT_TEXT = parse_color("#1A1A1A")

POKER = (mm(63.5), mm(88.9))

FRONTS_KEPT = 2_000  # planned fronts kept for reuse (about 24 MB)

# Labels, badges and footers on a card front: the smallest type a reader meets across a table.
SMALLEST = 6.5
MIN_READABLE = 5.0  # points; nothing on a card is set smaller

def type_scale(width: float, height: float) -> float:
    """How much larger than on a poker card type is set on a card of `width` × `height`.

    Type follows the card's area (the geometric mean of the width and height ratios), so a tall
    tarot card fills its height instead of leaving the bottom half empty. It never grows more
    than 12% beyond the width ratio (too few words to a line) nor beyond the height ratio (a
    square card has less room for text than a poker one), and stays within 0.72 (mini) and
    1.45 (a6).
    """
    w, h = width / POKER[0], height / POKER[1]
    return max(0.72, min(1.45, math.sqrt(w * h), w * 1.12, h))

@dataclass(frozen=True)
class Overflow:
    field: str
    lines: int
    size: float

@dataclass(frozen=True)
class _Op:
    """One drawing step of a planned face; planning measures, drawing only paints."""

    paint: Callable[[Canvas], None]

@dataclass(frozen=True)
class Sizing:
    """The size text was set at, against what its layout element asks for and allows."""

    element: str
    size: float
    design: float
    least: float

    @property
    def at_minimum(self) -> bool:
        return self.size <= self.least + 1e-6 < self.design

@dataclass
class _Plan:
    ops: list[_Op]
    overflows: list[Overflow]
    sizes: list[Sizing] = dataclasses.field(default_factory=list)
    # The highest y each element drew at, where that differs from the top of its box.
    tops: dict[str, float] = dataclasses.field(default_factory=dict)
    # The lowest y each element drew at (its top when it drew nothing).
    bottoms: dict[str, float] = dataclasses.field(default_factory=dict)
    # Each element's left and right edge, and a flow's parts as (left, bottom, right, top).
    spans: dict[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    parts: dict[str, tuple[float, float, float, float]] = dataclasses.field(default_factory=dict)

@dataclass(frozen=True)
class _Subject:
    """What a face shows: a card, or a category alone (backs and blank cards)."""

    category: Category
    card: Card | None
    side: str  # "front", "back", "blank"

def _shifted(op: _Op, dy: float) -> _Op:
    def paint(c: Canvas) -> None:
        c.saveState()
        c.translate(0, dy)
        op.paint(c)
        c.restoreState()

    return _Op(paint)

def _align(value: str) -> tx.Align:
    if value == "center":
        return "center"
    if value == "right":
        return "right"
    return "left"

def _max_lines(el: Element) -> int | None:
    value = el.get("max-lines")
    return value if isinstance(value, int) else None

def _hyphen_lang(language: str) -> str:
    lang = language.replace("-", "_")
    return "en_US" if lang == "en" else lang

def _bold(el: Element) -> bool:
    return el.str_opt("weight", "regular") != "regular"

def trim_edges(renderer: CardRenderer, box: Box) -> tuple[bool, bool, bool, bool]:
    """Which of the box's sides (left, bottom, right, top) lie on the card's trim edge."""
    spec = renderer.deck.card
    eps = 0.01
    return (box.x <= eps, box.y <= eps, box.right >= spec.width - eps,
            box.top >= spec.height - eps)

def _with_bleed(renderer: CardRenderer, box: Box) -> tuple[float, float, float, float]:
    """Extend a box by the bleed on every side that touches the trim edge.

    A turned element is planned in a box of its own at the origin; the renderer then says
    which of that box's sides are on the trim (`turned_edges`), as the card sees them.
    """
    bleed = renderer.deck.card.bleed
    left, bottom, right, top = renderer.turned_edges or trim_edges(renderer, box)
    return (box.x - bleed if left else box.x, box.y - bleed if bottom else box.y,
            box.right + bleed if right else box.right, box.top + bleed if top else box.top)

def _text_width(fit: tx.Fit) -> float:
    return max((ln.right - ln.left for ln in fit.lines), default=0.0)

def _len(el: Element, key: str, total: float, default: float) -> float:
    value = el.get(key)
    if isinstance(value, tuple):
        number, percent = value
        return float(total * number / 100 if percent else number)
    return default
