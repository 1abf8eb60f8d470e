"""Benchmark: seconds, peak memory and faces per second for each output on synthetic decks."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

if TYPE_CHECKING:
    from deckgen.deck.model import Deck
    from deckgen.draw.renderer import CardRenderer

R = TypeVar("R")

WORDS = ("reader", "shelf", "title", "voucher", "trial", "routine", "renewal", "story", "audio",
         "chapter", "signal", "moment", "letter", "banner", "search", "progress", "streak",
         "catalogue", "greeting", "session", "quiet", "gift", "family", "account", "choice")


def synthetic_deck(folder: Path, cards: int, seed: int = 7) -> Path:
    """A deck of `cards` cards over six categories, with texts of realistic, varied length."""
    rng = random.Random(seed)
    colors = ["#1D5E8C", "#6B3FA0", "#A84B0C", "#00696B", "#2F6E34", "#A0306A"]
    roles = ["who", "what", "when", "where", "why", "measure"]
    categories = [{"id": f"cat-{i}", "name": f"Category {i}", "role": roles[i],
                   "question": "What is this about?", "color": colors[i], "blanks": 3}
                  for i in range(6)]
    (folder / "cards").mkdir(parents=True, exist_ok=True)
    deck = {"deck": {"title": "Synthetic Deck"}, "card": {"size": "poker"},
            "categories": categories}
    (folder / "deck.yaml").write_text(yaml.safe_dump(deck, sort_keys=False), encoding="utf-8")

    def sentence(low: int, high: int) -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        return " ".join(words).capitalize() + "."

    entries = []
    for i in range(cards):
        card: dict[str, object] = {"id": f"card-{i}", "category": f"cat-{i % 6}",
                                   "title": sentence(1, 3)[:-1], "body": sentence(10, 24)}
        if i % 3 == 0:
            card["prompts"] = [sentence(5, 9)[:-1] + "?"]
        if i % 4 == 1:
            card["items"] = [sentence(2, 5) for _ in range(3)]
        entries.append(card)
    (folder / "cards" / "cards.yaml").write_text(
        yaml.safe_dump({"cards": entries}, sort_keys=False, allow_unicode=True),
        encoding="utf-8")
    return folder


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux. PNG export renders in worker processes: count the
    # largest of them too, since that is what the machine must have free.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


OUTPUTS = ("print-shop", "cards", "blank", "workbook", "png")
# Outputs whose work grows with the number of card faces: the ones given in faces per second.
PER_FACE = ("print-shop", "cards", "png")
Result = tuple[float, float]  # seconds, peak MB


def _measure_outputs(deck_dir: str, out_dir: str, outputs: tuple[str, ...],
                     ) -> dict[str, Result]:
    """Load and check the deck once (its own row), then write each output in a fork of this
    process: it starts with the checked deck in memory, as in a build, and its peak memory is
    that plus what the output needs. Loading a big deck once instead of per output saves
    minutes at 10,000 cards."""
    from deckgen.outputs.build import load_checked

    started = time.perf_counter()
    deck, renderer = load_checked(Path(deck_dir))
    results = {"load+check": (time.perf_counter() - started, _peak_mb())}
    methods = multiprocessing.get_all_start_methods()
    for output in outputs:
        if "fork" in methods:
            results[output] = _in_child(multiprocessing.get_context("fork"), _write_one,
                                        deck, renderer, output, out_dir)
        else:  # no fork (Windows): same process, so peaks include earlier outputs
            results[output] = _write_one(deck, renderer, output, out_dir)
    return results


def _write_one(deck: Deck, renderer: CardRenderer, output: str, out_dir: str) -> Result:
    from deckgen.outputs.files import (
        BuildOptions,
        png_names,
        write_blank_sheets,
        write_cards_sheets,
        write_pngs,
        write_print_shop,
        write_workbook_pdf,
    )

    options = BuildOptions()
    out = Path(out_dir)
    started = time.perf_counter()
    if output == "print-shop":
        write_print_shop(deck, renderer, str(out / "print-shop.pdf"))
    elif output == "cards":
        write_cards_sheets(deck, renderer, str(out / "cards.pdf"), options)
    elif output == "blank":
        write_blank_sheets(deck, renderer, str(out / "blank.pdf"), options)
    elif output == "workbook":
        write_workbook_pdf(deck, renderer, str(out / "workbook.pdf"), options)
    elif output == "png":  # needs the print-shop PDF; timed together, as in a build
        write_print_shop(deck, renderer, str(out / "ps.pdf"))
        write_pngs(out / "ps.pdf", out / "png", png_names(deck), options.jobs)
    return time.perf_counter() - started, _peak_mb()


def _measure_build(deck_dir: str, out_dir: str) -> Result:
    """What `deckgen build` does: load, check, write every PDF, publish."""
    from deckgen.outputs.build import build
    from deckgen.outputs.files import BuildOptions

    started = time.perf_counter()
    build(Path(deck_dir), Path(out_dir) / "build", BuildOptions())
    return time.perf_counter() - started, _peak_mb()


def _measure_bare(deck_dir: str, out_dir: str) -> tuple[float, float]:
    """The cards.pdf sheets drawn with bare ReportLab calls: the floor any card drawer is held to.

    Same sheets (3×3 fronts, then the backs) with the same elements, fonts and colours (band,
    name, question, badge, title, subtitle, rule, body, prompts, items, footer; back frame,
    title, rule, name), but text wrapped by ReportLab's simpleSplit: no fitting to size,
    hyphenation, fallback fonts, layout resolution, crop marks or form objects.
    """
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from deckgen.deck.load import load_deck
    from deckgen.text.fonts import load_family
    from deckgen.units import mm

    deck = load_deck(Path(deck_dir))
    font = load_family("Lato")
    started = time.perf_counter()
    canvas = Canvas(str(Path(out_dir) / "bare.pdf"), pagesize=(mm(210), mm(297)), invariant=1,
                    initialFontName=font.regular)
    w, h = deck.card.width, deck.card.height
    cards = list(deck.cards)
    for first in range(0, len(cards), 9):
        sheet = cards[first:first + 9]
        for slot, card in enumerate(sheet):  # fronts: every element our layout draws
            x = mm(10) + (slot % 3) * w
            y = mm(15) + (2 - slot // 3) * h
            category = deck.category(card.category)
            canvas.setFillColorRGB(*category.color.rgb)
            canvas.rect(x, y + h - mm(14), w, mm(14), stroke=0, fill=1)
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont(font.bold, 6.6)
            canvas.drawString(x + mm(4), y + h - mm(6), category.name.upper())
            canvas.setFont(font.italic, 8.2)
            canvas.drawString(x + mm(4), y + h - mm(10), category.question)
            canvas.setStrokeColorRGB(1, 1, 1)
            canvas.roundRect(x + w - mm(12), y + h - mm(7.5), mm(8), mm(3), mm(1.5))
            canvas.setFillColorRGB(0.1, 0.1, 0.1)
            canvas.setFont(font.black, 15)
            canvas.drawString(x + mm(4), y + h - mm(22), card.title)
            canvas.setFont(font.italic, 8.5)
            canvas.drawString(x + mm(4), y + h - mm(26), card.subtitle or "")
            canvas.setStrokeColorRGB(*category.color.rgb)
            canvas.line(x + mm(4), y + h - mm(28), x + mm(12), y + h - mm(28))
            canvas.setFont(font.regular, 9)
            lines = simpleSplit(card.body or "", font.regular, 9, w - mm(8))
            for prompt in card.prompts:
                lines += simpleSplit(prompt, font.italic, 9, w - mm(8))
            for item in card.items:
                lines += simpleSplit(item, font.regular, 9, w - mm(12))
            for n, line in enumerate(lines):
                canvas.drawString(x + mm(4), y + h - mm(32) - n * 11, line)
            canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
            canvas.line(x + mm(4), y + mm(7), x + w - mm(4), y + mm(7))
            canvas.setFont(font.regular, 5.6)
            canvas.drawString(x + mm(4), y + mm(4.5), deck.title)
            canvas.drawRightString(x + w - mm(4), y + mm(4.5), f"{card.id} · {slot + 1}")
        canvas.showPage()
        for slot, card in enumerate(sheet):  # backs, mirrored for a long-edge flip
            x = mm(10) + (2 - slot % 3) * w
            y = mm(15) + (2 - slot // 3) * h
            category = deck.category(card.category)
            canvas.setFillColorRGB(*category.color.rgb)
            canvas.rect(x, y, w, h, stroke=0, fill=1)
            canvas.setStrokeColorRGB(1, 1, 1)
            canvas.roundRect(x + mm(4), y + mm(4), w - mm(8), h - mm(8), mm(3))
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont(font.black, 15)
            canvas.drawCentredString(x + w / 2, y + h / 2, deck.title)
            canvas.line(x + w / 2 - mm(4), y + h / 2 - mm(3), x + w / 2 + mm(4),
                        y + h / 2 - mm(3))
            canvas.setFont(font.bold, 6)
            canvas.drawCentredString(x + w / 2, y + h / 2 - mm(8), category.name.upper())
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - started, _peak_mb()


def _as_spreadsheet(deck_dir: Path, suffix: str) -> None:
    """Rewrite the synthetic deck's cards.yaml as one spreadsheet file with the same cards."""
    yaml_file = deck_dir / "cards" / "cards.yaml"
    cards = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))["cards"]
    header = ["id", "category", "title", "body", "prompts", "items"]
    rows = [[c.get(k) if not isinstance(c.get(k), list) else "\n".join(c[k]) for k in header]
            for c in cards]
    yaml_file.unlink()
    if suffix == ".csv":
        import csv

        with open(deck_dir / "cards" / "cards.csv", "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([header, *rows])
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Cards")
        for row in [header, *rows]:
            sheet.append(row)
        book.save(deck_dir / "cards" / "cards.xlsx")


def _measure_load(deck_dir: str) -> Result:
    from deckgen.deck.load import load_deck

    started = time.perf_counter()
    load_deck(Path(deck_dir))
    return time.perf_counter() - started, _peak_mb()


def _measure_bomb(path: str) -> Result:
    from deckgen.deck.sheets import read_rows
    from deckgen.diagnostics import Diagnostics

    started = time.perf_counter()
    rows, _ = read_rows(Path(path), {}, Diagnostics())
    assert not rows
    return time.perf_counter() - started, _peak_mb()


def bench_sources(sizes: list[int]) -> None:
    """Loading the same cards from YAML, CSV and XLSX, and refusing a zip bomb."""
    import zipfile

    print(f"{'cards':>6} {'source':<11} {'seconds':>8} {'cards/s':>9} {'peak MB':>8}")
    for size in sizes:
        for suffix in (".yaml", ".csv", ".xlsx"):
            with tempfile.TemporaryDirectory() as tmp:
                deck_dir = synthetic_deck(Path(tmp) / "deck", size)
                if suffix != ".yaml":
                    _as_spreadsheet(deck_dir, suffix)
                seconds, peak = _fresh(_measure_load, str(deck_dir))
                print(f"{size:>6} {'load ' + suffix[1:]:<11} {seconds:8.2f} "
                      f"{size / seconds:9.0f} {peak:8.0f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.xlsx"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", b"<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", bytes(1_000_000_000))
        seconds, _ = _fresh(_measure_bomb, str(bomb))
        print(f"a {bomb.stat().st_size / 1e6:.1f} MB zip declaring 1 GB refused in "
              f"{seconds * 1000:.1f} ms", flush=True)


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    conn.send(func(*args))
    conn.close()


def _in_child(ctx: Any, func: Callable[..., R], *args: Any) -> R:
    # A process of its own per measurement, so its peak memory is its own; not a pool worker,
    # because PNG export starts processes of its own.
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, func, args))
    process.start()
    child.close()
    result: R = parent.recv()
    process.join()
    return result


def _fresh(func: Callable[..., R], *args: Any) -> R:
    """Run `func` in a freshly started interpreter: nothing loaded, nothing cached."""
    return _in_child(multiprocessing.get_context("spawn"), func, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="150,1000,10000")
    parser.add_argument("--sources", action="store_true",
                        help="only time loading cards from YAML, CSV and XLSX files")
    parser.add_argument("--photos", type=int, default=150,
                        help="cards in the photo benchmark (0 to skip)")
    parser.add_argument("--png-limit", type=int, default=1000,
                        help="skip PNG for decks larger than this (about 35 s per 1,000 cards "
                        "on two cores)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    began = time.perf_counter()
    print(f"machine: {_machine()}")
    if args.sources:
        bench_sources(sizes)
        return
    print("seconds: each output alone, after loading and checking (their own row); `build` is "
          "a whole\n`deckgen build` (load, check, every PDF, publish). peak MB: that step's "
          "process, loaded deck included")
    print(f"{'cards':>6} {'output':<11} {'seconds':>8} {'faces/s':>9} {'peak MB':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            deck_dir = synthetic_deck(Path(tmp) / "deck", size)
            out = Path(tmp) / "out"
            out.mkdir()
            faces = 2 * size
            outputs = tuple(o for o in OUTPUTS if o != "png" or size <= args.png_limit)
            results = _fresh(_measure_outputs, str(deck_dir), str(out), outputs)
            results["build"] = _fresh(_measure_build, str(deck_dir), str(out))
            for output in ("load+check", *OUTPUTS, "build"):
                if output not in results:
                    print(f"{size:>6} {output:<11} {'skipped':>8}   (decks over "
                          f"{args.png_limit:,} cards; --png-limit to change)")
                    continue
                seconds, peak = results[output]
                rate = f"{faces / seconds:9.0f}" if output in PER_FACE else " " * 9
                print(f"{size:>6} {output:<11} {seconds:8.2f} {rate} {peak:8.0f}")
            bare, bare_peak = _fresh(_measure_bare, str(deck_dir), str(out))
            print(f"{size:>6} {'bare RL':<11} {bare:8.2f} {faces / bare:9.0f} {bare_peak:8.0f}"
                  "   (the same sheets drawn with bare ReportLab calls, no fitting)")
            ratio = results["cards"][0] / bare
            print(f"{size:>6} cards.pdf takes {ratio:.1f}× the time of bare ReportLab", flush=True)
    bench_sources(sizes)
    if args.photos:
        from deckgen.bench_photos import run

        run(args.photos)
    print(f"benchmark took {time.perf_counter() - began:.0f} s")


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    with suppress(ValueError, OSError, AttributeError):
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        memory = f", {total / 2**30:.0f} GB RAM"
    return (f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


if __name__ == "__main__":
    main()
