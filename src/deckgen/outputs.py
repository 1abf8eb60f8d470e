"""Outputs: each file `build` writes, staged in a temporary folder and renamed into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from reportlab.pdfgen.canvas import Canvas

from deckgen.faces import Face
from deckgen.fonts import load_family
from deckgen.model import Card, Category, Deck
from deckgen.render import CardRenderer

OUTPUTS = ("cards", "print-shop", "blank", "workbook", "png")
FILENAMES = {
    "cards": "cards.pdf",
    "print-shop": "cards-print-shop.pdf",
    "blank": "blank-cards.pdf",
    "workbook": "workbook.pdf",
    "png": "png",
}
PNG_DPI = 300

Duplex = Literal["long", "short", "none"]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    outputs: tuple[str, ...] = ("cards", "print-shop", "blank", "workbook")
    paper: str | None = None
    duplex: Duplex = "long"
    back_offset: tuple[float, float] = (0.0, 0.0)  # points
    cmyk: bool = False
    blank_count: int | None = None
    blank_categories: tuple[str, ...] = ()
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)


def _canvas(target: BinaryIO | str, deck: Deck, subject: str, *, cmyk: bool,
            pagesize: tuple[float, float]) -> Canvas:
    # ReportLab starts every page in Helvetica, an unembedded standard-14 font; start in ours.
    canvas = Canvas(target, pagesize=pagesize, invariant=1, pageCompression=1,
                    enforceColorSpace="cmyk" if cmyk else None,
                    initialFontName=load_family("Lato").regular, initialFontSize=9)
    canvas.setTitle(f"{deck.title} — {subject}")
    canvas.setAuthor(deck.brand.name)
    canvas.setSubject(subject)
    canvas.setCreator("deckgen")
    canvas.setProducer("deckgen")
    return canvas


def expanded_cards(deck: Deck) -> list[Card]:
    """Cards in print order with their copies."""
    return [card for card in deck.cards for _ in range(card.copies)]


def write_print_shop(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                     progress: Progress | None = None) -> None:
    """One face per page with bleed; TrimBox and BleedBox on every page; front then back."""
    spec = deck.card
    page = (spec.width + 2 * spec.bleed, spec.height + 2 * spec.bleed)
    canvas = _canvas(out, deck, "print-shop cards", cmyk=renderer.cmyk, pagesize=page)
    cards = expanded_cards(deck)
    trim = (spec.bleed, spec.bleed, spec.bleed + spec.width, spec.bleed + spec.height)
    bleed_box = (0.0, 0.0, page[0], page[1])
    for i, card in enumerate(cards):
        for face in (renderer.front(card), renderer.back(card)):
            canvas.setTrimBox(trim)
            canvas.setBleedBox(bleed_box)
            _draw_face(canvas, face, spec.bleed, spec.bleed)
            canvas.showPage()
        if progress is not None:
            progress("print-shop", i + 1, len(cards))
    canvas.save()


def _draw_face(canvas: Canvas, face: Face, x: float, y: float) -> None:
    key = face.form_key
    if key is None:
        face.draw(canvas, x, y)
        return
    name = "face-" + key
    if not canvas.hasForm(name):
        canvas.beginForm(name, -face.bleed, -face.bleed, face.width + face.bleed,
                         face.height + face.bleed)
        face.draw(canvas, 0, 0)
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def write_cards_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions, progress: Progress | None = None) -> None:
    from deckgen.impose import impose, plan_sheet

    cards = expanded_cards(deck)
    pairs = [(renderer.front(c), renderer.back(c)) for c in cards]
    _write_sheets(deck, renderer, out, options, pairs, "cards", "print-and-play cards",
                  progress, impose, plan_sheet)


def blank_faces(deck: Deck, renderer: CardRenderer,
                options: BuildOptions) -> list[tuple[Face, Face]]:
    """Blank cards: each category's `blanks`, or `--blank N` of each chosen category."""
    chosen: Sequence[Category] = [c for c in deck.categories
                                  if not options.blank_categories
                                  or c.id in options.blank_categories]
    pairs: list[tuple[Face, Face]] = []
    for category in chosen:
        count = options.blank_count if options.blank_count is not None else category.blanks
        if options.blank_categories and options.blank_count is None and count == 0:
            count = 9
        pairs += [(renderer.blank(category), renderer.category_back(category))] * count
    return pairs


def write_blank_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions, progress: Progress | None = None) -> None:
    from deckgen.impose import impose, plan_sheet

    pairs = blank_faces(deck, renderer, options)
    _write_sheets(deck, renderer, out, options, pairs, "blank", "blank cards", progress, impose,
                  plan_sheet)


def _write_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str, options: BuildOptions,
                  pairs: Sequence[tuple[Face, Face]], name: str, subject: str,
                  progress: Progress | None, impose: Callable[..., None],
                  plan_sheet: Callable[..., object]) -> None:
    spec = deck.card
    paper = options.paper or deck.paper
    plan = plan_sheet(paper, spec.width, spec.height, spec.bleed)
    paper_size = (plan.paper_w, plan.paper_h)  # type: ignore[attr-defined]
    canvas = _canvas(out, deck, subject, cmyk=renderer.cmyk, pagesize=paper_size)
    label_font = load_family("Lato").regular

    def on_sheet(done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    impose(canvas, pairs, plan, duplex=options.duplex, back_offset=options.back_offset,
           title=f"{deck.title} · {subject}", label_font=label_font, on_sheet=on_sheet)
    canvas.save()


def write_workbook_pdf(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions) -> None:
    from deckgen.workbook import write_workbook

    write_workbook(deck, renderer, out, paper=options.paper)


# -- PNG: rasterise the print-shop PDF, in parallel ------------------------------------------


def png_names(deck: Deck) -> list[str]:
    names: list[str] = []
    for i, card in enumerate(expanded_cards(deck)):
        names += [f"{i + 1:03d}-{card.id}-front.png", f"{i + 1:03d}-{card.id}-back.png"]
    return names


def write_pngs(pdf_path: Path, folder: Path, names: Sequence[str], jobs: int,
               progress: Progress | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs, len(names) // 8 or 1))
    chunks = [list(range(i, len(names), jobs)) for i in range(jobs)]
    done = 0
    if jobs == 1:
        _render_pages(str(pdf_path), str(folder), list(names), chunks[0])
        if progress is not None:
            progress("png", len(names), len(names))
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_render_pages, str(pdf_path), str(folder), list(names), chunk)
                   for chunk in chunks]
        for future in futures:
            done += future.result()
            if progress is not None:
                progress("png", done, len(names))


def _render_pages(pdf_path: str, folder: str, names: list[str], pages: list[int]) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_path)
    try:
        for index in pages:
            page = doc[index]
            bitmap = page.render(scale=PNG_DPI / 72, draw_annots=False)
            image = bitmap.to_pil()
            image.info.pop("dpi", None)
            image.save(Path(folder) / names[index], dpi=(PNG_DPI, PNG_DPI), optimize=False)
            page.close()
    finally:
        doc.close()
    return len(pages)


# -- atomic writing -------------------------------------------------------------------------


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A private folder next to the outputs; deleted whatever happens."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".deckgen-", dir=out_dir))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out_dir: Path, names: Sequence[str]) -> list[Path]:
    """Move finished outputs from the stage into place, each by one rename."""
    published: list[Path] = []
    for name in names:
        source = stage / name
        target = out_dir / name
        if source.is_dir():
            old = out_dir / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                os.replace(target, old)
            os.replace(source, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            with open(source, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(source, target)
        published.append(target)
    return published
