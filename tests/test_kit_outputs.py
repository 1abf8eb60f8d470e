"""The workshop kit's outputs: the remote folder and the tuck box."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import BUILTIN, MINI_CARDS
from deckgen.deck.load import load_deck
from deckgen.outputs.build import build
from deckgen.outputs.files import BuildOptions
from deckgen.outputs.remote import card_png_name
from deckgen.outputs.tuckbox import STOCK_MM, Box, layout
from deckgen.units import mm
from deckgen.workbook.context import PAPERS
from test_workbook_kit import problems

REMOTE_WORKBOOK = """\
activities:
  - id: sort
    title: Sort the cards
    purpose: Put the cards in piles.
    steps: [{do: Sort them., minutes: 40}, {do: Name the piles., minutes: 30}]
agendas:
  - id: online
    title: Online, two sessions
    remote: true
    days:
      - title: Session one
        start: "10:00"
        slots:
          - {activity: sort, minutes: 40, note: "Step 1: sort them."}
          - {break: Break, minutes: 10}
          - {activity: sort, minutes: 30, note: "Step 2: name the piles."}
      - title: Session two
        start: "10:00"
        slots: [{title: Recap, minutes: 20}]
"""


def test_remote_kit_has_screen_cards_per_category_sheets_and_an_agenda(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = make_deck(size="bridge", files={"workbook.yaml": REMOTE_WORKBOOK.encode()})
    out = tmp_path / "out"
    build(root, out, BuildOptions(outputs=("remote",), jobs=1))
    remote = out / "remote"
    deck = load_deck(root)
    folders = sorted(p.name for p in (remote / "cards").iterdir())
    assert folders == ["01-audiences", "02-triggers", "03-recipes"]
    # Bridge cards are narrower than poker ones: 750 px wide, height in proportion.
    height = round(750 * 88.9 / 57.15)
    for cat, folder in zip(deck.categories, folders, strict=True):
        names = sorted(p.name for p in (remote / "cards" / folder).iterdir())
        ids = [card.id for card in deck.cards if card.category == cat.id]
        assert names == sorted([f"{i:02d}-{cid}.png" for i, cid in enumerate(ids, 1)]
                               + ["blank.png"])
        for name in names:
            with Image.open(remote / "cards" / folder / name) as image:
                assert image.size == (750, height)
    sheets = sorted((remote / "worksheets").iterdir())
    assert sheets and all(p.suffix == ".png" for p in sheets)
    for sheet in sheets:
        with Image.open(sheet) as image:
            assert image.size == (1920, 1080)
            # A background, not a blank: the sheet's lines and title are drawn on it.
            assert image.convert("L").getextrema()[0] < 100
    agenda = pypdf.PdfReader(remote / "agenda.pdf")
    assert len(agenda.pages) == 1
    box = agenda.pages[0].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
    text = agenda.pages[0].extract_text()
    # A split activity's slots say which steps each runs.
    for expected in ("Online, two sessions", "Session one", "10:50", "Sort the cards", "Recap",
                     "Step 1: sort them.", "Step 2: name the piles."):
        assert expected in text
    with Image.open(remote / "agenda.png") as image:
        assert image.size == (1920, 1080)
    assert not list(remote.rglob(".*.pdf")), "the intermediate PDFs are removed"


def test_remote_card_pngs_are_named_by_code_where_the_deck_has_codes() -> None:
    deck = load_deck(BUILTIN)
    names = [card_png_name(deck, card, n) for n, card in enumerate(deck.cards_in("audiences"), 1)]
    assert names[:2] == ["AU-01-new-visitor.png", "AU-02-returning-visitor.png"]
    plain = dataclasses.replace(deck, fields=tuple(
        dataclasses.replace(spec, reference=False) for spec in deck.fields))
    assert card_png_name(plain, deck.cards_in("audiences")[1], 2) == "02-returning-visitor.png"


def test_a_remote_agenda_needs_a_break_every_hour() -> None:
    text = REMOTE_WORKBOOK.replace("          - {break: Break, minutes: 10}\n", "")
    found = problems(text)
    assert found == [(15, "agendas[0].days[0].slots[1]",
                      "70 min without a break in a remote agenda; online, the limit is 60",
                      "add a break of 5 to 10 minutes before this slot, or split it")]


def _fold_lines(page: pypdf.PageObject) -> tuple[list[float], list[float]]:
    """x of the vertical and y of the horizontal dashed lines, in points."""
    data = page.get_contents().get_data().decode("latin-1")
    xs: set[float] = set()
    ys: set[float] = set()
    for dashed in re.findall(r"\[3 2\] 0 d(.*?)\[\] 0 d", data, re.S):
        for x1, y1, x2, y2 in re.findall(r"([-\d.]+) ([-\d.]+) m\s+([-\d.]+) ([-\d.]+) l",
                                         dashed):
            if x1 == x2:
                xs.add(float(x1))
            elif y1 == y2:
                ys.add(float(y1))
    return sorted(xs), sorted(ys)


def test_tuck_box_panels_are_the_card_size_plus_play_and_the_deck_thickness(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    cards = MINI_CARDS.replace("    title: Lapsed subscriber\n",
                               "    title: Lapsed subscriber\n    copies: 30\n")
    root = make_deck(cards={"10-cards.yaml": cards})
    out = tmp_path / "out"
    build(root, out, BuildOptions(outputs=("tuckbox",), jobs=1))
    reader = pypdf.PdfReader(out / "tuckbox.pdf")
    assert len(reader.pages) == 1  # a thin deck fits one sheet
    xs, ys = _fold_lines(reader.pages[0])
    widths = [round((b - a) / mm(1), 2) for a, b in itertools.pairwise(xs)]
    depth = 33 * STOCK_MM + 1  # 33 printed cards, plus a millimetre of play
    # Folds between side | front | side | back | glue flap: front, side and back lie between.
    assert widths == pytest.approx([63.5 + 1.5, depth, 63.5 + 1.5], abs=0.02)
    heights = [round((b - a) / mm(1), 2) for a, b in itertools.pairwise(ys)]
    assert pytest.approx(88.9 + 1.5, abs=0.02) in heights
    text = reader.pages[0].extract_text()
    assert "33 cards at 0.32 mm" in text and "Test Deck" in text


def test_a_thick_deck_is_split_over_two_sheets_and_a_huge_one_is_refused() -> None:
    a4, letter = PAPERS["a4"], PAPERS["letter"]
    thick = Box(mm(65), mm(90.4), mm(50.6), 155)
    for paper in (a4, letter):
        placed = layout(thick, paper)
        assert placed is not None and len(placed) == 2
    assert layout(Box(mm(65), mm(90.4), mm(6), 15), a4) is not None
    assert len(layout(Box(mm(65), mm(90.4), mm(6), 15), a4) or []) == 1
    assert layout(Box(mm(120), mm(180), mm(120), 370), a4) is None
