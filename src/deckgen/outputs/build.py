"""Building: load, check everything, render every requested output, then publish them together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean
from deckgen.draw.renderer import CardRenderer
from deckgen.outputs.files import (
    FILENAMES,
    BuildOptions,
    OutputError,
    Progress,
    blank_counts,
    fixed_clock,
    png_names,
    publish,
    staging,
    write_blank_sheets,
    write_cards_sheets,
    write_pngs,
    write_print_shop,
    write_workbook_pdf,
)
from deckgen.outputs.remote import write_remote
from deckgen.outputs.targets import Target, load_targets, pick
from deckgen.outputs.tuckbox import write_tuckbox
from deckgen.outputs.vendor_png import TargetFailed, check_target, write_target

# Far beyond any workshop deck (tens to hundreds of cards), yet small enough that the largest
# output stays within a laptop's memory and minutes: ReportLab holds a whole PDF in memory until
# it is saved, and print-shop has two pages per printed card (see `make bench`). Without it,
# `copies: 1000` on every card of a big deck asks for millions of pages.
MAX_PRINTED_CARDS = 20_000

# Notes about outputs left out; with no handler configured (the CLI), they go to stderr as is.
log = logging.getLogger("deckgen")


def check_deck(deck: Deck, renderer: CardRenderer) -> Diagnostics:
    """Everything `validate` reports beyond loading: layouts, glyphs, overflow, workbook refs."""
    diags = Diagnostics()
    _check_size(deck, diags)
    diags.merge(renderer.check())
    if deck.workbook is not None:
        from deckgen.deck.workbook_load import check_workbook_refs

        check_workbook_refs(deck.workbook, deck, diags)
    if deck.languages[:1] == (deck.language,):  # the source deck: check every translation file
        from deckgen.i18n.apply import check_translations

        check_translations(deck, diags)
    return diags


def load_checked(folder: Path, *, cmyk: bool = False,
                 warn: Callable[[str], None] | None = None, lang: str | None = None,
                 strict: bool = False) -> tuple[Deck, CardRenderer]:
    """The deck (in `lang`, when given) and its drawer, once every check passed; warnings go
    to `warn`. With `strict`, an untranslated or fuzzy text is an error."""
    deck = load_deck(folder)
    if lang is not None and lang != deck.language:
        diags = check_deck(deck, CardRenderer(deck, cmyk=cmyk))
        if diags:
            raise DeckError(diags)
        if diags.warnings:
            (warn or log.warning)(diags.format_warnings())
        return in_checked_language(deck, lang, cmyk=cmyk, warn=warn, strict=strict)
    renderer = CardRenderer(deck, cmyk=cmyk)
    diags = check_deck(deck, renderer)
    if diags:
        raise DeckError(diags)
    if diags.warnings:
        (warn or log.warning)(diags.format_warnings())
    return deck, renderer


def in_checked_language(deck: Deck, lang: str, *, cmyk: bool = False,
                        warn: Callable[[str], None] | None = None,
                        strict: bool = False, gaps: bool = True
                        ) -> tuple[Deck, CardRenderer]:
    """A checked deck in another of its languages, with that language's own checks passed:
    a text that fits in English may not fit in German. `gaps`: warn of untranslated texts."""
    from deckgen.i18n.apply import in_language

    translated, diags = in_language(deck, lang, strict=strict, gaps=gaps)
    renderer = CardRenderer(translated, cmyk=cmyk)
    diags.merge(_in(lang, check_deck(translated, renderer)))
    if diags:
        raise DeckError(diags)
    if diags.warnings:
        (warn or log.warning)(diags.format_warnings())
    return translated, renderer


def build(folder: Path, out_dir: Path, options: BuildOptions,
          progress: Progress | None = None,
          warn: Callable[[str], None] | None = None, lang: str | None = None,
          strict: bool = False) -> list[Path]:
    """Write the requested outputs into `out_dir`; on any problem, change nothing there.

    `lang` builds one of the deck's languages; "all" builds each into `out_dir/LANG/`, after
    every language has passed its checks."""
    if progress is not None:
        progress("checking", 0, 0)
    if lang != "all":
        deck, renderer = load_checked(folder, cmyk=options.cmyk, warn=warn, lang=lang,
                                      strict=strict)
        return write_outputs(deck, renderer, out_dir, options, progress)
    languages = load_deck(folder).languages
    checked = [load_checked(folder, cmyk=options.cmyk, warn=warn, lang=code, strict=strict)
               for code in languages]
    written: list[Path] = []
    for code, (deck, renderer) in zip(languages, checked, strict=True):
        written += write_outputs(deck, renderer, out_dir / code, options, progress)
    return written


def _in(language: str, diags: Diagnostics) -> Diagnostics:
    """The same problems, each saying which language has it."""
    out = Diagnostics()
    for d in diags.items:
        out.add(d.pos, d.field, f"[{language}] {d.message}", d.hint)
    for d in diags.warnings:
        out.warn(d.pos, d.field, f"[{language}] {d.message}", d.hint)
    return out


def write_outputs(deck: Deck, renderer: CardRenderer, out_dir: Path, options: BuildOptions,
                  progress: Progress | None = None) -> list[Path]:
    """Render a checked deck into a stage, then publish; on any problem, change nothing."""
    _check_options(deck, options)
    targets = _targets(deck, options)
    wanted = [name for name in FILENAMES if name in options.outputs]
    if any(target.name == "home" for target in targets) and "cards" in wanted:
        wanted.remove("cards")  # the home target is cards.pdf: write it once
    skipped = []
    if "blank" in wanted and _blank_total(deck, options) == 0:
        # A PDF without pages is no use to anyone: leave it out and say so.
        wanted.remove("blank")
        skipped.append(f"{FILENAMES['blank']} not written: no blank cards asked for"
                       + (" (--blank 0)" if options.blank_count == 0 else
                          " (every category has `blanks: 0`)"))
    try:
        with fixed_clock(), staging(out_dir) as stage:
            _write(deck, renderer, stage, wanted, options, progress)
            names = [FILENAMES[name] for name in wanted]
            for target in targets:
                write_target(deck, target, stage, options, progress)
                top = target.output.split("/")[0]
                if top not in names:
                    names.append(top)
            for note in skipped:
                log.warning("%s", note)
            return publish(stage, out_dir, names)
    except OSError as error:
        # The deck's files were all read and checked before this point, so an OSError here
        # is the output folder's (full disk, no permission): say so plainly, no traceback.
        raise OutputError(error) from error


def _targets(deck: Deck, options: BuildOptions) -> list[Target]:
    """The print targets asked for, each checked against the deck before any work."""
    if not options.targets:
        return []
    picked = pick(options.targets, load_targets(deck.root), deck.root / "deck.yaml")
    for target in picked:
        check_target(deck, target)
    return picked


def _write(deck: Deck, renderer: CardRenderer, stage: Path, wanted: list[str],
           options: BuildOptions, progress: Progress | None) -> None:
    if "cards" in wanted:
        write_cards_sheets(deck, renderer, str(stage / FILENAMES["cards"]), options, progress)
    if "print-shop" in wanted or "png" in wanted:
        write_print_shop(deck, renderer, str(stage / FILENAMES["print-shop"]), progress)
    if "blank" in wanted:
        write_blank_sheets(deck, renderer, str(stage / FILENAMES["blank"]), options, progress)
    if "workbook" in wanted:
        if progress is not None:
            progress("workbook", 0, 0)
        write_workbook_pdf(deck, renderer, str(stage / FILENAMES["workbook"]), options)
        if progress is not None:
            progress("workbook", 1, 1)
    if "png" in wanted:
        write_pngs(stage / FILENAMES["print-shop"], stage / FILENAMES["png"], png_names(deck),
                   options.jobs, progress)
    # The workshop kit: a remote folder and a tuck box, each from its own module.
    if "remote" in wanted:
        write_remote(deck, renderer, stage / FILENAMES["remote"], options.jobs, progress)
    if "tuckbox" in wanted:
        write_tuckbox(deck, stage / FILENAMES["tuckbox"], options.paper or deck.paper)


def _check_size(deck: Deck, diags: Diagnostics) -> None:
    printed = sum(card.copies for card in deck.cards)
    if printed <= MAX_PRINTED_CARDS:
        return
    most = max(deck.cards, key=lambda card: card.copies)
    diags.add(most.where("copies") if most.copies > 1 else Pos(deck.root / "deck.yaml"),
              "copies", f"the deck prints {printed:,} cards counting copies; the limit is "
              f"{MAX_PRINTED_CARDS:,}",
              f"card '{most.id}' asks for {most.copies:,} copies" if most.copies > 1 else
              "split the deck into several decks")


def _blank_total(deck: Deck, options: BuildOptions) -> int:
    return sum(count for _, count in blank_counts(deck, options))


def _check_options(deck: Deck, options: BuildOptions) -> None:
    diags = Diagnostics()
    where = Pos(deck.root / "deck.yaml")
    unknown = [c for c in options.blank_categories if c not in {x.id for x in deck.categories}]
    for cat in unknown:
        diags.add(where, "--category", f"the deck has no category '{cat}'",
                  did_you_mean(cat, [c.id for c in deck.categories])
                  or "categories: " + ", ".join(c.id for c in deck.categories))
    if not unknown and "blank" in options.outputs:
        blanks = _blank_total(deck, options)
        if blanks > MAX_PRINTED_CARDS:
            diags.add(where, "blanks", f"{blanks:,} blank cards asked for; the limit is "
                      f"{MAX_PRINTED_CARDS:,}", "ask for fewer with --blank N or --category ID")
        if blanks == 0 and set(options.outputs) <= {"blank"}:
            diags.add(where, "--blank" if options.blank_count == 0 else "blanks",
                      "nothing to print: no blank cards asked for",
                      "ask for some with --blank N or --category ID" if options.blank_count == 0
                      else "give a category `blanks: N`, or use --blank N or --category ID")
    if diags:
        raise DeckError(diags)


__all__ = ["BuildOptions", "OutputError", "TargetFailed", "build", "check_deck", "load_checked",
           "replace", "write_outputs"]
