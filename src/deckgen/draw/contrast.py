"""Contrast check: takes a deck's layouts and colours as the card drawer resolves them, gives
warnings for text that is hard to read on what lies under it (WCAG 2 thresholds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deckgen.deck.model import Category
from deckgen.diagnostics import Diagnostics
from deckgen.layout.boxes import Box, element_box
from deckgen.layout.elements import Element
from deckgen.layout.templates import Layout
from deckgen.units import WHITE, Color

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardFace as Face
    from deckgen.draw.renderer import CardRenderer

NORMAL, LARGE = 4.5, 3.0  # WCAG AA: body text, and large text (18 pt, or 14 pt bold)
TEXT_KINDS = {"text": 9.0, "flow": 9.0, "footer": 5.6, "recipe": 8.0, "grid": 7.0,
              "lines": 5.5, "level": 7.0}
BACKGROUND_KINDS = ("fill", "band")


def check_contrast(r: CardRenderer, layouts: dict[str, Layout], diags: Diagnostics) -> None:
    """Warn once per layout element and colour pair whose contrast is below WCAG AA."""
    spec = r.deck.card
    seen: set[tuple[str, str, str, str]] = set()
    for layout_name, uses in layouts_in_use(r, layouts).items():
        layout = layouts[layout_name]
        for category, face in uses:
            _check_band(r, layout, category, diags)
            plan = face.plan()
            for el in layout.elements:
                if el.kind not in TEXT_KINDS or not el.flag("draw", True):
                    continue
                if el.name not in plan.bottoms or el.name not in plan.tops:
                    continue  # drew nothing on this face
                fg = r.color(el.str_opt("color", _default_color(el)), category)
                # Where the element really drew, which `after:` chains decide at draw time.
                laid = element_box(el, spec.width, spec.height, spec.safe)
                top, bottom = plan.tops[el.name], plan.bottoms[el.name]
                box = Box(laid.x, min(top, bottom), laid.w, abs(top - bottom))
                bg = _background(r, layout, el, box, category)
                key = (layout_name, el.name, fg.hex, bg.hex)
                if key in seen:
                    continue
                seen.add(key)
                size = el.num("size", TEXT_KINDS[el.kind]) * r.scale
                bold = el.str_opt("weight", "regular") != "regular"
                need = LARGE if size >= 18 or (bold and size >= 14) else NORMAL
                ratio = fg.contrast(bg)
                if ratio < need:
                    diags.warn(el.where("color"), f"{layout_name}.elements.{el.name}.color",
                               f"text {fg.hex} on {bg.hex} has a contrast of {ratio:.1f}:1 "
                               f"(category '{category.id}'); {need:g}:1 reads reliably",
                               "darken the text or lighten what is under it; "
                               "color: text is always safe on white")


def layouts_in_use(r: CardRenderer,
                   layouts: dict[str, Layout]) -> dict[str, list[tuple[Category, Face]]]:
    """Each layout some face of the deck uses, with one face per category it is drawn for."""
    out: dict[str, list[tuple[Category, Face]]] = {}
    seen: set[tuple[str, str]] = set()

    def add(name: str, category: Category, face: Face) -> None:
        if name in layouts and (name, category.id) not in seen:
            seen.add((name, category.id))
            out.setdefault(name, []).append((category, face))

    for card in r.deck.cards:
        category = r.deck.category(card.category)
        add(r.layout_name(card, category), category, r.front(card))
    for category in r.deck.categories:
        add("back", category, r.category_back(category))
        blank = r.blank(category)
        add(blank.layout.name, category, blank)
    return out


def _default_color(el: Element) -> str:
    return "muted" if el.kind in ("footer", "lines") else "text"


def _background(r: CardRenderer, layout: Layout, el: Element, box: Box,
                category: Category) -> Color:
    """The colour painted under the middle of `box` before `el`, or the paper."""
    spec = r.deck.card
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    under = WHITE
    for other in layout.elements:
        if other is el:
            break
        if other.kind not in BACKGROUND_KINDS or not other.flag("draw", True):
            continue
        b = element_box(other, spec.width, spec.height, spec.safe)
        if b.x <= cx <= b.right and b.y <= cy <= b.top:
            under = r.color(other.str_opt("fill", "category"), category)
    return under


def _check_band(r: CardRenderer, layout: Layout, category: Category,
                diags: Diagnostics) -> None:
    for el in layout.elements:
        if el.kind != "band":
            continue
        fill = r.color(el.str_opt("fill", "category"), category)
        # The band sets white text on a dark fill and the text colour on a light one.
        fg = WHITE if fill.contrast(WHITE) >= LARGE else r.text_color
        ratio = fg.contrast(fill)
        if ratio < NORMAL:
            diags.warn(category.pos, f"categories.{category.id}.color",
                       f"category '{category.id}': its band text ({fg.hex} on {fill.hex}) has "
                       f"a contrast of {ratio:.1f}:1; {NORMAL:g}:1 reads reliably",
                       "pick a darker colour for the category (or a much lighter one)")
