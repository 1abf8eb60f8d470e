"""Locate the data that ships with deckgen: built-in decks, layouts and fonts."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `name` (deck, layouts, fonts, targets) of the installed package or the repo.

    A wheel carries the folders under `deckgen/_data/`; an editable install reads them from the
    repository root, so edits to the built-in deck show up without reinstalling.
    """
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / name


def builtin_deck(name: str) -> Path | None:
    """Folder of a built-in deck, or None when deckgen has no deck of that name."""
    if name == "prepersonalization":
        return data_dir("deck")
    return None
