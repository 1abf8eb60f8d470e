"""Card values as a layout shows them: list entries, number labels, references, templates
and derived fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.deck.model import Card, Deck
from deckgen.draw.plan import _Subject
from deckgen.i18n import word
from deckgen.i18n.langs import number
from deckgen.layout.elements import Element

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer


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

def _card_value(card: Card | None, name: str) -> str | None:
    """A card's value for a field an image or QR element names: the one place art reads
    card data, so declared fields can replace the attribute lookup."""
    if card is None:
        return None
    value = card.values.get(name)
    if isinstance(value, Path):
        return str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None
