"""The drawer's own checks: what only laying out every face can find (unknown layouts and
fonts, missing glyphs, overflowing text, poor contrast, pictures that cannot be drawn)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from deckgen.deck.fields import DERIVED
from deckgen.deck.model import Card
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean
from deckgen.draw.contrast import check_contrast
from deckgen.draw.plan import Overflow, _bold
from deckgen.draw.shapes import BAND_NAME, BAND_QUESTION
from deckgen.draw.values import _text_fields, _values
from deckgen.layout.elements import Element
from deckgen.layout.templates import Layout
from deckgen.text import typeset as tx
from deckgen.text.fonts import FontChain

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer


def check_deck(renderer: CardRenderer) -> Diagnostics:
    """Every problem drawing the deck's faces would meet, positioned in its source file."""
    return _Check(renderer).run()


class _Check:
    def __init__(self, renderer: CardRenderer) -> None:
        self.r = renderer
        self.diags = Diagnostics()
        # (where, field, character): a field set in two fonts that both lack it, said once
        self.reported: set[tuple[Pos, str, str]] = set()

    def run(self) -> Diagnostics:
        diags = self.diags
        deck_yaml = self.r.deck.root / "deck.yaml"
        for spec, message in self.r.font_problems:
            diags.add(Pos(deck_yaml), f"brand.fonts.{spec}", message)
        for category in self.r.deck.categories:
            if category.layout and category.layout not in self.r.layouts:
                diags.add(category.pos, "layout", f"category '{category.id}': no layout is "
                          f"called '{category.layout}'", self._layout_hint(category.layout))
            owner = f"category '{category.id}'"
            # The band sets the name in bold capitals and the question in italics; backs set the
            # name with their own element.
            name_path = f"categories.{category.id}.name"
            self._check_glyphs(category.name.upper(), category.pos, name_path, owner, diags,
                               self.r.body, bold=True)
            self._check_element_glyphs(self.r.layouts.get("back"), "category", category.name,
                                       category.pos, name_path, owner, diags)
            self._check_glyphs(category.question, category.pos,
                               f"categories.{category.id}.question", owner, diags, self.r.body,
                               italic=True)
        mark = self.r.style(Element("mark", "text", {"font": "heading", "weight": "black"}))
        for chain, bold in ((mark.chain, True), (self.r.body, False)):  # the backs, the footer
            self._check_glyphs(self.r.deck.title, Pos(deck_yaml), "deck.title", "the deck", diags,
                               chain, bold=bold)
        fonts = ["heading", "body", *self.r.deck.brand.fonts, "Lato", "DejaVu Sans"]
        asked = {"heading", "body"}
        unknown: list[str] = []
        for layout_name in self.r.layouts.names():
            for el in self.r.layouts.get(layout_name).elements:
                font = el.get("font")
                if isinstance(font, str):
                    asked.add(font)
                if isinstance(font, str) and self.r.chain_for(font) is None:
                    unknown.append(font)
                    diags.add(el.pos, f"{el.name}.font", f"unknown font '{font}'",
                              did_you_mean(font, fonts) or "use heading, body, a bundled font "
                              "(Lato, DejaVu Sans) or a name given under brand.fonts")
        # A brand font no layout asks for is most likely a misspelt heading or body.
        for role, ref in self.r.deck.brand.fonts.items():
            if role not in asked and not did_you_mean(role, unknown):  # that typo is reported
                diags.add(ref.pos, f"brand.fonts.{role}", f"no layout uses a font called '{role}'",
                          did_you_mean(role, ("heading", "body"))
                          or f"name it in a layout element with `font: {role}`, or remove it")
        self._check_layout_needs(diags)
        band_overflows: dict[tuple[str, str], Overflow] = {}
        for category in self.r.deck.categories:
            for overflow in self.r.blank(category).plan().overflows:
                band_overflows.setdefault((category.id, overflow.field), overflow)
        for card in self.r.deck.cards:
            if card.layout and card.layout not in self.r.layouts:
                diags.add(card.where("layout"), "layout",
                          f"card '{card.id}': no layout is called '{card.layout}'",
                          self._layout_hint(card.layout))
            self._check_card_glyphs(card, diags)
            for overflow in self.r.front(card).plan().overflows:
                if overflow.field in (BAND_NAME, BAND_QUESTION):
                    band_overflows.setdefault((card.category, overflow.field), overflow)
                    continue
                diags.add(card.where(overflow.field), overflow.field,
                          f"card '{card.id}', field '{overflow.field}': overflows by "
                          f"{overflow.lines} line{'s' if overflow.lines != 1 else ''} at "
                          f"{round(overflow.size, 1):g} pt",
                          "shorten the text, split it over two cards, or use a layout with "
                          "more room (e.g. layout: list)")
        layouts = {name: self.r.layouts.get(name) for name in self.r.layouts.names()}
        check_contrast(self.r, layouts, diags)
        for (cat_id, field), overflow in band_overflows.items():
            category = self.r.deck.category(cat_id)
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
        known = (*(spec.name for spec in self.r.deck.fields), *DERIVED)
        for layout_name in self.r.layouts.names():
            layout = self.r.layouts.get(layout_name)
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
        needed |= {c.layout for c in self.r.deck.categories if c.layout}
        needed |= {c.layout for c in self.r.deck.cards if c.layout}
        if any(self.r.is_recipe_category(c) for c in self.r.deck.categories):
            needed |= {"recipe", "blank-recipe"}
        for name in sorted(needed):
            diags.extend(self.r.layouts.problems(name).items)

    def _check_art(self, diags: Diagnostics) -> None:
        """Pictures and QR codes that cannot be drawn; photos too coarse for print (a note)."""
        for category in self.r.deck.categories:  # cards were planned above; plan the rest
            self.r.category_back(category).plan()
            self.r.blank(category).plan()
        diags.extend(self.r.art_problems.items)
        for note in dict.fromkeys(self.r.art_notes):
            logging.getLogger("deckgen").warning("%s", note)

    def _layout_hint(self, name: str) -> str:
        return did_you_mean(name, self.r.layouts.names()) or "layouts: " + ", ".join(
            self.r.layouts.names())

    def _check_glyphs(self, value: str, pos: Pos, field: str, owner: str, diags: Diagnostics,
                      chain: FontChain, *, bold: bool = False, italic: bool = False) -> None:
        """Report characters of `value` that `chain` cannot draw in the style it is set in."""
        missing: list[str] = []
        for span in tx.parse_inline(value, bold=bold, italic=italic):
            missing += chain.uncovered(span.text, span.bold, span.italic)
        for ch in dict.fromkeys(missing):
            if (pos, field, ch) in self.reported:
                continue  # the same field set in another font that lacks it too
            self.reported.add((pos, field, ch))
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
                self._check_glyphs(shown, pos, path, owner, diags, self.r.style(el).chain,
                                   bold=_bold(el), italic=el.flag("italic"))
        return found

    def _check_card_glyphs(self, card: Card, diags: Diagnostics) -> None:
        """Each field of a card against the fonts of the elements that actually draw it."""
        layout = self.r.front(card).layout
        owner = f"card '{card.id}'"
        checked: set[str] = set()
        for field in _text_fields(self.r.deck, card):
            for item in _values(card, field, self.r.deck):
                if self._check_element_glyphs(layout, field, item, card.where(field), field,
                                              owner, diags):
                    checked.add(field)
        for el in layout.elements:
            if el.kind == "flow":
                chain = self.r.style(el).chain
                fields = el.get("fields")
                for field in fields if isinstance(fields, tuple) else ("body",):
                    italic = el.flag("italic") if field == "body" else field == "prompts"
                    for item in _values(card, field, self.r.deck):
                        self._check_glyphs(item, card.where(field), field, owner, diags, chain,
                                           italic=italic)
                    checked.add(field)
            elif el.kind == "grid":
                for item in card.items[:4]:
                    self._check_glyphs(item, card.where("items"), "items", owner, diags,
                                       self.r.style(el).chain, bold=True)
                checked.add("items")
        for field in _text_fields(self.r.deck, card):
            if field not in checked:
                # Not on the card's face, but other outputs may print it: check the body fonts.
                for item in _values(card, field, self.r.deck):
                    self._check_glyphs(item, card.where(field), field, owner, diags, self.r.body)
