"""The deck model: typed, immutable deck, categories, cards and brand (no YAML, no drawing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.deck.fields import FieldSpec, Value
from deckgen.deck.workbook_model import Workbook
from deckgen.diagnostics import Pos
from deckgen.units import Color

NOWHERE = Pos(Path("."))
# Format v1's recipe roles, the six questions; a deck may declare its own with `roles:`.
ROLES = ("who", "what", "when", "where", "why", "measure")


def slug(text: str) -> str:
    """The card id a title would have: lowercase letters and digits joined by -."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class CardSpec:
    size_name: str  # a preset name, or "custom"
    width: float  # points, trim
    height: float
    bleed: float
    safe: float


@dataclass(frozen=True)
class FontRef:
    """A font named in a deck: a bundled family name or a .ttf path relative to `base_dir`."""

    spec: str
    base_dir: Path
    pos: Pos = field(default=NOWHERE, compare=False)  # where the deck names it


@dataclass(frozen=True)
class Brand:
    name: str
    logo: Path | None
    colors: dict[str, Color]
    fonts: dict[str, FontRef]  # "heading", "body", and any name a deck layout asks for


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    role: str | None
    question: str
    color: Color
    icon: Path | None
    layout: str | None
    blanks: int | None  # None: not given; such categories share one sheet of blank cards
    pos: Pos


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    category: str
    subtitle: str | None = None
    body: str | None = None
    items: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    layout: str | None = None
    copies: int = 1
    family: str | None = None
    level: int | None = None
    recipe: tuple[tuple[str, tuple[str, ...]], ...] = ()
    axes: tuple[tuple[str, str], tuple[str, str]] | None = None  # grid cards: (x ends, y ends)
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, compare=False)
    # Every declared field the card has, v1's included; `title` is absent when the deck lets
    # cards go without one (the attribute `title` then holds the id, to name the card by).
    values: dict[str, Value] = field(default_factory=dict, compare=False)

    def where(self, field_name: str) -> Pos:
        return self.field_pos.get(field_name, self.pos)

    def value(self, name: str) -> Value | None:
        return self.values.get(name)


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    family: str
    level: str  # a value of the deck's `level` field, when it declares values
    channel: str
    note: str | None = None


@dataclass(frozen=True)
class Deck:
    root: Path
    title: str
    subtitle: str | None
    edition: str | None
    language: str
    card: CardSpec
    paper: str
    brand: Brand
    categories: tuple[Category, ...]
    cards: tuple[Card, ...]
    layout_dirs: tuple[Path, ...] = ()  # deck layouts, most specific first
    catalogue: tuple[CatalogueEntry, ...] = ()
    workbook: Workbook | None = None
    sources: tuple[Path, ...] = ()  # every file read, for `watch`
    fields: tuple[FieldSpec, ...] = ()  # what its cards may carry, v1's fields first
    languages: tuple[str, ...] = ()  # `languages:`; the first is the one the deck is written in
    roles: tuple[str, ...] = ROLES  # `roles:`: the parts of a recipe, in reading order
    # The engine's own words in the deck's language (deckgen.i18n.word); empty: English.
    words: dict[str, str] = field(default_factory=dict, compare=False)

    def field_spec(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def reference_field(self) -> str | None:
        """The field declared `reference: true`: what people write to point at a card."""
        return next((spec.name for spec in self.fields if spec.reference), None)

    def reference(self, card: Card) -> str:
        """What people write to point at `card`: its reference field's value, else its id."""
        name = self.reference_field
        value = card.values.get(name) if name else None
        return value if isinstance(value, str) and value else card.id

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(category_id)

    def card_by_id(self, card_id: str) -> Card | None:
        for card in self.cards:
            if card.id == card_id:
                return card
        return None

    def cards_in(self, category_id: str) -> tuple[Card, ...]:
        return tuple(c for c in self.cards if c.category == category_id)

    def color(self, name: str, default: Color) -> Color:
        return self.brand.colors.get(name, default)
