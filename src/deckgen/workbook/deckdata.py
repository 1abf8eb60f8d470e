"""What the workbook reads from a deck beyond its cards: levels, families, grid, recipe rows."""

from __future__ import annotations

from deckgen.model import LEVEL_NAMES, Card, Category, Deck


def deck_levels(deck: Deck, generic: bool = True) -> list[tuple[str, str | None]]:
    """Size levels (name, description): the deck's levels cards, else the five generic ones."""
    cat = find_category(deck, "levels")
    cards = deck.cards_in(cat.id) if cat else ()
    if len(cards) >= 2:
        return [(card.title, card.body) for card in cards]
    if not generic:
        return []
    names = ["Function", "Feature", "Experience", "Complete product", "Portfolio"]
    return [(name, None) for name in names[:len(LEVEL_NAMES)]]


def grid_card(deck: Deck) -> Card | None:
    for card in deck.cards:
        if card.layout == "grid" or card.id == "arguments-grid":
            return card
    return None


def category_with_role(deck: Deck, role: str) -> Category | None:
    for cat in deck.categories:
        if cat.role == role:
            return cat
    return None



def family_name(family: str) -> str:
    """'control-trust' -> 'Control & trust', 'onboarding' -> 'Onboarding'."""
    parts = family.split("-")
    name = " & ".join(parts) if len(parts) == 2 else " ".join(parts)
    return sentence_case(name)


def capitalised(text: str) -> str:
    """The first letter up: materials are written to read well inside a list, in lower case."""
    return text[:1].upper() + text[1:]


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text.islower() else text


def deck_families(deck: Deck) -> list[str]:
    seen: list[str] = []
    for entry in deck.catalogue:
        if entry.family not in seen:
            seen.append(entry.family)
    for card in deck.cards:
        if card.family and card.family not in seen:
            seen.append(card.family)
    return seen or ["onboarding sequences", "setup wizards", "notifications", "recommendations",
                    "search", "messages and offers", "account and settings", "help and support"]



def risk_titles(deck: Deck) -> list[str]:
    cat = find_category(deck, "risks")
    return [card.title for card in deck.cards_in(cat.id)] if cat else []


RECIPE_ROWS = (
    ("IF", "who", "Audience"),
    ("AND", "when", "Trigger or context"),
    ("THEN", "what", "Content or design"),
    ("VIA", "where", "Channel"),
    ("SO THAT", "why", "Outcome"),
    ("MEASURE", "measure", "Measure"),
)


def find_category(deck: Deck, category_id: str) -> Category | None:
    for cat in deck.categories:
        if cat.id == category_id:
            return cat
    return None
