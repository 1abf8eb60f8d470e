"""The workbook engine's own words, each defined once; a deck's own words are data (deckdata).

Words used in one place only stay beside the drawing that prints them; a word used in several
places lives here, so that a translation layer has one entry to replace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deckgen.i18n import word

if TYPE_CHECKING:
    from deckgen.deck.model import Deck

TIME = "Time"
ACTIVITY = "Activity"
WORKSHEET = "Worksheet"
MATERIALS = "Materials"
NOTES = "Notes"
OWNER = "Owner"
IMPACT = "Impact"
EFFORT = "Effort"
MINUTES = "{count} min"


def minutes(count: int, deck: Deck | None = None) -> str:
    """A duration as the workbook prints it: '45 min' (in the deck's language, given one)."""
    return word(deck, MINUTES, count=count) if deck is not None else MINUTES.format(count=count)


def head(word: str) -> str:
    """A word as a table's column head: the heads are set in capitals."""
    return word.upper()
