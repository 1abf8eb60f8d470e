"""The card drawer: one face of one card, from the deck model and a layout, on any canvas."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import CMYKColor
from reportlab.lib.colors import Color as RLColor
from reportlab.pdfgen.canvas import Canvas

from deckgen import art
from deckgen import text as tx
from deckgen.contrast import check_contrast
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean
from deckgen.fields import DERIVED
from deckgen.fonts import FontChain, FontError, FontFamily, bundled_name, load_family
from deckgen.i18n import word
from deckgen.i18n.langs import number
from deckgen.icons import icon_path
from deckgen.images import placed_art
from deckgen.layout import TEXT_INSET, Box, Element, Layout, LayoutSet, element_box, load_layouts
from deckgen.model import ROLES, Card, Category, Deck
from deckgen.units import WHITE, Color, mm, parse_color

DEFAULT_TEXT = parse_color("#1A1A1A")
POKER = (mm(63.5), mm(88.9))
FRONTS_KEPT = 2_000  # planned fronts kept for reuse (about 24 MB)
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


class CardFace:
    """A face ready to draw; satisfies deckgen.faces.Face."""

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
        self._glyphs_reported: set[tuple[Pos, str, str]] = set()
        self.heading = self._family("heading")
        self.body = self._family("body")
        self._chains: dict[str, FontChain] = {"heading": self.heading, "body": self.body}
        self.numbers = {card.id: i + 1 for i, card in enumerate(deck.cards)}
        self.total = len(deck.cards)
        self.text_color = deck.color("text", DEFAULT_TEXT)
        # Grey enough to step back, dark enough to read: 4.5:1 or more on white.
        self.muted = self.text_color.mix(WHITE, 0.3)
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
        diags = Diagnostics()
        self._glyphs_reported.clear()
        deck_yaml = self.deck.root / "deck.yaml"
        for spec, message in self.font_problems:
            diags.add(Pos(deck_yaml), f"brand.fonts.{spec}", message)
        for category in self.deck.categories:
            if category.layout and category.layout not in self.layouts:
                diags.add(category.pos, "layout", f"category '{category.id}': no layout is "
                          f"called '{category.layout}'", self._layout_hint(category.layout))
            owner = f"category '{category.id}'"
            # The band sets the name in bold capitals and the question in italics; backs set the
            # name with their own element.
            name_path = f"categories.{category.id}.name"
            self._check_glyphs(category.name.upper(), category.pos, name_path, owner, diags,
                               self.body, bold=True)
            self._check_element_glyphs(self.layouts.get("back"), "category", category.name,
                                       category.pos, name_path, owner, diags)
            self._check_glyphs(category.question, category.pos,
                               f"categories.{category.id}.question", owner, diags, self.body,
                               italic=True)
        mark = self.style(Element("mark", "text", {"font": "heading", "weight": "black"}))
        for chain, bold in ((mark.chain, True), (self.body, False)):  # the backs, the footer
            self._check_glyphs(self.deck.title, Pos(deck_yaml), "deck.title", "the deck", diags,
                               chain, bold=bold)
        fonts = ["heading", "body", *self.deck.brand.fonts, "Lato", "DejaVu Sans"]
        asked = {"heading", "body"}
        unknown: list[str] = []
        for layout_name in self.layouts.names():
            for el in self.layouts.get(layout_name).elements:
                font = el.get("font")
                if isinstance(font, str):
                    asked.add(font)
                if isinstance(font, str) and self.chain_for(font) is None:
                    unknown.append(font)
                    diags.add(el.pos, f"{el.name}.font", f"unknown font '{font}'",
                              did_you_mean(font, fonts) or "use heading, body, a bundled font "
                              "(Lato, DejaVu Sans) or a name given under brand.fonts")
        # A brand font no layout asks for is most likely a misspelt heading or body.
        for role, ref in self.deck.brand.fonts.items():
            if role not in asked and not did_you_mean(role, unknown):  # that typo is reported
                diags.add(ref.pos, f"brand.fonts.{role}", f"no layout uses a font called '{role}'",
                          did_you_mean(role, ("heading", "body"))
                          or f"name it in a layout element with `font: {role}`, or remove it")
        self._check_layout_needs(diags)
        band_overflows: dict[tuple[str, str], Overflow] = {}
        for category in self.deck.categories:
            for overflow in self.blank(category).plan().overflows:
                band_overflows.setdefault((category.id, overflow.field), overflow)
        for card in self.deck.cards:
            if card.layout and card.layout not in self.layouts:
                diags.add(card.where("layout"), "layout",
                          f"card '{card.id}': no layout is called '{card.layout}'",
                          self._layout_hint(card.layout))
            self._check_card_glyphs(card, diags)
            for overflow in self.front(card).plan().overflows:
                if overflow.field in (BAND_NAME, BAND_QUESTION):
                    band_overflows.setdefault((card.category, overflow.field), overflow)
                    continue
                diags.add(card.where(overflow.field), overflow.field,
                          f"card '{card.id}', field '{overflow.field}': overflows by "
                          f"{overflow.lines} line{'s' if overflow.lines != 1 else ''} at "
                          f"{round(overflow.size, 1):g} pt",
                          "shorten the text, split it over two cards, or use a layout with "
                          "more room (e.g. layout: list)")
        layouts = {name: self.layouts.get(name) for name in self.layouts.names()}
        check_contrast(self, layouts, diags)
        for (cat_id, field), overflow in band_overflows.items():
            category = self.deck.category(cat_id)
            what = "name" if field == BAND_NAME else "question"
            diags.add(category.pos, f"categories.{cat_id}.{what}",
                      f"category '{cat_id}': the {what} does not fit the category band "
                      f"(over by {overflow.lines} line{'s' if overflow.lines != 1 else ''} at "
                      f"{round(overflow.size, 1):g} pt)",
                      "shorten it: the name gets two lines of capitals, the question two "
                      "lines below it" if what == "name" else
                      "shorten the question: it gets the band's room below the name")
        self._check_art(diags)
        return diags

    def _check_layout_needs(self, diags: Diagnostics) -> None:
        """Layouts name fields the deck declares, and the layouts the deck uses can be built."""
        known = (*(spec.name for spec in self.deck.fields), *DERIVED)
        for layout_name in self.layouts.names():
            layout = self.layouts.get(layout_name)
            for el in layout.elements:
                fields = el.get("fields")
                named = [("field", el.get("field")),
                         *(("fields", f) for f in (fields if isinstance(fields, tuple) else ()))]
                for key, name in named:
                    if isinstance(name, str) and name not in known:
                        diags.add(el.where(key), f"{layout_name}.elements.{el.name}.{key}",
                                  f"no field is called '{name}'",
                                  did_you_mean(name, known)
                                  or "declare it under `fields:` in deck.yaml")
        needed = {"standard", "back", "blank"}
        needed |= {c.layout for c in self.deck.categories if c.layout}
        needed |= {c.layout for c in self.deck.cards if c.layout}
        if any(self.is_recipe_category(c) for c in self.deck.categories):
            needed |= {"recipe", "blank-recipe"}
        for name in sorted(needed):
            diags.extend(self.layouts.problems(name).items)

    def _check_art(self, diags: Diagnostics) -> None:
        """Pictures and QR codes that cannot be drawn; photos too coarse for print (a note)."""
        for category in self.deck.categories:  # cards were planned above; plan the rest
            self.category_back(category).plan()
            self.blank(category).plan()
        diags.extend(self.art_problems.items)
        for note in dict.fromkeys(self.art_notes):
            logging.getLogger("deckgen").warning("%s", note)

    def _layout_hint(self, name: str) -> str:
        return did_you_mean(name, self.layouts.names()) or "layouts: " + ", ".join(
            self.layouts.names())

    def _check_glyphs(self, value: str, pos: Pos, field: str, owner: str, diags: Diagnostics,
                      chain: FontChain, *, bold: bool = False, italic: bool = False) -> None:
        """Report characters of `value` that `chain` cannot draw in the style it is set in."""
        missing: list[str] = []
        for span in tx.parse_inline(value, bold=bold, italic=italic):
            missing += chain.uncovered(span.text, span.bold, span.italic)
        for ch in dict.fromkeys(missing):
            if (pos, field, ch) in self._glyphs_reported:
                continue  # the same field set in another font that lacks it too
            self._glyphs_reported.add((pos, field, ch))
            diags.add(pos, field, f"{owner}: no font has the character '{ch}' "
                      f"(U+{ord(ch):04X})",
                      "replace it, or name a font that has it in brand.fonts")

    def _check_element_glyphs(self, layout: Layout, field: str, value: str, pos: Pos,
                              path: str, owner: str, diags: Diagnostics) -> bool:
        """Check `value` against every text element of `layout` that shows `field`."""
        found = False
        for el in layout.elements:
            if el.kind == "text" and el.str_opt("field", "title") == field:
                found = True
                shown = value.upper() if el.flag("uppercase") else value
                self._check_glyphs(shown, pos, path, owner, diags, self.style(el).chain,
                                   bold=_bold(el), italic=el.flag("italic"))
        return found

    def _check_card_glyphs(self, card: Card, diags: Diagnostics) -> None:
        """Each field of a card against the fonts of the elements that actually draw it."""
        layout = self.front(card).layout
        owner = f"card '{card.id}'"
        checked: set[str] = set()
        for field in _text_fields(self.deck, card):
            for item in _values(card, field, self.deck):
                if self._check_element_glyphs(layout, field, item, card.where(field), field,
                                              owner, diags):
                    checked.add(field)
        for el in layout.elements:
            if el.kind == "flow":
                chain = self.style(el).chain
                fields = el.get("fields")
                for field in fields if isinstance(fields, tuple) else ("body",):
                    italic = el.flag("italic") if field == "body" else field == "prompts"
                    for item in _values(card, field, self.deck):
                        self._check_glyphs(item, card.where(field), field, owner, diags, chain,
                                           italic=italic)
                    checked.add(field)
            elif el.kind == "grid":
                for item in card.items[:4]:
                    self._check_glyphs(item, card.where("items"), "items", owner, diags,
                                       self.style(el).chain, bold=True)
                checked.add("items")
        for field in _text_fields(self.deck, card):
            if field not in checked:
                # Not on the card's face, but other outputs may print it: check the body fonts.
                for item in _values(card, field, self.deck):
                    self._check_glyphs(item, card.where(field), field, owner, diags, self.body)

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


def _shifted(op: _Op, dy: float) -> _Op:
    def paint(c: Canvas) -> None:
        c.saveState()
        c.translate(0, dy)
        op.paint(c)
        c.restoreState()

    return _Op(paint)


def _text_fields(deck: Deck, card: Card) -> tuple[str, ...]:
    """The card's fields that are read as text (pictures and addresses are not)."""
    return tuple(name for name in card.values
                 if (spec := deck.field_spec(name)) is None or spec.type not in ("image", "url"))


def _values(card: Card, field: str, deck: Deck | None = None) -> tuple[str, ...]:
    """The texts a card's field shows: one per list entry, a number as its declared label, a
    reference as the title of the card it names."""
    value = card.values.get(field)
    if value is None:
        return ()
    if isinstance(value, tuple):
        entries = tuple(v for v in value if v)
        spec = deck.field_spec(field) if deck is not None else None
        if deck is not None and spec is not None and spec.type == "refs":
            return tuple((t.title if (t := deck.card_by_id(v)) is not None else v)
                         for v in entries)
        return entries
    if isinstance(value, (int, float)):
        spec = deck.field_spec(field) if deck is not None else None
        if spec is not None and spec.values:
            return (spec.label(value),)
        return (number(value, deck.language if deck is not None else "en"),)
    if isinstance(value, str) and value and deck is not None:
        spec = deck.field_spec(field)
        if spec is not None and spec.values:
            return (spec.label(value),)  # a declared value reads as its label, translated too
    return (value,) if isinstance(value, str) and value else ()


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


def _template(r: CardRenderer, card: Card, template: str) -> str | None:
    """`template` with each {field} replaced by what the card shows for it ({field|lower} in
    lower case); None when a field it names is empty."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        shown = ", ".join(_values(card, match.group(1), r.deck))
        missing = missing or not shown
        return shown.lower() if match.group(2) == "lower" else shown

    text = _PLACEHOLDER.sub(value, template)
    return None if missing else text


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_-]*)(?:\|(lower))?\}")


def _field_text(renderer: CardRenderer, subject: _Subject, field: str,
                el: Element | None = None) -> str | None:
    """What a text element shows for `field`: a derived value, or the card's own, with list
    entries one per line (or run together with `separator:` when `inline: true`)."""
    card = subject.card
    derived: dict[str, Callable[[], str | None]] = {
        "category": lambda: subject.category.name,
        "question": lambda: subject.category.question or None,
        "role": lambda: subject.category.role,
        "deck-title": lambda: renderer.deck.title,
        "deck-subtitle": lambda: renderer.deck.subtitle,
        "brand-name": lambda: renderer.deck.brand.name,
    }
    if field in derived:
        return derived[field]()
    if card is None:
        return None
    shown = _values(card, field, renderer.deck)
    if not shown and el is not None:
        # e.g. an interaction card without a subtitle shows its family and size instead
        fallback = el.get("fallback")
        parts = [_template(renderer, card, word(renderer.deck, str(t))) for t in fallback] \
            if isinstance(fallback, tuple) else []
        text = " · ".join(p for p in parts if p)
        return text or None
    if not shown:
        return None
    inline = el is not None and el.flag("inline")
    separator = el.str_opt("separator", ", ") if el is not None else ", "
    return separator.join(shown) if inline else "\n".join(shown)


# -- element drawers: each plans its painting and returns the lowest y it used -----------------


def _with_bleed(renderer: CardRenderer, box: Box) -> tuple[float, float, float, float]:
    """Extend a box by the bleed on every side that touches the trim edge."""
    spec = renderer.deck.card
    eps = 0.01
    x0, y0, x1, y1 = box.x, box.y, box.right, box.top
    if x0 <= eps:
        x0 = -spec.bleed
    if y0 <= eps:
        y0 = -spec.bleed
    if x1 >= spec.width - eps:
        x1 = spec.width + spec.bleed
    if y1 >= spec.height - eps:
        y1 = spec.height + spec.bleed
    return x0, y0, x1, y1


def _fill(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    x0, y0, x1, y1 = _with_bleed(r, box)
    color = r.color(el.str_opt("fill", "category"), s.category)

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        c.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)

    plan.ops.append(_Op(paint))
    return box.y


# A category's texts set in its band: reported once, at the category, not once per card.
BAND_NAME, BAND_QUESTION = "category.name", "category.question"
ICON_GAP = mm(1.8)  # between the band's icon and the role badge or text


def _band(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    _fill(r, el, box, s, plan)
    spec = r.deck.card
    safe = spec.safe + TEXT_INSET
    label_el = Element("band-label", "text", {"size": 6.6, "weight": "bold"})
    question_el = Element("band-question", "text", {"size": 8.2, "leading": 1.12,
                                                    "max-lines": 2})
    inner_w = box.w - 2 * safe
    # The category's icon sits at the band's right edge; the role badge and text make room.
    icon = s.category.icon if el.flag("icon", True) and s.side != "back" else None
    icon_w = icon_h = 0.0
    if icon is not None:
        side = min(mm(8) * r.scale, max(box.h - 2 * mm(2), mm(4)))
        icon_w, icon_h = placed_art(icon, side, side, cmyk=r.cmyk).fit_size(side, side)
        inner_w -= icon_w + ICON_GAP
    role = word(r.deck, (s.category.role or "").upper())
    role_w = 0.0
    role_fit = None
    if role and s.side != "back":
        role_style = r.style(label_el, size=5.6)
        role_fit = tx.fit([tx.Block(tx.parse_inline(role, bold=True))], role_style, inner_w, 20)
        role_w = _text_width(role_fit) + mm(2.6)
    name_style = dataclasses.replace(r.style(label_el, min_size=6.2), max_lines=2)
    name_fit = tx.fit([tx.Block(tx.parse_inline(s.category.name.upper(), bold=True))],
                      name_style, inner_w - role_w - mm(1.5), box.h)
    if not name_fit.fits:
        plan.overflows.append(Overflow(BAND_NAME, name_fit.overflow_lines, name_fit.size))
    question = s.category.question
    q_fit = None
    if question:
        q_fit = tx.fit([tx.Block(tx.parse_inline(question, italic=True))],
                       r.style(question_el, min_size=6.5), inner_w, box.h)
        if not q_fit.fits or name_fit.height + q_fit.height > box.h - mm(1):
            plan.overflows.append(Overflow(BAND_QUESTION, max(q_fit.overflow_lines, 1),
                                           q_fit.size))
    gap = mm(0.9)
    block_h = name_fit.height + (gap + q_fit.height if q_fit else 0.0)
    usable_top = min(box.top, spec.height - safe)
    centre = (usable_top + box.y) / 2
    top = min(usable_top, centre + block_h / 2)
    x = box.x + safe
    white = WHITE if box.h > 0 else r.text_color
    fg = white if r.color(el.str_opt("fill", "category"), s.category).contrast(WHITE) >= 3 \
        else r.text_color

    if icon is not None:  # planned before the text, so painted under it
        _image(r, icon, Box(box.right - safe - icon_w, centre - icon_h / 2, icon_w, icon_h), plan,
               fg)

    def paint(c: Canvas) -> None:
        r.paint(c, fg)
        tx.draw(c, name_fit, x, top, inner_w - role_w)
        if q_fit is not None:
            tx.draw(c, q_fit, x, top - name_fit.height - gap, inner_w)
        if role_fit is not None:
            w = role_w - mm(1.2)
            h = role_fit.height + mm(1.0)
            rx = box.right - safe - (icon_w + ICON_GAP if icon is not None else 0.0) - w
            ry = top - h + mm(0.35)
            r.paint(c, fg, stroke=True)
            c.setLineWidth(0.5)
            c.roundRect(rx, ry, w, h, h / 2, stroke=1, fill=0)
            r.paint(c, fg)
            tx.draw(c, role_fit, rx + (w - _text_width(role_fit)) / 2, ry + h - mm(0.5), w)

    plan.ops.append(_Op(paint))
    return box.y


def _text(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    field = el.str_opt("field", "title")
    value = _field_text(r, s, field, el)
    if not value:
        return None
    if el.flag("uppercase"):
        value = value.upper()
    label = el.get("label")
    if isinstance(label, str):
        label = word(r.deck, label)
    blocks = []
    for i, line in enumerate(value.split("\n")):
        spans = tx.parse_inline(line, bold=_bold(el), italic=el.flag("italic"))
        if i == 0 and isinstance(label, str) and label:
            # The label reads as the start of the text, set apart by weight alone.
            spans = (tx.Span(label + " ", True, el.flag("italic")), *spans)
        blocks.append(tx.Block(spans))
    style = r.style(el)
    fit = tx.fit(blocks, style, box.w, box.h)
    plan.sizes.append(Sizing(el.name, fit.size, style.size, style.min_size))
    if not fit.fits and s.card is not None:
        plan.overflows.append(Overflow(field, fit.overflow_lines, fit.size))
    color = r.color(el.str_opt("color", "text"), s.category)
    height = min(fit.height, box.h)
    valign = el.str_opt("valign", "top")
    room = box.h - height
    top = box.top - (room if valign == "bottom" else room / 2 if valign == "middle" else 0.0)
    x, width = box.x, box.w
    plan.tops[el.name] = top

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        tx.draw(c, fit, x, top, width)

    plan.ops.append(_Op(paint))
    return top - height


def _rule(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    thickness = _len(el, "thickness", box.h, 1.0)
    width = _len(el, "width", box.w, box.w)
    color = r.color(el.str_opt("color", "category"), s.category)
    y = box.top - thickness / 2

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(thickness)
        c.setLineCap(0)
        c.line(box.x, y, box.x + width, y)

    plan.ops.append(_Op(paint))
    return box.top - thickness


def _text_width(fit: tx.Fit) -> float:
    return max((ln.right - ln.left for ln in fit.lines), default=0.0)


def _len(el: Element, key: str, total: float, default: float) -> float:
    value = el.get(key)
    if isinstance(value, tuple):
        number, percent = value
        return float(total * number / 100 if percent else number)
    return default


@dataclass
class _Group:
    blocks: list[tx.Block]
    color: Color
    label: bool = False  # a heading such as "ASK": it sits close to the group it heads


LABEL_SCALE = 0.72  # flow labels ("ASK") relative to the flow's text


# How format v1's list fields read in a flow unless the layout says otherwise.
_V1_FLOW: dict[str, dict[str, object]] = {
    "items": {"bullet": "•"},
    "prompts": {"bullet": "–", "italic": True, "label": True},
    "examples": {"bullet": "–", "label": True},
}


def _flow_groups(r: CardRenderer, el: Element, s: _Subject,
                 label_scale: float = LABEL_SCALE) -> list[tuple[str, _Group]]:
    card = s.card
    if card is None:
        return []
    accent = r.color("category", s.category)
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    styles = el.get("field-styles")
    style_map = styles if isinstance(styles, dict) else {}
    numbered = el.str_opt("label", "") == "numbered"
    groups: list[tuple[str, _Group]] = []
    fields = el.get("fields")
    for field in fields if isinstance(fields, tuple) else ("body",):
        entries = _values(card, field, r.deck)
        if not entries:
            continue
        found = style_map.get(field)
        given: dict[str, object] = found if isinstance(found, dict) else {}
        v1 = _V1_FLOW.get(field, {})
        color = r.color(str(given.get("color", el.str_opt("color", "text"))), s.category)
        spec = r.deck.field_spec(field)
        is_list = spec is not None and spec.type in ("list", "refs")
        # The element's `italic` sets its running text; lists keep their own style.
        italic = bool(given.get("italic", v1.get("italic", not is_list and el.flag("italic"))))
        bold = bool(given.get("bold", False))
        label = given.get("label", label_map.get(field))
        if label is None and v1.get("label"):
            label = field.title()
        if isinstance(label, str) and label:
            label = word(r.deck, label)
            groups.append((field, _Group([tx.Block(tx.parse_inline(label.upper(), bold=True),
                                                   size_scale=label_scale)], accent, label=True)))
        if is_list:
            bullet = str(given.get("bullet", v1.get("bullet", "•")))
            if bullet == "–" and len(entries) == 1 and "bullet" not in given:
                bullet = ""  # a single example needs no dash
            counted = (numbered and field == "items") or bullet == "numbered"
            blocks = [tx.Block(tx.parse_inline(e, bold=bold, italic=italic),
                               bullet=f"{i + 1}." if counted else bullet or None,
                               space_before=0.3 if bullet == "•" else 0.2)
                      for i, e in enumerate(entries)]
        else:
            paragraphs = [p.strip() for e in entries for p in e.split("\n\n") if p.strip()]
            blocks = [tx.Block(tx.parse_inline(p, bold=bold, italic=italic),
                               space_before=0.55 if i else 0.0) for i, p in enumerate(paragraphs)]
        groups.append((field, _Group(blocks, color)))
    return groups


GROUP_GAP = 0.75  # space between body, items, prompts and examples, in font sizes
LABEL_GAP = 0.1 * GROUP_GAP  # a label sits close to what it heads: its line spacing does most


def _group_gap(groups: Sequence[tuple[str, _Group]], i: int) -> float:
    """Space above group `i`, in font sizes."""
    return LABEL_GAP if groups[i - 1][1].label else GROUP_GAP


def _flow(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    style = r.style(el)
    # Labels are smaller than the text, but never below the readable minimum.
    groups = _flow_groups(r, el, s, max(LABEL_SCALE, MIN_READABLE / style.min_size))
    if not groups:
        return None
    all_blocks: list[tx.Block] = []
    for i, (_, group) in enumerate(groups):
        for j, block in enumerate(group.blocks):
            gap = _group_gap(groups, i) if i and j == 0 else (block.space_before if j else 0.0)
            all_blocks.append(dataclasses.replace(block, space_before=gap))
    fit = tx.fit(all_blocks, style, box.w, box.h)
    plan.sizes.append(Sizing(el.name, fit.size, style.size, style.min_size))
    if not fit.fits:
        plan.overflows.append(Overflow(_overflow_field(groups), fit.overflow_lines, fit.size))
    fixed = dataclasses.replace(style, size=fit.size, min_size=fit.size)
    pieces: list[tuple[tx.Fit, Color, float]] = []
    offset = 0.0
    for i, (name, group) in enumerate(groups):
        blocks = [dataclasses.replace(b, space_before=b.space_before if j else 0.0)
                  for j, b in enumerate(group.blocks)]
        part = tx.fit(blocks, dataclasses.replace(fixed, max_lines=None), box.w, 10_000)
        if i:
            offset += _group_gap(groups, i) * fit.size
        pieces.append((part, group.color, offset))
        # A field's label and entries are one part of the flow, e.g. "flow.prompts".
        key = f"{el.name}.{name}"
        top = plan.parts[key][3] if key in plan.parts else box.top - offset
        plan.parts[key] = (box.x, box.top - offset - part.height, box.right, top)
        offset += part.height

    def paint(c: Canvas) -> None:
        for part, color, dy in pieces:
            r.paint(c, color)
            tx.draw(c, part, box.x, box.top - dy, box.w)

    plan.ops.append(_Op(paint))
    return box.top - min(offset, box.h)


def _overflow_field(groups: Sequence[tuple[str, _Group]]) -> str:
    # Name the field with the most text: that is the one worth shortening.
    sizes: dict[str, int] = {}
    for name, group in groups:
        sizes[name] = sizes.get(name, 0) + sum(len(s.text) for b in group.blocks for s in b.spans)
    return max(sizes, key=lambda name: sizes[name])


FOOTER_RULE = 0.35  # points


def _footer(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    size = el.num("size", 5.6)
    color = r.color(el.str_opt("color", "muted"), s.category)
    style = r.style(el, size=size, min_size=size)
    left_text = r.deck.title
    if s.card is not None:
        right_text = f"{s.card.id} · {r.numbers[s.card.id]}/{r.total}"
    elif s.side == "blank":
        right_text = word(r.deck, "blank card")
    else:
        right_text = ""
    right = tx.fit([tx.Block(tx.parse_inline(right_text))],
                   dataclasses.replace(style, align="right"), box.w, 30) if right_text else None
    right_w = _text_width(right) if right else 0.0
    left = tx.fit([tx.Block(tx.parse_inline(left_text))], dataclasses.replace(style, max_lines=1),
                  max(box.w - right_w - mm(3), mm(5)), 30)
    size = style.size
    baseline_top = box.y + size * 1.25
    accent = r.color("category", s.category)
    line_y = box.y + size * 1.9
    plan.tops[el.name] = line_y + FOOTER_RULE / 2

    def paint(c: Canvas) -> None:
        r.paint(c, accent.mix(WHITE, 0.55), stroke=True)
        c.setLineWidth(FOOTER_RULE)
        c.line(box.x, line_y, box.right, line_y)
        r.paint(c, color)
        if left.fits:
            tx.draw(c, left, box.x, baseline_top, box.w)
        if right is not None:
            tx.draw(c, right, box.x, baseline_top, box.w)

    plan.ops.append(_Op(paint))
    return box.y


def _level(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    """A ladder over a number field: one bar per step from its min to its max."""
    card = s.card
    field = el.str_opt("field", "level")
    value = card.values.get(field) if card is not None else None
    spec = r.deck.field_spec(field)
    if not isinstance(value, (int, float)) or spec is None:
        return None
    lo = int(spec.min if spec.min is not None else 1)
    steps = max(1, min(int(spec.max if spec.max is not None else lo + 4) - lo + 1, 12))
    level = int(value) - lo + 1
    accent = r.color(el.str_opt("color", "category"), s.category)
    tint = accent.mix(WHITE, 0.8)
    # The ladder is drawn at poker size in the layout; it grows with the type like the label.
    bar_w = mm(3.2) * r.scale * min(1.0, 5 / steps)
    gap = mm(1.3) * r.scale * min(1.0, 5 / steps)
    max_h = box.h * 0.92 * r.scale
    label_style = r.style(Element("lvl", "text", {"size": 7, "weight": "bold"}))
    template = word(r.deck, el.str_opt("label", "{value} / {max}"))
    text = template.replace("{value}", f"{int(value)}").replace("{max}", f"{lo + steps - 1}")
    label = tx.fit([tx.Block(tx.parse_inline(text, bold=True))], label_style,
                   box.w - steps * (bar_w + gap), 30)
    base_y = box.top - max_h

    def paint(c: Canvas) -> None:
        for i in range(steps):
            h = max_h * (i + 1) / steps
            r.paint(c, accent if i < level else tint)
            c.rect(box.x + i * (bar_w + gap), base_y, bar_w, h, stroke=0, fill=1)
        r.paint(c, accent)
        tx.draw(c, label, box.x + steps * (bar_w + gap) + mm(1) * r.scale,
                base_y + label.height + mm(0.2) * r.scale,
                box.w)

    plan.ops.append(_Op(paint))
    return base_y


def _recipe(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    rows: list[tuple[str, str, list[tuple[str, Color]]]] = []
    # Rows follow the order of the layout's labels: the deck's reading order of a recipe.
    order = tuple(label_map) or ROLES
    refs = dict(s.card.recipe) if s.card is not None else {}
    for role in order:
        if s.card is not None and role not in refs:
            continue
        values: list[tuple[str, Color]] = []
        for ref in refs.get(role, ()):
            target = r.deck.card_by_id(ref)
            if target is not None:
                values.append((target.title, r.deck.category(target.category).color))
        rows.append((role, word(r.deck, str(label_map.get(role, role.upper()))), values))
    if not rows:
        return None
    blank = s.card is None
    label_style = r.style(el, size=el.num("size", 8) * 0.78, min_size=5)
    label_w = mm(13.5) * r.scale
    row_h = box.h / len(order) if blank else min(box.h / len(rows), mm(9.5) * r.scale)
    value_w = box.w - label_w - (mm(9) if blank else 0)
    fits: list[tuple[tx.Fit, tx.Fit | None, Color | None]] = []
    for role, label, values in rows:
        label_fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))], label_style, label_w, 30)
        if blank:
            fits.append((label_fit, None, None))
            continue
        text = " / ".join(t for t, _ in values)
        color = values[0][1] if values else r.muted
        value_fit = tx.fit([tx.Block(tx.parse_inline(text, bold=True))],
                           r.style(el, min_size=el.num("min-size", 6)), value_w - mm(2.2),
                           row_h - mm(1.2))
        if not value_fit.fits:
            plan.overflows.append(Overflow(f"recipe.{role}", value_fit.overflow_lines,
                                           value_fit.size))
        fits.append((label_fit, value_fit, color))
    rule_color = r.color("category", s.category).mix(WHITE, 0.6)
    text_color = r.text_color
    muted = r.muted

    def paint(c: Canvas) -> None:
        for i, (label_fit, value_fit, color) in enumerate(fits):
            top = box.top - i * row_h
            r.paint(c, rule_color, stroke=True)
            c.setLineWidth(0.4)
            c.line(box.x, top - row_h, box.right, top - row_h)
            r.paint(c, muted)
            mid = top - row_h / 2
            tx.draw(c, label_fit, box.x, mid + label_fit.height / 2, label_w)
            if value_fit is not None and color is not None:
                r.paint(c, color)
                c.rect(box.x + label_w, mid - value_fit.height / 2, mm(0.8), value_fit.height,
                       stroke=0, fill=1)
                r.paint(c, text_color)
                tx.draw(c, value_fit, box.x + label_w + mm(2.2), mid + value_fit.height / 2,
                        value_w)
            elif blank:
                r.paint(c, muted, stroke=True)
                c.setLineWidth(0.5)
                bw, bh = mm(8), min(row_h * 0.62, mm(5))
                c.rect(box.right - bw, mid - bh / 2, bw, bh, stroke=1, fill=0)

    plan.ops.append(_Op(paint))
    return box.top - row_h * len(rows)


def _grid(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    card = s.card
    names = list(card.items[:4]) if card is not None else []
    names += [""] * (4 - len(names))
    accent = r.color(el.str_opt("color", "category"), s.category)
    tint = accent.mix(WHITE, 0.86)
    axes = card.axes if card is not None else None
    label_style = dataclasses.replace(r.style(el, size=el.num("size", 7) * 0.8, min_size=5),
                                      align="center")
    gutter = label_style.size * 1.6 if axes else 0.0
    side = min(box.w - gutter, box.h - gutter)
    x0 = box.x + gutter + (box.w - gutter - side) / 2
    y0 = box.top - gutter - side
    half = side / 2
    axis_fits: list[tuple[tx.Fit, float, float, float]] = []  # fit, x, y, rotation
    if axes is not None:
        (left, right), (top, bottom) = axes
        for i, label in enumerate((left, right)):
            fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))],
                         dataclasses.replace(label_style, max_lines=1), half, gutter)
            axis_fits.append((fit, x0 + i * half, y0 + side + gutter * 0.85, 0.0))
        for i, label in enumerate((top, bottom)):
            fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))],
                         dataclasses.replace(label_style, max_lines=1), half, gutter)
            axis_fits.append((fit, x0 - gutter * 0.85, y0 + side - (i + 1) * half, 90.0))
        for fit, *_ in axis_fits:
            if not fit.fits:
                plan.overflows.append(Overflow("axes", fit.overflow_lines, fit.size))
    pad = mm(1.4)
    style = r.style(el, min_size=el.num("min-size", 5.5))
    style = dataclasses.replace(style, align="center")
    fits = []
    for i, name in enumerate(names):
        fit = tx.fit([tx.Block(tx.parse_inline(name, bold=True))], style, half - 2 * pad,
                     half - 2 * pad)
        if not fit.fits and card is not None:
            plan.overflows.append(Overflow("items", fit.overflow_lines, fit.size))
        fits.append((i, fit))

    def paint(c: Canvas) -> None:
        for i, fit in fits:
            qx = x0 + (i % 2) * half
            qy = y0 + (1 - i // 2) * half
            r.paint(c, tint if i in (0, 3) else accent.mix(WHITE, 0.93))
            c.rect(qx, qy, half, half, stroke=0, fill=1)
            r.paint(c, r.text_color)
            tx.draw(c, fit, qx + pad, qy + half / 2 + fit.height / 2, half - 2 * pad)
        r.paint(c, accent, stroke=True)
        c.setLineWidth(0.9)
        c.line(x0, y0 + half, x0 + side, y0 + half)
        c.line(x0 + half, y0, x0 + half, y0 + side)
        r.paint(c, accent)
        for fit, ax, ay, rotation in axis_fits:
            c.saveState()
            c.translate(ax, ay)
            c.rotate(rotation)
            tx.draw(c, fit, 0, 0, half)
            c.restoreState()

    plan.ops.append(_Op(paint))
    return y0


def _logo(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    logo = r.deck.brand.logo
    if logo is None:
        return None
    return _image(r, logo, box, plan)


def _icon(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    # A card's own icon (`field:`), a bundled icon the layout names, or the category's.
    field = el.get("field")
    named = el.get("icon")
    if isinstance(field, str):
        icon = art.card_icon(r, s, field)
    else:
        icon = icon_path(named) if isinstance(named, str) else s.category.icon
    if icon is None:
        return None
    color = el.get("color")
    return _image(r, icon, box, plan,
                  r.color(color, s.category) if isinstance(color, str) else None)


def _image(r: CardRenderer, path: Path, box: Box, plan: _Plan,
           color: Color | None = None) -> float | None:
    # An SVG icon's currentColor takes `color`; otherwise the deck's text colour.
    image = placed_art(path, box.w, box.h, cmyk=r.cmyk,
                       color=r.rl_color(color or r.text_color))
    w, h = image.fit_size(box.w, box.h)
    x = box.x + (box.w - w) / 2
    y = box.top - h

    def paint(c: Canvas) -> None:
        image.draw(c, x, y, w, h)

    plan.ops.append(_Op(paint))
    return y


def _lines(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    spacing = _len(el, "spacing", box.h, mm(7))
    color = r.color(el.str_opt("color", "muted"), s.category).mix(WHITE, 0.35)
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    first_label = word(r.deck, str(label_map.get("first", "")))
    count = max(int(box.h // spacing), 1)
    size = el.num("size", 5.5)
    style = r.style(el, size=size, min_size=size)
    label_fit = tx.fit([tx.Block(tx.parse_inline(first_label.upper(), bold=True))],
                       style, box.w, 20) if first_label else None
    id_label = word(r.deck, str(label_map.get("id", "")))
    id_fit = tx.fit([tx.Block(tx.parse_inline(id_label, bold=True))], style, box.w,
                    20) if id_label else None
    id_w = mm(15) if id_fit is not None else 0.0
    id_h = min(spacing * 0.8, mm(5.5))
    label_color = r.muted

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(0.45)
        for i in range(count):
            y = box.top - spacing * (i + 1)
            # The first line leaves room for the id box at its right end.
            right = box.right - (id_w + mm(2) if i == 0 else 0.0)
            c.line(box.x, y, right, y)
        if label_fit is not None:
            r.paint(c, label_color)
            tx.draw(c, label_fit, box.x, box.top - spacing + label_fit.height + mm(0.8), box.w)
        if id_fit is not None:
            y = box.top - spacing
            r.paint(c, label_color, stroke=True)
            c.setLineWidth(0.5)
            c.roundRect(box.right - id_w, y, id_w, id_h, mm(0.8), stroke=1, fill=0)
            r.paint(c, label_color)
            tx.draw(c, id_fit, box.right - id_w + mm(0.8), y + id_h - mm(0.7), id_w)

    plan.ops.append(_Op(paint))
    return box.top - spacing * count


def _idbox(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    size = el.num("size", 5.5)
    h = min(box.h, mm(6))
    w = mm(20)
    fit = tx.fit([tx.Block(tx.parse_inline("ID", bold=True))], r.style(el, size=size,
                                                                        min_size=size), w, h)
    color = r.muted

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(0.5)
        c.roundRect(box.right - w, box.top - h, w, h, mm(1), stroke=1, fill=0)
        r.paint(c, color)
        tx.draw(c, fit, box.right - w + mm(1), box.top - mm(0.8), w)

    plan.ops.append(_Op(paint))
    return box.top - h


def _frame(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    thickness = _len(el, "thickness", box.h, 0.6)
    base = r.color(el.str_opt("fill", "category"), s.category)
    color = base.mix(r.color(el.str_opt("color", "white"), s.category), 0.45)

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(thickness)
        c.roundRect(box.x, box.y, box.w, box.h, mm(2.5), stroke=1, fill=0)

    plan.ops.append(_Op(paint))
    return box.y


def _mark(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    spec = r.deck.card
    inner = Box(max(box.x, spec.safe + mm(3)), box.y, 0, box.h)
    inner = dataclasses.replace(inner, w=min(box.right, spec.width - spec.safe - mm(3)) - inner.x)
    title_el = Element("mark-title", "text", {**el.options, "weight": "black", "font": "heading",
                                              "leading": 1.05})
    style = dataclasses.replace(r.style(title_el), align="center")
    fit = tx.fit([tx.Block(tx.parse_inline(r.deck.title, bold=True))], style, inner.w, inner.h)
    color = r.color(el.str_opt("color", "white"), s.category)
    top = inner.top - (inner.h - fit.height) / 2
    rule_y = top - fit.height - mm(3)
    centre = spec.width / 2
    plan.tops[el.name] = top

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        tx.draw(c, fit, inner.x, top, inner.w)
        r.paint(c, color, stroke=True)
        c.setLineWidth(1.2)
        c.line(centre - mm(5), rule_y, centre + mm(5), rule_y)

    plan.ops.append(_Op(paint))
    return rule_y


# -- card art (issue 12): pictures, QR codes, rotation and paint order ----------------------


def _card_value(card: Card | None, name: str) -> str | None:
    """A card's value for a field an image or QR element names: the one place art reads
    card data, so declared fields can replace the attribute lookup."""
    if card is None:
        return None
    value = card.values.get(name)
    if isinstance(value, Path):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


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
    used = _ELEMENTS[el.kind](r, el, Box(0.0, 0.0, w, h), s, plan)
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
