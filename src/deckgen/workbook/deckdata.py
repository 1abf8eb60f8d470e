"""What the workbook reads from a deck beyond its cards: levels, families, grid, recipe rows.

The engine knows no deck: every word here comes from the deck's `workbook.yaml` (or its cards
and categories), and each function has a neutral answer for a deck that declares nothing.
"""

from __future__ import annotations

from deckgen.deck.model import Card, Category, Deck
from deckgen.deck.workbook_model import SHEET_KINDS, Label, RecipeRow, Workbook
from deckgen.i18n import word

_EMPTY = Workbook()


def workbook_of(deck: Deck) -> Workbook:
    return deck.workbook or _EMPTY


def find_category(deck: Deck, category_id: str) -> Category | None:
    for cat in deck.categories:
        if cat.id == category_id:
            return cat
    return None


def category_with_role(deck: Deck, role: str) -> Category | None:
    for cat in deck.categories:
        if cat.role == role:
            return cat
    return None


def example_code(deck: Deck) -> str | None:
    """A reference code to quote in instructions: the first one on a card a recipe can use."""
    if deck.reference_field is None:
        return None
    roles = {cat.id for cat in deck.categories if cat.role}
    for card in sorted(deck.cards, key=lambda c: c.category not in roles):
        if (code := deck.reference(card)) != card.id:
            return code
    return None


def card_by_title(deck: Deck, title: str) -> Card | None:
    """The one card with this title, e.g. the Channels card a catalogue entry names."""
    found = [card for card in deck.cards if card.title == title]
    return found[0] if len(found) == 1 else None


def deck_levels(deck: Deck) -> list[tuple[str, str | None]]:
    """The size steps (name, description): the cards of the `ladder:` category, in order."""
    levels = workbook_of(deck).ladder
    cat = find_category(deck, levels.category.id) if levels and levels.category else None
    return [(card.title, card.body) for card in deck.cards_in(cat.id)] if cat else []


def level_name(deck: Deck, level: str) -> str:
    """A catalogue entry's level as printed: the step's name where `ladder.ids` maps it."""
    levels = workbook_of(deck).ladder
    names = deck_levels(deck)
    if levels and level in levels.ids and levels.ids.index(level) < len(names):
        return names[levels.ids.index(level)][0]
    return sentence_case(level)


def grid_card(deck: Deck) -> Card | None:
    """The card whose items and axes make the two-by-two: `grid:`, else one on a grid layout."""
    grid = workbook_of(deck).grid
    if grid is not None:
        return deck.card_by_id(grid.id)
    return next((card for card in deck.cards if card.layout == "grid"), None)


def risk_titles(deck: Deck) -> list[str]:
    """Titles of the cards of the `risk-register:` category, to prompt the risk register."""
    risks = workbook_of(deck).risk_register
    cat = find_category(deck, risks.id) if risks else None
    return [card.title for card in deck.cards_in(cat.id)] if cat else []


def recipe_rows(deck: Deck) -> list[RecipeRow]:
    """The rows of a recipe: `recipe:`, else one per role in category order, named after it."""
    rows = workbook_of(deck).recipe
    if rows:
        return list(rows)
    roles = dict.fromkeys(cat.role for cat in deck.categories if cat.role)
    return [RecipeRow(role, role.upper(), role) for role in roles]


def role_words(deck: Deck, role: str) -> str:
    """A role with its meaning for the category legend: 'who · the audience'."""
    meaning = next((row.meaning for row in recipe_rows(deck)
                    if row.role == role and row.meaning), None)
    name = word(deck, role)
    return f"{name} · {meaning}" if meaning else name


def family_name(deck: Deck, family: str) -> str:
    """A family id as printed: `families:` names it, else 'long-form' reads 'Long form'."""
    return workbook_of(deck).families.get(family) or sentence_case(family.replace("-", " "))


def deck_families(deck: Deck) -> list[str]:
    """Family ids of the catalogue and the cards, in order of first use."""
    seen = [entry.family for entry in deck.catalogue]
    seen += [card.family for card in deck.cards if card.family]
    return list(dict.fromkeys(seen))


def sheet_words(deck: Deck, kind: str, slot: str) -> tuple[Label, ...]:
    """The words a worksheet drawing prints in `slot`: the deck's, else the engine's."""
    own = workbook_of(deck).sheets.get(kind)
    if own is not None and slot in own.words:
        return own.words[slot]
    return SHEET_KINDS[kind].words.get(slot, ())


def sheet_word(deck: Deck, kind: str, slot: str, index: int = 0) -> str:
    """One word of a slot; empty when the deck gave fewer."""
    words = sheet_words(deck, kind, slot)
    return words[index].name if index < len(words) else ""


def capitalised(text: str) -> str:
    """The first letter up: materials are written to read well inside a list, in lower case."""
    return text[:1].upper() + text[1:]


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text.islower() else text
