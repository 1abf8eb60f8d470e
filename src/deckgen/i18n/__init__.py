"""Translations: one deck, many languages (design.md, "Translations").

catalog: every text a reader sees, with its gettext context; po: the .pot/.po files (polib);
apply: a Deck in another language, with a warning for every text left in the source language.
`word` is the one door through which the engine's own words pass on their way to a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from deckgen.deck.model import Deck

T = TypeVar("T")
ENGINE = "deckgen"  # the context of the engine's own words; their msgid is the English word


def mark(*texts: T) -> tuple[T, ...]:
    """Texts (or tuples of texts) that reach a page through `word` later: marked here so that
    `deckgen i18n` finds them, as gettext's N_() does."""
    return texts


def word(deck: Deck, text: str, **values: object) -> str:
    """An engine word in the deck's language; `{name}` placeholders are filled from `values`."""
    out = deck.words.get(text, text) if text else text
    return out.format(**values) if values else out
