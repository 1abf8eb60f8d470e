"""The card drawer: one face of one card, from the deck model and a layout, on any canvas."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.colors import CMYKColor
from reportlab.lib.colors import Color as RLColor
from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Card, Category, Deck
from deckgen.diagnostics import Diagnostics
from deckgen.draw import art
from deckgen.draw.check import check_deck
from deckgen.draw.flowing import _flow, _footer, _text
from deckgen.draw.plan import (
    DEFAULT_TEXT,
    FRONTS_KEPT,
    MIN_READABLE,
    Sizing,
    _align,
    _hyphen_lang,
    _max_lines,
    _Op,
    _Plan,
    _shifted,
    _Subject,
    trim_edges,
    type_scale,
)
from deckgen.draw.shapes import (
    _band,
    _fill,
    _frame,
    _icon,
    _idbox,
    _lines,
    _logo,
    _mark,
    _rule,
)
from deckgen.draw.widgets import _grid, _level, _recipe
from deckgen.layout.boxes import Box, element_box
from deckgen.layout.elements import Element
from deckgen.layout.templates import Layout, LayoutSet, load_layouts
from deckgen.text import typeset as tx
from deckgen.text.fonts import FontChain, FontError, FontFamily, bundled_name, load_family
from deckgen.units import WHITE, Color, mm, parse_color


class CardFace:
    """A face ready to draw; satisfies deckgen.draw.faces.Face."""

    def __init__(self, renderer: CardRenderer, subject: _Subject, layout: Layout,
                 form_key: str | None) -> None:
        self.renderer = renderer
        self.subject = subject
        self.layout = layout
        self.form_key = form_key
        spec = renderer.deck.card
        self.width = spec.width
        self.height = spec.height
        self.bleed = spec.bleed
        self._plan: _Plan | None = None

    @property
    def name(self) -> str:
        card = self.subject.card
        return card.id if card is not None else f"{self.subject.category.id}-{self.subject.side}"

    def plan(self) -> _Plan:
        if self._plan is None:
            self._plan = self.renderer.plan(self.subject, self.layout)
        return self._plan

    def sizes(self) -> list[Sizing]:
        """Where the face's text was set, so content can be checked for falling to minimum."""
        return list(self.plan().sizes)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        plan = self.plan()
        canvas.saveState()
        canvas.translate(x, y)
        for op in plan.ops:
            op.paint(canvas)
        canvas.restoreState()

class CardRenderer:
    """Draws every face of a deck; every output (sheets, print-shop, PNG, workbook) uses it."""

    def __init__(self, deck: Deck, layouts: LayoutSet | None = None, *, cmyk: bool = False) -> None:
        self.deck = deck
        self.layouts = layouts if layouts is not None else load_layouts(deck.layout_dirs)
        self.cmyk = cmyk
        self.font_problems: list[tuple[str, str]] = []
        self.heading = self._family("heading")
        self.body = self._family("body")
        self._chains: dict[str, FontChain] = {"heading": self.heading, "body": self.body}
        self.numbers = {card.id: i + 1 for i, card in enumerate(deck.cards)}
        self.total = len(deck.cards)
        self.text_color = deck.color("text", DEFAULT_TEXT)
        # Grey enough to step back, dark enough to read: 4.5:1 or more on white.
        self.muted = self.text_color.mix(WHITE, 0.3)
        # Set while a turned element is planned: its box's sides on the trim, as the card has them
        self.turned_edges: tuple[bool, bool, bool, bool] | None = None
        self._faces: dict[tuple[str, str], CardFace] = {}
        self._fronts_kept = 0
        spec = deck.card
        self.scale = type_scale(spec.width, spec.height)
        # Card art (images, QR codes) problems found while planning, reported by check().
        self.art_problems = Diagnostics()
        self.art_notes: list[str] = []
        self._art_files: dict[tuple[Path, str], Path | None] = {}

    # -- public API -------------------------------------------------------------------------

    def front(self, card: Card) -> CardFace:
        key = ("front", card.id)
        face = self._faces.get(key)
        if face is None:
            category = self.deck.category(card.category)
            layout = self.layouts.get(self.layout_name(card, category))
            face = CardFace(self, _Subject(category, card, "front"), layout, None)
            # A planned front holds its laid-out text (about 12 KB): keeping them lets the check
            # and every output share one layout pass, but only up to a bound, so memory stays
            # flat for huge decks, whose later cards are simply laid out again when drawn.
            if self._fronts_kept < FRONTS_KEPT:
                self._fronts_kept += 1
                self._faces[key] = face
        return face

    def back(self, card: Card) -> CardFace:
        return self.category_back(self.deck.category(card.category))

    def category_back(self, category: Category) -> CardFace:
        key = ("back", category.id)
        if key not in self._faces:
            self._faces[key] = CardFace(self, _Subject(category, None, "back"),
                                        self.layouts.get("back"), f"back-{category.id}")
            # Backs differ by category only through their colour and name; forms stay per
            # category so a brand back colour still shows which pile a card belongs to.
        return self._faces[key]

    def blank(self, category: Category) -> CardFace:
        key = ("blank", category.id)
        if key not in self._faces:
            # A deck whose override left `blank-recipe` unusable is told so by `check`.
            name = "blank-recipe" if self.is_recipe_category(category) and \
                "blank-recipe" in self.layouts else "blank"
            self._faces[key] = CardFace(self, _Subject(category, None, "blank"),
                                        self.layouts.get(name), f"blank-{category.id}")
        return self._faces[key]

    def element_boxes(self, card: Card) -> dict[str, tuple[float, float, float, float]]:
        """Where each element of the card's front drew, as (left, bottom, right, top) points from
        the trim's lower-left, by element name; a flow's fields also as 'flow.body' and so on."""
        plan = self.front(card).plan()
        boxes = {name: (left, plan.bottoms[name], right, plan.tops[name])
                 for name, (left, right) in plan.spans.items()}
        return boxes | plan.parts

    def is_recipe_category(self, category: Category) -> bool:
        if category.layout == "recipe":
            return True
        return any(c.recipe for c in self.deck.cards_in(category.id))

    def layout_name(self, card: Card, category: Category) -> str:
        for name in (card.layout, category.layout):
            if name and name in self.layouts:
                return name
        return "recipe" if card.recipe else "standard"

    def check(self) -> Diagnostics:
        """Problems only drawing can find: unknown layouts, missing glyphs, overflowing text."""
        return check_deck(self)

    # -- planning -----------------------------------------------------------------------

    def _family(self, role: str) -> FontChain:
        ref = self.deck.brand.fonts.get(role)
        primary: FontFamily | None = None
        if ref is not None:
            try:
                primary = load_family(ref.spec, ref.base_dir)
            except FontError as exc:
                self.font_problems.append((role, str(exc)))
        return _with_fallback(primary or load_family("Lato"))

    def color(self, name: str, category: Category) -> Color:
        if name.startswith("#"):
            return parse_color(name)
        if name == "category":
            return category.color
        if name == "tint":
            return category.color.mix(WHITE, 0.88)
        if name == "white" or name == "paper":
            return WHITE
        if name == "muted":
            return self.muted
        if name == "primary":
            return self.deck.color("primary", self.deck.categories[0].color)
        if name == "back":
            # A brand back colour gives every card one back; without it, backs show categories.
            return self.deck.color("back", category.color)
        return self.text_color

    def rl_color(self, color: Color) -> RLColor:
        """`color` as ReportLab paints it in this build (CMYK or RGB)."""
        return CMYKColor(*color.as_cmyk()) if self.cmyk else RLColor(*color.rgb)

    def paint(self, canvas: Canvas, color: Color, *, stroke: bool = False) -> None:
        value = self.rl_color(color)
        if stroke:
            canvas.setStrokeColor(value)
        else:
            canvas.setFillColor(value)

    def plan(self, subject: _Subject, layout: Layout) -> _Plan:
        spec = self.deck.card
        plan = _Plan([], [])
        elements = {el.name: el for el in layout.elements if el.flag("draw", True)}
        bottoms = plan.bottoms
        ops_of: dict[str, list[_Op]] = {}

        def place(el: Element, visiting: frozenset[str]) -> None:
            if el.name in ops_of or el.name in visiting:
                return
            after, above = el.get("after"), el.get("above")
            # What an element is placed after or kept above is planned first.
            for other in (after, above):
                if isinstance(other, str) and other in elements:
                    place(elements[other], visiting | {el.name})
            top: float | None = None
            if isinstance(after, str) and after in bottoms:
                gap = el.get("gap")
                top = bottoms[after] - (gap[0] if isinstance(gap, tuple) else 0.0)
            bottom: float | None = None
            if isinstance(above, str) and above in ops_of:
                clearance = el.get("clearance")
                bottom = plan.tops.get(above, bottoms[above]) + self.scale * (
                    clearance[0] if isinstance(clearance, tuple) else mm(2))
            box = element_box(el, spec.width, spec.height, spec.safe, top, bottom)
            start = len(plan.ops)
            turn = el.get("rotate")
            if isinstance(turn, int) and turn % 360:
                used = _turned(self, el, box, turn, subject, plan)
            else:
                used = _ELEMENTS[el.kind](self, el, box, subject, plan)
            ops_of[el.name] = plan.ops[start:]
            del plan.ops[start:]
            if ops_of[el.name]:
                plan.spans[el.name] = (box.x, box.right)
            # An element that drew nothing passes its own top on, so `after` chains skip it.
            bottoms[el.name] = used if used is not None else (
                bottoms.get(after, box.top) if isinstance(after, str) else box.top)
            plan.tops.setdefault(el.name, box.top)

        for el in elements.values():
            place(el, frozenset())
        self._close_up_without_logo(elements, ops_of, plan)
        # Paint in layout order (then `order:`, lowest first), whatever order planning needed.
        painted = sorted(elements, key=lambda name: _paint_order(elements[name]))
        plan.ops = [op for name in painted for op in ops_of.get(name, [])]
        return plan

    def _close_up_without_logo(self, elements: dict[str, Element], ops_of: dict[str, list[_Op]],
                               plan: _Plan) -> None:
        """Centre the text under a logo element on the card when there is no logo to show.

        A back keeps room at the top for a brand logo; without one, the deck title and category
        below it would sit low under an empty top third.
        """
        logos = [el for el in elements.values() if el.kind == "logo" and not ops_of.get(el.name)]
        if not logos:
            return
        logo_top = max(plan.tops.get(el.name, 0.0) for el in logos)
        block = [el.name for el in elements.values()
                 if el.kind in ("text", "mark") and ops_of.get(el.name)
                 and plan.tops.get(el.name, 0.0) < logo_top]
        if not block:
            return
        top = max(plan.tops[name] for name in block)
        bottom = min(plan.bottoms[name] for name in block)
        dy = self.deck.card.height / 2 - (top + bottom) / 2
        for name in block:
            ops_of[name] = [_shifted(op, dy) for op in ops_of[name]]
            plan.tops[name] += dy
            plan.bottoms[name] += dy

    def chain_for(self, font: str) -> FontChain | None:
        """The fonts a layout element names: heading, body, another font of the brand, or a
        bundled family; None when there is no such font."""
        if font not in self._chains:
            if font in self.deck.brand.fonts:
                self._chains[font] = self._family(font)
            elif (name := bundled_name(font)) is not None:
                self._chains[font] = _with_fallback(load_family(name))
            else:
                return None
        return self._chains[font]

    def style(self, el: Element, *, size: float | None = None,
              min_size: float | None = None) -> tx.TextStyle:
        chain = self.chain_for(el.str_opt("font", "body")) or self.body
        if el.str_opt("weight", "regular") == "black":
            primary = chain.primary
            chain = FontChain(dataclasses.replace(primary, regular=primary.black,
                                                  bold=primary.black), chain.fallbacks)
        # Nothing is set below MIN_READABLE, however small the card: text that does not fit
        # there overflows and is reported, rather than printed too small to read.
        base = max((size if size is not None else el.num("size", 9)) * self.scale, MIN_READABLE)
        least = (min_size if min_size is not None else el.num("min-size", base)) * self.scale
        return tx.TextStyle(
            chain=chain,
            size=base,
            min_size=min(max(least, MIN_READABLE), base),
            leading=el.num("leading", 1.2),
            align=_align(el.str_opt("align", "left")),
            # Headings read badly broken; they shrink instead.
            hyphenate=el.str_opt("font", "body") != "heading",
            lang=_hyphen_lang(self.deck.language),
            max_lines=_max_lines(el),
        )

def _with_fallback(primary: FontFamily) -> FontChain:
    """`primary`, with DejaVu Sans for the characters it lacks."""
    return FontChain(primary, (load_family("DejaVu Sans"),))

def _paint_order(el: Element) -> int:
    order = el.get("order")
    return order if isinstance(order, int) else 0

_TURN_ORIGIN: dict[int, Callable[[Box], tuple[float, float]]] = {
    90: lambda b: (b.right, b.y),
    180: lambda b: (b.right, b.top),
    270: lambda b: (b.x, b.top),
}

def _turned(r: CardRenderer, el: Element, box: Box, turn: int, s: _Subject,
            plan: _Plan) -> float | None:
    """Plan `el` in its box turned by `turn` degrees (anticlockwise) and draw it turned back.

    The element sees a box of the real one's size (width and height swapped at 90 and 270), so
    its text is fitted, and overflow reported, as for any element; the box itself stays where
    the layout put it, inside the safe zone.
    """
    w, h = (box.h, box.w) if turn in (90, 270) else (box.w, box.h)
    start = len(plan.ops)
    # The turned box's sides (left, bottom, right, top) are these sides of the real one.
    left, bottom, right, top = trim_edges(r, box)
    r.turned_edges = {90: (bottom, right, top, left), 180: (right, top, left, bottom),
                      270: (top, left, bottom, right)}[turn]
    try:
        used = _ELEMENTS[el.kind](r, el, Box(0.0, 0.0, w, h), s, plan)
    finally:
        r.turned_edges = None
    ops = plan.ops[start:]
    del plan.ops[start:]
    ox, oy = _TURN_ORIGIN[turn](box)

    def paint(c: Canvas) -> None:
        c.saveState()
        c.translate(ox, oy)
        c.rotate(turn)
        for op in ops:
            op.paint(c)
        c.restoreState()

    plan.ops.append(_Op(paint))
    plan.tops[el.name] = box.top
    return None if used is None else box.y

_ELEMENTS: dict[str, Callable[[CardRenderer, Element, Box, _Subject, _Plan], float | None]] = {
    "fill": _fill,
    "band": _band,
    "text": _text,
    "rule": _rule,
    "flow": _flow,
    "footer": _footer,
    "level": _level,
    "recipe": _recipe,
    "grid": _grid,
    "logo": _logo,
    "icon": _icon,
    "lines": _lines,
    "idbox": _idbox,
    "frame": _frame,
    "mark": _mark,
    "image": art.picture,
    "qr": art.qr,
}
