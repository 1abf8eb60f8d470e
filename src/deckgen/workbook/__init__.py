"""Workbook output: takes a deck and the card drawer, gives the facilitator workbook PDF.

The package follows the book: `doc` is the page template, `context` what every part shares,
`sections/` the chapters in order and `worksheets/` the printable sheets.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import CMYKColor, toColor

from deckgen.deck.model import Deck
from deckgen.units import Color
from deckgen.workbook.context import CardFaces, Context
from deckgen.workbook.doc import WorkbookDoc
from deckgen.workbook.sections import story
from deckgen.workbook.sections.cover import draw_cover

__all__ = ["CardFaces", "write_workbook"]


def write_workbook(deck: Deck, renderer: CardFaces, out: BinaryIO | str | Path, *,
                   paper: str | None = None, cmyk: bool = False) -> None:
    """Write the facilitator workbook of `deck` to `out` (a path or a binary file); with
    `cmyk`, every colour it sets is DeviceCMYK (thumbnails come CMYK from the renderer)."""
    ctx = Context.create(deck, renderer, paper or deck.paper)
    doc = WorkbookDoc(str(out) if isinstance(out, Path) else out, ctx, draw_cover)
    if cmyk:
        doc.enforceColorSpace = as_cmyk  # the template hands it to every canvas it makes
    doc.multiBuild(story(ctx))


def as_cmyk(color: object) -> CMYKColor:
    """ReportLab's hook for every colour the canvas sets: RGB becomes CMYK by the same formula
    the cards use, so greys and near-blacks print on the black plate alone."""
    found = toColor(color)
    if isinstance(found, CMYKColor):
        return found
    c, m, y, k = Color((found.red, found.green, found.blue)).as_cmyk()
    if max(c, m, y) - min(c, m, y) < 0.02:  # neutral: K only, no four-colour grey
        c = m = y = 0.0
        k = 1 - max(found.red, found.green, found.blue)
    return CMYKColor(c, m, y, k, alpha=found.alpha)
