"""Outputs: each file `build` writes, staged in a temporary folder and renamed into place."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, Literal, overload

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Card, Category, Deck
from deckgen.draw.faces import Face, face_form
from deckgen.draw.renderer import CardRenderer
from deckgen.i18n import mark, word
from deckgen.text.fonts import load_family

OUTPUTS = ("cards", "print-shop", "blank", "workbook", "png", "remote", "tuckbox")
FILENAMES = {
    "cards": "cards.pdf",
    "print-shop": "cards-print-shop.pdf",
    "blank": "blank-cards.pdf",
    "workbook": "workbook.pdf",
    "png": "png",
    # The workshop kit (remote.py, tuckbox.py): only when asked for with --only.
    "remote": "remote",
    "tuckbox": "tuckbox.pdf",
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
    printer_margin: float = 5 * 72 / 25.4  # points a home printer leaves blank at every edge
    targets: tuple[str, ...] = ()  # print targets by name (see targets.py), beyond the v1 outputs


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
    name = face_form(canvas, face)
    if name is None:
        face.draw(canvas, x, y)
        return
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


class CardFaces(Sequence[tuple[Face, Face]]):
    """(front, back) of every printed card, made only when asked for: the imposer takes one
    sheet at a time, so a big deck's faces (and their laid-out text) need not all be alive at
    once."""

    def __init__(self, renderer: CardRenderer, cards: Sequence[Card]) -> None:
        self.renderer = renderer
        self.cards = cards

    def __len__(self) -> int:
        return len(self.cards)

    def _pair(self, card: Card) -> tuple[Face, Face]:
        return self.renderer.front(card), self.renderer.back(card)

    @overload
    def __getitem__(self, index: int) -> tuple[Face, Face]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Face, Face]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Face, Face] | list[tuple[Face, Face]]:
        if isinstance(index, slice):
            return [self._pair(card) for card in self.cards[index]]
        return self._pair(self.cards[index])


def write_cards_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions, progress: Progress | None = None) -> None:
    from deckgen.outputs.impose import impose, plan_sheet

    pairs = CardFaces(renderer, expanded_cards(deck))
    _write_sheets(deck, renderer, out, options, pairs, "cards", mark("print-and-play cards")[0],
                  progress, impose, plan_sheet)


def sheet_capacity(deck: Deck, options: BuildOptions) -> int:
    """How many of the deck's cards one print-and-play sheet holds, on the paper in use."""
    from deckgen.outputs.impose import plan_sheet

    spec = deck.card
    return plan_sheet(options.paper or deck.paper, spec.width, spec.height, spec.bleed,
                      options.printer_margin).per_sheet


def blank_counts(deck: Deck, options: BuildOptions) -> list[tuple[Category, int]]:
    """How many blank cards of each category.

    `--blank N` gives N of each chosen category (every category without `--category`); without
    it, `--category X` gives one full print-and-play sheet of X, and otherwise each category
    gets its `blanks`; the categories that do not say share one full sheet between them.
    """
    chosen: Sequence[Category] = [c for c in deck.categories
                                  if not options.blank_categories
                                  or c.id in options.blank_categories]
    if options.blank_count is not None:
        return [(category, options.blank_count) for category in chosen]
    if options.blank_categories:
        full_sheet = sheet_capacity(deck, options)
        return [(category, full_sheet) for category in chosen]
    unset = [category.id for category in chosen if category.blanks is None]
    shares: dict[str, int] = {}
    if unset:
        per, extra = divmod(sheet_capacity(deck, options), len(unset))
        shares = {cat_id: max(1, per + (i < extra)) for i, cat_id in enumerate(unset)}
    return [(category, category.blanks if category.blanks is not None else shares[category.id])
            for category in chosen]


def blank_faces(deck: Deck, renderer: CardRenderer,
                options: BuildOptions) -> list[tuple[Face, Face]]:
    """(front, back) of every blank card, in category order (see `blank_counts`)."""
    pairs: list[tuple[Face, Face]] = []
    for category, count in blank_counts(deck, options):
        pairs += [(renderer.blank(category), renderer.category_back(category))] * count
    return pairs


def write_blank_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions, progress: Progress | None = None) -> None:
    from deckgen.outputs.impose import impose, plan_sheet

    pairs = blank_faces(deck, renderer, options)
    _write_sheets(deck, renderer, out, options, pairs, "blank", mark("blank cards")[0], progress,
                  impose,
                  plan_sheet)


def _write_sheets(deck: Deck, renderer: CardRenderer, out: BinaryIO | str, options: BuildOptions,
                  pairs: Sequence[tuple[Face, Face]], name: str, subject: str,
                  progress: Progress | None, impose: Callable[..., None],
                  plan_sheet: Callable[..., object]) -> None:
    spec = deck.card
    paper = options.paper or deck.paper
    plan = plan_sheet(paper, spec.width, spec.height, spec.bleed, options.printer_margin)
    paper_size = (plan.paper_w, plan.paper_h)  # type: ignore[attr-defined]
    canvas = _canvas(out, deck, subject, cmyk=renderer.cmyk, pagesize=paper_size)
    label_font = load_family("Lato").regular

    def on_sheet(done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    impose(canvas, pairs, plan, duplex=options.duplex, back_offset=options.back_offset,
           title=f"{deck.title} · {word(deck, subject)}", label_font=label_font,
           on_sheet=on_sheet, say=partial(word, deck))
    canvas.save()


def write_workbook_pdf(deck: Deck, renderer: CardRenderer, out: BinaryIO | str,
                       options: BuildOptions) -> None:
    from deckgen.workbook import write_workbook

    write_workbook(deck, renderer, out, paper=options.paper, cmyk=renderer.cmyk)


# -- PNG: rasterise the print-shop PDF, in parallel ------------------------------------------

# Pages per task: small enough that Ctrl-C stops the export within about a second (queued
# batches are cancelled, running ones finish) and progress moves steadily; large enough that
# reopening the PDF in each task costs little.
PNG_BATCH = 24


def png_names(deck: Deck) -> list[str]:
    names: list[str] = []
    for i, card in enumerate(expanded_cards(deck)):
        names += [f"{i + 1:03d}-{card.id}-front.png", f"{i + 1:03d}-{card.id}-back.png"]
    return names


def write_pngs(pdf_path: Path, folder: Path, names: Sequence[str], jobs: int,
               progress: Progress | None = None, pixels: tuple[int, int] | None = None,
               step: str = "png") -> None:
    """One PNG per page at 300 dpi; with `pixels`, exactly that size (a vendor's uploader
    refuses an image a pixel off, and page sizes in points can round either way)."""
    folder.mkdir(parents=True, exist_ok=True)
    total = len(names)
    # Only the names a task needs travel to it: sending every name to every task would be
    # quadratic in the deck size.
    batches = [[(i, names[i]) for i in range(start, min(start + PNG_BATCH, total))]
               for start in range(0, total, PNG_BATCH)]
    jobs = max(1, min(jobs, total // 8 or 1))
    done = 0
    if jobs == 1:
        for batch in batches:
            done += _render_pages(str(pdf_path), str(folder), batch, pixels)
            if progress is not None:
                progress(step, done, total)
        return
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(_render_pages, str(pdf_path), str(folder), batch, pixels)
                   for batch in batches]
        for future in as_completed(futures):
            done += future.result()
            if progress is not None:
                progress(step, done, total)
    finally:
        # On Ctrl-C or an error, drop the batches not started instead of rendering them all.
        pool.shutdown(wait=True, cancel_futures=True)


def _render_pages(pdf_path: str, folder: str, pages: list[tuple[int, str]],
                  pixels: tuple[int, int] | None = None) -> int:
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf_path)
    try:
        for index, name in pages:
            page = doc[index]
            bitmap = page.render(scale=PNG_DPI / 72, draw_annots=False)
            image = bitmap.to_pil()
            if pixels is not None and image.size != pixels:
                image = image.resize(pixels, Image.Resampling.LANCZOS)
            # Pillow writes no time or software chunk; the only metadata is the resolution.
            image.info.pop("dpi", None)
            # Level 3 packs within 5 % of the default and saves over half its time.
            image.save(Path(folder) / name, dpi=(PNG_DPI, PNG_DPI), compress_level=3)
            page.close()
    finally:
        doc.close()
    return len(pages)


# -- reproducible dates ---------------------------------------------------------------------


@contextmanager
def fixed_clock() -> Iterator[None]:
    """Write PDFs whose dates do not depend on the environment.

    Canvases use ReportLab's invariant mode (fixed 2000-01-01 dates, /ID from the content), but
    ReportLab lets SOURCE_DATE_EPOCH override that date, and so the /ID. Same deck, same bytes is
    the contract, whatever the environment, so the variable is hidden while deckgen writes.
    """
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


# -- atomic writing -------------------------------------------------------------------------

# Stages are named `.deckgen-<pid>-<random>` inside the output folder: on the same file system
# as the outputs, so publishing is a rename, and tagged with the pid of the build that owns them,
# so a later build can tell a stage abandoned by a killed build from one still being written.
STAGE_PREFIX = ".deckgen-"
# A stage untouched for this long is abandoned even if its pid is alive again (pids get reused,
# and a build on another machine sharing the folder has a pid we cannot check).
STALE_AFTER = 24 * 3600.0
# Inside a stage, the previous version of a published folder (png/) waits here until the stage
# is deleted; a build killed between the two renames leaves it there, to be put back.
_OLD = "old-"


class OutputError(Exception):
    """The outputs could not be written (full disk, no permission); earlier ones are unchanged."""

    def __init__(self, error: OSError) -> None:
        self.error = error
        reason = error.strerror or str(error) or type(error).__name__
        if error.filename is not None:
            reason += f" ({error.filename})"
        if isinstance(error, (FileExistsError, NotADirectoryError)) and error.filename and (
                Path(error.filename).is_file()):
            reason = f"{error.filename} is a file; give -o a folder"
        self.reason = reason
        super().__init__(reason)


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A private folder inside the outputs folder; deleted whatever happens."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(out_dir)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_stale_stages(out_dir: Path) -> list[Path]:
    """Delete stages left by builds that were killed (SIGKILL, power cut); keep live ones."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(STAGE_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        stage = Path(entry.path)
        if _stage_in_use(stage):
            continue
        _put_back_old_folders(stage, out_dir)
        shutil.rmtree(stage, ignore_errors=True)
        removed.append(stage)
    return removed


def _stage_in_use(stage: Path) -> bool:
    try:
        age = time.time() - stage.stat().st_mtime
    except OSError:
        return True  # gone already, or not ours to judge
    if age > STALE_AFTER:
        return False
    pid_text = stage.name[len(STAGE_PREFIX):].split("-", 1)[0]
    if not pid_text.isdigit():
        return True  # not named by this version: only age can tell
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # ours: another build in this process, or about to be removed by it
    return _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill would terminate the process there; rely on age alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, run by another user
    except OSError:
        return True
    return True


def _put_back_old_folders(stage: Path, out_dir: Path) -> None:
    """Undo half a folder swap: the build died after moving the old png/ aside."""
    try:
        olds = [p for p in stage.iterdir() if p.name.startswith(_OLD)]
    except OSError:
        return
    for old in olds:
        target = out_dir / old.name[len(_OLD):]
        if not target.exists() and not target.is_symlink():
            with suppress(OSError):
                os.replace(old, target)


def publish(stage: Path, out_dir: Path, names: Sequence[str]) -> list[Path]:
    """Move finished outputs from the stage into place, each by one rename.

    Everything slow (writing, flushing to disk) is done before the first rename, so the outputs
    change together within a few microseconds; each output on its own is always whole, old or
    new.
    """
    sources = [stage / name for name in names]
    for source in sources:
        if not source.is_dir():
            with open(source, "rb") as handle:
                os.fsync(handle.fileno())
    published: list[Path] = []
    for source in sources:
        target = out_dir / source.name
        if source.is_dir():
            # A folder cannot replace a folder in one rename: move the old one into the stage
            # (deleted with it), then the new one into place.
            if target.exists() or target.is_symlink():
                os.replace(target, stage / (_OLD + source.name))
            os.replace(source, target)
        else:
            os.replace(source, target)
        published.append(target)
    _fsync_dir(out_dir)
    return published


def _fsync_dir(folder: Path) -> None:
    # Make the renames themselves durable; not every platform can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
