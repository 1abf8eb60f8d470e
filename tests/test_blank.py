"""Blank cards: how many of each category, --blank and --category, backs behind fronts, recipes."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner, Result

from conftest import BUILTIN
from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.outputs.impose import SheetPlan, plan_sheet

RECIPE_ROLES = ["IF", "AND", "THEN", "VIA", "SO THAT", "MEASURE"]


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck(BUILTIN)


def plan_for(deck: Deck, paper: str | None = None) -> SheetPlan:
    return plan_sheet(paper or deck.paper, deck.card.width, deck.card.height, deck.card.bleed)


def build_blank(folder: Path, out: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--only", "blank",
                                       "-q", *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result


def slot_lines(pdf: pdfium.PdfDocument, page: int, plan: SheetPlan, index: int,
               side: str, duplex: str) -> list[str]:
    """Text lines of the card in slot `index` (as numbered on the front) of a page."""
    x, y = plan.slot(index, side, duplex)  # type: ignore[arg-type]
    text = pdf[page].get_textpage().get_text_bounded(x + 1, y + 1, x + plan.card_w - 1,
                                                      y + plan.card_h - 1)
    return [line.strip() for line in text.splitlines() if line.strip()]


def front_category(deck: Deck, lines: list[str]) -> str | None:
    """The category a blank front belongs to, by its question; None for an empty slot."""
    if not lines:
        return None
    found = [c.id for c in deck.categories if c.question in lines]
    assert len(found) == 1, lines
    return found[0]


def back_category(deck: Deck, lines: list[str]) -> str | None:
    """The category a back belongs to, by the name printed on it; None for an empty slot."""
    if not lines:
        return None
    found = [c.id for c in deck.categories if c.name.upper() in lines]
    assert len(found) == 1, lines
    return found[0]


def sheets(pdf: pdfium.PdfDocument, duplex: str) -> list[tuple[int, int]]:
    """(front page, back page) of every sheet."""
    n = len(pdf) // 2
    if duplex == "none":
        return [(s, n + s) for s in range(n)]
    return [(2 * s, 2 * s + 1) for s in range(n)]


def fronts(deck: Deck, pdf: pdfium.PdfDocument, plan: SheetPlan) -> list[str | None]:
    """Category of every slot on every front page, in print order."""
    return [front_category(deck, slot_lines(pdf, front, plan, i, "front", "long"))
            for front, _ in sheets(pdf, "long") for i in range(plan.per_sheet)]


def test_each_category_gets_the_blanks_it_asks_for(deck: Deck, tmp_path: Path) -> None:
    build_blank(BUILTIN, tmp_path)
    pdf = pdfium.PdfDocument(tmp_path / "blank-cards.pdf")
    plan = plan_for(deck)
    wanted = {c.id: c.blanks for c in deck.categories if c.blanks}
    assert wanted and any(c.blanks == 0 for c in deck.categories)  # the deck tests both
    total = sum(wanted.values())
    assert len(pdf) == 2 * -(-total // plan.per_sheet)
    slots = fronts(deck, pdf, plan)
    assert Counter(c for c in slots if c is not None) == wanted
    # In the deck's category order, filling every slot up to the last card.
    order = [c.id for c in deck.categories]
    assert slots[:total] == sorted(slots[:total], key=order.index)  # type: ignore[arg-type]
    assert slots[total:] == [None] * (len(slots) - total)


@pytest.mark.parametrize("args", [(), ("--blank", "1")], ids=["blanks", "blank-1"])
@pytest.mark.parametrize("duplex", ["long", "short", "none"])
def test_backs_follow_fronts_mirrored_like_the_cards(deck: Deck, tmp_path: Path,
                                                     duplex: str, args: tuple[str, ...]) -> None:
    build_blank(BUILTIN, tmp_path, "--duplex", duplex, *args)
    pdf = pdfium.PdfDocument(tmp_path / "blank-cards.pdf")
    plan = plan_for(deck)
    moved = 0
    checked = 0
    for front, back in sheets(pdf, duplex):
        for i in range(plan.per_sheet):
            category = front_category(deck, slot_lines(pdf, front, plan, i, "front", duplex))
            behind = back_category(deck, slot_lines(pdf, back, plan, i, "back", duplex))
            assert behind == category, (front, i)
            checked += category is not None
            # What sits at the front's own position on the back page, if it was not mirrored.
            unmirrored = back_category(deck, slot_lines(pdf, back, plan, i, "front", duplex))
            moved += unmirrored != category
    assert checked > 0
    # Mirroring shows: with long- and short-edge flips some backs sit elsewhere than their front.
    assert (moved > 0) == (duplex != "none")


def test_blank_n_with_category_gives_n_of_that_category_only(deck: Deck, tmp_path: Path) -> None:
    build_blank(BUILTIN, tmp_path, "--blank", "5", "--category", "risks")
    pdf = pdfium.PdfDocument(tmp_path / "blank-cards.pdf")
    assert len(pdf) == 2
    slots = fronts(deck, pdf, plan_for(deck))
    assert Counter(c for c in slots if c) == {"risks": 5}

    build_blank(BUILTIN, tmp_path, "--blank", "2", "--category", "recipes",
                "--category", "audiences")
    slots = fronts(deck, pdfium.PdfDocument(tmp_path / "blank-cards.pdf"), plan_for(deck))
    assert Counter(c for c in slots if c) == {"audiences": 2, "recipes": 2}


@pytest.mark.parametrize("category", ["levels", "audiences"])  # `blanks: 0`, `blanks: 4`
def test_category_alone_gives_one_full_sheet(deck: Deck, tmp_path: Path, category: str) -> None:
    build_blank(BUILTIN, tmp_path, "--category", category)
    pdf = pdfium.PdfDocument(tmp_path / "blank-cards.pdf")
    plan = plan_for(deck)
    assert len(pdf) == 2
    assert fronts(deck, pdf, plan) == [category] * plan.per_sheet == [category] * 9


def test_full_sheet_follows_the_card_size_and_paper(make_deck: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    folder = make_deck(size="tarot")
    tarot = load_deck(folder)
    plan = plan_for(tarot, "a4")
    assert plan.per_sheet == 4
    build_blank(folder, tmp_path / "out", "--category", "triggers", "--paper", "a4")
    pdf = pdfium.PdfDocument(tmp_path / "out" / "blank-cards.pdf")
    assert len(pdf) == 2
    assert fronts(tarot, pdf, plan) == ["triggers"] * 4


def test_recipe_blanks_show_every_role(deck: Deck, tmp_path: Path) -> None:
    build_blank(BUILTIN, tmp_path, "--blank", "3", "--category", "recipes")
    pdf = pdfium.PdfDocument(tmp_path / "blank-cards.pdf")
    plan = plan_for(deck)
    for i in range(3):
        lines = slot_lines(pdf, 0, plan, i, "front", "long")
        assert front_category(deck, lines) == "recipes"
        assert [line for line in lines if line in RECIPE_ROLES] == RECIPE_ROLES, lines


def test_blank_zero_alone_is_nothing_to_print(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(BUILTIN), "-o", str(tmp_path), "--only",
                                       "blank", "--blank", "0"])
    assert result.exit_code == 1
    assert "nothing to print" in result.stderr
    assert not (tmp_path / "blank-cards.pdf").exists()


def test_blank_zero_leaves_blank_cards_out_and_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="deckgen"):
        result = CliRunner().invoke(main, ["build", str(BUILTIN), "-o", str(tmp_path),
                                           "--only", "cards", "--only", "blank", "--blank", "0"])
    assert result.exit_code == 0, result.output + result.stderr
    assert (tmp_path / "cards.pdf").exists()
    assert not (tmp_path / "blank-cards.pdf").exists()
    assert "blank-cards.pdf" not in result.output
    assert "blank-cards.pdf not written: no blank cards asked for (--blank 0)" in caplog.text


def test_deck_without_blanks_builds_without_blank_cards(make_deck: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    from conftest import MINI_DECK

    text = MINI_DECK.format(size="poker")
    for n in ("2", "1"):
        text = text.replace(f"blanks: {n}", "blanks: 0")
    folder = make_deck(deck_yaml=text)
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "out"),
                                       "--only", "cards", "--only", "blank"])
    assert result.exit_code == 0, result.output + result.stderr
    assert not (tmp_path / "out" / "blank-cards.pdf").exists()
    assert (tmp_path / "out" / "cards.pdf").exists()


def test_categories_that_do_not_say_share_one_full_sheet(make_deck: Callable[..., Path],
                                                          tmp_path: Path) -> None:
    from conftest import MINI_DECK

    text = "\n".join(line for line in MINI_DECK.format(size="poker").splitlines()
                     if "blanks:" not in line)
    folder = make_deck(deck_yaml=text)
    build_blank(folder, tmp_path / "out")
    small = load_deck(folder)
    plan = plan_for(small)
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "blank-cards.pdf"))
    try:
        pages = len(pdf)
        counts = Counter(fronts(small, pdf, plan))
    finally:
        pdf.close()
    assert pages == 2  # one sheet: fronts and backs
    assert counts == {"audiences": 3, "triggers": 3, "recipes": 3}
