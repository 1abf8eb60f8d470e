"""Workbook output: takes a deck and the card drawer, gives the facilitator workbook PDF.

The package follows the book: `doc` is the page template, `context` what every part shares,
`sections/` the chapters in order and `worksheets/` the printable sheets.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from deckgen.model import Deck
from deckgen.workbook.context import CardFaces, Context
from deckgen.workbook.doc import WorkbookDoc
from deckgen.workbook.sections import story
from deckgen.workbook.sections.cover import draw_cover

__all__ = ["CardFaces", "write_workbook"]


def write_workbook(deck: Deck, renderer: CardFaces, out: BinaryIO | str | Path, *,
                   paper: str | None = None) -> None:
    """Write the facilitator workbook of `deck` to `out` (a path or a binary file)."""
    ctx = Context.create(deck, renderer, paper or deck.paper)
    doc = WorkbookDoc(str(out) if isinstance(out, Path) else out, ctx, draw_cover)
    doc.multiBuild(story(ctx))
