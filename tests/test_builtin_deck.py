"""The built-in prepersonalization deck: the facts a facilitator relies on when running the day."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import BUILTIN
from deckgen.cli import main
from deckgen.load import load_deck
from deckgen.model import Deck
from deckgen.render import CardRenderer
from deckgen.units import parse_color

ROLES = ("who", "what", "when", "where", "why", "measure")
WHITE = parse_color("#FFFFFF")


@pytest.fixture(scope="module")
def cards() -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["list", str(BUILTIN), "--json"])
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.output)
    return listed


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck(BUILTIN)


def by_id(cards: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {card["id"]: card for card in cards}


def test_validate_is_clean() -> None:
    result = CliRunner().invoke(main, ["validate", str(BUILTIN)])
    assert result.exit_code == 0, result.output


def test_at_least_140_cards_across_every_category(cards: list[dict[str, Any]],
                                                  deck: Deck) -> None:
    assert len(cards) >= 140
    counts = Counter(card["category"] for card in cards)
    assert set(counts) == {c.id for c in deck.categories}
    assert counts["interactions"] >= 30
    assert counts["guide"] >= 4


def test_each_grammar_role_has_one_category_with_cards(cards: list[dict[str, Any]],
                                                       deck: Deck) -> None:
    roles = [c.role for c in deck.categories if c.role is not None]
    assert sorted(roles) == sorted(ROLES)
    listed_roles = Counter(card["role"] for card in cards if card["role"])
    assert all(listed_roles[role] >= 6 for role in ROLES), listed_roles


def test_the_five_sizing_levels_in_order(cards: list[dict[str, Any]]) -> None:
    levels = sorted((c for c in cards if c["category"] == "levels"), key=lambda c: c["level"])
    assert [(c["level"], c["title"]) for c in levels] == [
        (1, "Function"), (2, "Feature"), (3, "Experience"), (4, "Complete product"),
        (5, "Portfolio")]


def test_the_detractor_lists_exactly_six_behaviours(cards: list[dict[str, Any]]) -> None:
    detractor = by_id(cards)["detractor"]
    assert len(detractor["items"]) == 6
    assert len(set(detractor["items"])) == 6


def test_four_arguments_and_a_grid_with_our_axes(cards: list[dict[str, Any]],
                                                 deck: Deck) -> None:
    arguments = [c for c in cards if c["category"] == "arguments"]
    assert len(arguments) >= 5  # four arguments and the grid card
    grid = [c for c in deck.cards if c.axes is not None]
    assert len(grid) == 1
    axes = grid[0].axes
    assert axes is not None
    x_ends, y_ends = ([label.lower() for label in ends] for ends in axes)
    assert x_ends == ["for customers", "for our organization"]
    assert y_ends == ["grow value", "remove effort"]


@pytest.mark.parametrize("name", ["nurture", "welcome", "winback"])
def test_the_worked_recipes_are_there(cards: list[dict[str, Any]], name: str) -> None:
    recipe = by_id(cards)[name]["recipe"]
    assert recipe is not None
    assert {"who", "what", "when", "where"} <= set(recipe)


def test_every_recipe_reference_is_a_card_of_the_right_role(cards: list[dict[str, Any]]) -> None:
    known = by_id(cards)
    recipes = [c for c in cards if c["recipe"]]
    assert len(recipes) >= 5
    for card in recipes:
        for role, ids in card["recipe"].items():
            assert ids, (card["id"], role)
            for ref in ids:
                assert known[ref]["role"] == role, (card["id"], role, ref)


def test_interactions_come_in_families_with_a_size(cards: list[dict[str, Any]]) -> None:
    interactions = [c for c in cards if c["category"] == "interactions"]
    families = Counter(c["family"] for c in interactions)
    assert None not in families
    assert len(families) >= 8
    assert all(1 <= c["level"] <= 5 for c in interactions)


def test_the_catalogue_has_about_140_complete_entries(deck: Deck) -> None:
    entries = deck.catalogue
    assert len(entries) >= 130
    assert len({e.name for e in entries}) == len(entries)
    assert all(e.family and e.level and e.channel for e in entries)


def test_every_category_has_a_colour_a_question_and_blanks(deck: Deck) -> None:
    # The guide, the five levels and the four arguments are closed sets; a team adds to the rest.
    closed = {"guide", "levels", "arguments"}
    for category in deck.categories:
        assert category.question, category.id
        assert (category.blanks == 0) == (category.id in closed), category.id
    assert sum(c.blanks for c in deck.categories) % 9 == 0  # whole print-and-play sheets
    colours = [c.color.hex for c in deck.categories]
    assert len(set(colours)) == len(colours)


def test_band_text_passes_wcag_aa_on_every_category_colour(deck: Deck) -> None:
    for category in deck.categories:
        assert category.color.contrast(WHITE) >= 4.5, category.id


def test_the_deck_fits_at_poker_size_without_falling_to_the_minimum(deck: Deck) -> None:
    renderer = CardRenderer(deck)
    assert renderer.check().sorted() == []
    at_minimum = [card.id for card in deck.cards
                  if any(s.at_minimum for s in renderer.front(card).sizes())]
    assert len(at_minimum) <= 3, at_minimum
