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
from multiprocessing.connection import Connection
from pathlib import Path

import yaml

WORDS = ("reader", "shelf", "title", "offer", "trial", "habit", "renewal", "story", "audio",
         "chapter", "signal", "moment", "email", "banner", "search", "progress", "streak",
         "catalogue", "welcome", "session", "quiet", "gift", "family", "account", "choice")


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
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_output(deck_dir: str, output: str, out_dir: str) -> tuple[float, float]:
    from deckgen.build import load_checked
    from deckgen.outputs import (
        BuildOptions,
        png_names,
        write_blank_sheets,
        write_cards_sheets,
        write_pngs,
        write_print_shop,
    )

    deck, renderer = load_checked(Path(deck_dir))
    options = BuildOptions()
    out = Path(out_dir)
    started = time.perf_counter()
    if output == "print-shop":
        write_print_shop(deck, renderer, str(out / "print-shop.pdf"))
    elif output == "cards":
        write_cards_sheets(deck, renderer, str(out / "cards.pdf"), options)
    elif output == "blank":
        write_blank_sheets(deck, renderer, str(out / "blank.pdf"), options)
    elif output == "png":
        write_print_shop(deck, renderer, str(out / "ps.pdf"))
        write_pngs(out / "ps.pdf", out / "png", png_names(deck), options.jobs)
    elif output == "load+check":
        from deckgen.load import load_deck
        from deckgen.render import CardRenderer

        CardRenderer(load_deck(Path(deck_dir))).check()
    return time.perf_counter() - started, _peak_mb()


def _measure_bare(deck_dir: str, out_dir: str) -> tuple[float, float]:
    """The same cards drawn with bare ReportLab calls: the floor any card drawer is held to."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from deckgen.fonts import load_family
    from deckgen.load import load_deck
    from deckgen.units import mm

    deck = load_deck(Path(deck_dir))
    font = load_family("Lato")
    started = time.perf_counter()
    canvas = Canvas(str(Path(out_dir) / "bare.pdf"), pagesize=(mm(210), mm(297)), invariant=1,
                    initialFontName=font.regular)
    w, h = deck.card.width, deck.card.height
    for i, card in enumerate(deck.cards):
        slot = i % 9
        x = mm(10) + (slot % 3) * w
        y = mm(15) + (2 - slot // 3) * h
        canvas.setFillColorRGB(*deck.category(card.category).color.rgb)
        canvas.rect(x, y + h - mm(14), w, mm(14), stroke=0, fill=1)
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        canvas.setFont(font.black, 15)
        canvas.drawString(x + mm(4), y + h - mm(22), card.title)
        canvas.setFont(font.regular, 9)
        lines = simpleSplit(card.body or "", font.regular, 9, w - mm(8))
        for n, line in enumerate(lines):
            canvas.drawString(x + mm(4), y + h - mm(30) - n * 11, line)
        if slot == 8 or i == len(deck.cards) - 1:
            canvas.showPage()
    canvas.save()
    return time.perf_counter() - started, _peak_mb()


def _child(conn: Connection, func: Callable[..., tuple[float, float]], args: tuple[str, ...],
           ) -> None:
    conn.send(func(*args))
    conn.close()


def _in_child(func: Callable[..., tuple[float, float]], *args: str) -> tuple[float, float]:
    # A fresh process per measurement, so peak memory belongs to that output alone; not a
    # pool worker, because PNG export starts processes of its own.
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_child, args=(child, func, args))
    process.start()
    result: tuple[float, float] = parent.recv()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="150,1000,10000")
    parser.add_argument("--png-limit", type=int, default=1000,
                        help="skip PNG for decks larger than this (it takes minutes)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    print(f"{'cards':>6} {'output':<11} {'seconds':>8} {'faces/s':>9} {'peak MB':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            deck_dir = synthetic_deck(Path(tmp) / "deck", size)
            out = Path(tmp) / "out"
            out.mkdir()
            faces = 2 * size
            results: dict[str, tuple[float, float]] = {}
            for output in ("load+check", "print-shop", "cards", "blank", "png"):
                if output == "png" and size > args.png_limit:
                    continue
                seconds, peak = _in_child(_measure_output, str(deck_dir), output, str(out))
                results[output] = (seconds, peak)
                rate = f"{faces / seconds:9.0f}" if output in ("print-shop", "cards",
                                                               "png") else " " * 9
                print(f"{size:>6} {output:<11} {seconds:8.2f} {rate} {peak:8.0f}", flush=True)
            bare, bare_peak = _in_child(_measure_bare, str(deck_dir), str(out))
            print(f"{size:>6} {'bare RL':<11} {bare:8.2f} {size / bare:9.0f} {bare_peak:8.0f}"
                  "   (fronts only, no fitting)")
            ratio = results["cards"][0] / bare
            print(f"{size:>6} cards.pdf / bare ReportLab time: {ratio:.1f}×", flush=True)


if __name__ == "__main__":
    main()
