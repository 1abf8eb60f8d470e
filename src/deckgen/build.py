"""Building: load, check everything, render every requested output, then publish them together."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from deckgen.diagnostics import DeckError, Diagnostics
from deckgen.load import load_deck
from deckgen.model import Deck
from deckgen.outputs import (
    FILENAMES,
    BuildOptions,
    Progress,
    png_names,
    publish,
    staging,
    write_blank_sheets,
    write_cards_sheets,
    write_pngs,
    write_print_shop,
    write_workbook_pdf,
)
from deckgen.render import CardRenderer


def check_deck(deck: Deck, renderer: CardRenderer) -> Diagnostics:
    """Everything `validate` reports beyond loading: layouts, glyphs, overflow, workbook refs."""
    diags = renderer.check()
    if deck.workbook is not None:
        from deckgen.workbook_load import check_workbook_refs

        check_workbook_refs(deck.workbook, deck, diags)
    return diags


def load_checked(folder: Path, *, cmyk: bool = False) -> tuple[Deck, CardRenderer]:
    deck = load_deck(folder)
    renderer = CardRenderer(deck, cmyk=cmyk)
    diags = check_deck(deck, renderer)
    if diags:
        raise DeckError(diags)
    return deck, renderer


def build(folder: Path, out_dir: Path, options: BuildOptions,
          progress: Progress | None = None) -> list[Path]:
    """Write the requested outputs into `out_dir`; on any problem, change nothing there."""
    deck, renderer = load_checked(folder, cmyk=options.cmyk)
    _check_options(deck, options)
    wanted = [name for name in FILENAMES if name in options.outputs]
    with staging(out_dir) as stage:
        if "cards" in wanted:
            write_cards_sheets(deck, renderer, str(stage / FILENAMES["cards"]), options, progress)
        if "print-shop" in wanted or "png" in wanted:
            write_print_shop(deck, renderer, str(stage / FILENAMES["print-shop"]), progress)
        if "blank" in wanted:
            write_blank_sheets(deck, renderer, str(stage / FILENAMES["blank"]), options, progress)
        if "workbook" in wanted:
            write_workbook_pdf(deck, renderer, str(stage / FILENAMES["workbook"]), options)
        if "png" in wanted:
            write_pngs(stage / FILENAMES["print-shop"], stage / FILENAMES["png"], png_names(deck),
                       options.jobs, progress)
        return publish(stage, out_dir, [FILENAMES[name] for name in wanted])


def _check_options(deck: Deck, options: BuildOptions) -> None:
    unknown = [c for c in options.blank_categories if c not in {x.id for x in deck.categories}]
    if unknown:
        from deckgen.diagnostics import Pos, did_you_mean

        diags = Diagnostics()
        for cat in unknown:
            diags.add(Pos(deck.root / "deck.yaml"), "--category",
                      f"the deck has no category '{cat}'",
                      did_you_mean(cat, [c.id for c in deck.categories])
                      or "categories: " + ", ".join(c.id for c in deck.categories))
        raise DeckError(diags)


__all__ = ["BuildOptions", "build", "check_deck", "load_checked", "replace"]
