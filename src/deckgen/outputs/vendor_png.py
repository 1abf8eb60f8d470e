"""Target outputs: a checked deck + a Target → its file(s) in the stage, then its preflight."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path

from PIL import Image

from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError, Diagnostics, Pos
from deckgen.draw.renderer import CardRenderer
from deckgen.i18n import mark, word
from deckgen.outputs.files import (
    BuildOptions,
    CardFaces,
    Progress,
    _canvas,
    _draw_face,
    expanded_cards,
    write_cards_sheets,
    write_pngs,
)
from deckgen.outputs.pdfx import finish
from deckgen.outputs.preflight import Result, failures, preflight
from deckgen.outputs.targets import Target
from deckgen.text.fonts import load_family

MM = 72 / 25.4
CARD_TOLERANCE = 0.3 * MM  # a deck's card may differ this much from what a printer takes


class TargetFailed(Exception):
    """A target's own preflight rejected what was written; nothing is handed over."""

    def __init__(self, target: Target, results: list[Result]) -> None:
        self.target = target
        self.results = results
        super().__init__(f"{target.name}: preflight failed")


def face_names(deck: Deck) -> list[tuple[str, str]]:
    """(front, back) base names of every printed card: 001-ID-front, 001-ID-back."""
    return [(f"{i + 1:03d}-{card.id}-front", f"{i + 1:03d}-{card.id}-back")
            for i, card in enumerate(expanded_cards(deck))]


def check_target(deck: Deck, target: Target) -> None:
    """A deck whose cards are not the size the printer takes is an error before any work."""
    if target.card is None:
        return
    w, h = target.card
    spec = deck.card
    if abs(spec.width - w) > CARD_TOLERANCE or abs(spec.height - h) > CARD_TOLERANCE:
        diags = Diagnostics()
        diags.add(Pos(deck.root / "deck.yaml"), "card.size",
                  f"target '{target.name}' prints {w / MM:.1f} × {h / MM:.1f} mm cards; this "
                  f"deck's are {spec.width / MM:.1f} × {spec.height / MM:.1f} mm",
                  "pick a target for this card size, or make a deck target that extends this "
                  "one with its own `card:`")
        raise DeckError(diags)


def write_target(deck: Deck, target: Target, stage: Path, options: BuildOptions,
                 progress: Progress | None = None) -> None:
    """Write `target` into `stage` at `target.output`, then preflight it."""
    check_target(deck, target)
    if target.bleed is not None:
        deck = replace(deck, card=replace(deck.card, bleed=target.bleed))
    renderer = CardRenderer(deck, cmyk=target.cmyk)
    out = stage / target.output
    out.parent.mkdir(parents=True, exist_ok=True)
    title = f"{deck.title} — {target.description}"
    if target.kind == "sheets":
        sheet_options = replace(options, paper=target.paper or options.paper)
        write_cards_sheets(deck, renderer, str(out), sheet_options, progress)
        if target.cmyk:
            finish(out, target, title)
    elif target.kind == "gutter-fold":
        _write_gutter(deck, renderer, out, target, options, progress)
    elif target.kind == "pages":
        labels = write_pages(deck, renderer, out, target.order, progress, target.name)
        finish(out, target, title, labels)
    else:
        _write_png(deck, renderer, stage, out, target, options, progress)
        return
    results = preflight(out, target)
    if any(failures(results)):
        raise TargetFailed(target, results)


def write_pages(deck: Deck, renderer: CardRenderer, out: Path, order: str,
                progress: Progress | None = None, name: str = "pages") -> list[str]:
    """One face per page with bleed, TrimBox and BleedBox; returns each page's label."""
    spec = deck.card
    page = (spec.width + 2 * spec.bleed, spec.height + 2 * spec.bleed)
    canvas = _canvas(str(out), deck, "print-shop cards", cmyk=renderer.cmyk, pagesize=page)
    trim = (spec.bleed, spec.bleed, spec.bleed + spec.width, spec.bleed + spec.height)
    cards = expanded_cards(deck)
    labels: list[str] = []
    for i, card in enumerate(cards):
        faces = [("front", renderer.front(card)), ("back", renderer.back(card))]
        if order == "back-front":
            faces.reverse()
        for side, face in faces:
            canvas.setTrimBox(trim)
            canvas.setBleedBox((0.0, 0.0, page[0], page[1]))
            _draw_face(canvas, face, spec.bleed, spec.bleed)
            canvas.showPage()
            labels.append(f"{i + 1:03d}-{card.id} {side}")
        if progress is not None:
            progress(name, i + 1, len(cards))
    canvas.save()
    return labels


def _write_gutter(deck: Deck, renderer: CardRenderer, out: Path, target: Target,
                  options: BuildOptions, progress: Progress | None) -> None:
    from deckgen.outputs.gutter import gutter_fold, plan_gutter

    spec = deck.card
    plan = plan_gutter(target.paper or options.paper or deck.paper, spec.width, spec.height,
                       spec.bleed, options.printer_margin)
    canvas = _canvas(str(out), deck, "gutter-fold cards", cmyk=renderer.cmyk,
                     pagesize=(plan.paper_w, plan.paper_h))

    def on_sheet(done: int, total: int) -> None:
        if progress is not None:
            progress(target.name, done, total)

    gutter_fold(canvas, CardFaces(renderer, expanded_cards(deck)), plan,
                title=f"{deck.title} · {word(deck, mark('gutter-fold sheets')[0])}",
                label_font=load_family("Lato").regular, on_sheet=on_sheet,
                say=partial(word, deck))
    canvas.save()


def _write_png(deck: Deck, renderer: CardRenderer, stage: Path, folder: Path, target: Target,
               options: BuildOptions, progress: Progress | None) -> None:
    """Each face at exactly the vendor's pixel size, rendered from a one-face-per-page PDF."""
    assert target.pixels is not None
    pdf_path = stage / f".{target.name}-faces.pdf"
    write_pages(deck, renderer, pdf_path, "front-back")
    names = [f"{name}.png" for pair in face_names(deck) for name in pair]
    want_w, want_h = target.pixels
    wrong: list[str] = []
    try:
        write_pngs(pdf_path, folder, names, options.jobs, progress, target.pixels, target.name)
    finally:
        os.remove(pdf_path)
    for png in sorted(folder.glob("*.png")):
        with Image.open(png) as written:
            if written.size != (want_w, want_h):
                wrong.append(png.name)
    ok = not wrong
    measured = (f"{len(names)} faces, all {want_w} × {want_h} px" if ok
                else f"{len(wrong)} faces not {want_w} × {want_h} px, e.g. {wrong[0]}")
    if not ok:
        raise TargetFailed(target, [Result("pixels", False, measured)])
