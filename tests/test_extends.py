"""Extends: a deck built on another inherits, overrides, removes and merges."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import BUILTIN
from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError

BASE_DECK = """\
deck:
  title: Base deck
  subtitle: The deck others build on
  edition: "2.0"
card:
  size: bridge
  bleed: 2mm
brand:
  name: Base Co
  colors: {primary: "#112233", text: "#222222", back: "#334455"}
categories:
  - id: audiences
    name: Audiences
    role: who
    question: Who is it for?
    color: "#1D5E8C"
    blanks: 3
  - id: outcomes
    name: Outcomes
    role: why
    question: Why does it matter?
    color: "#2F6E34"
"""

BASE_CARDS = """\
category: audiences
cards:
  - id: new-visitor
    title: New visitor
    body: First time here.
  - id: returning-visitor
    title: Returning visitor
    body: Has been here before.
  - id: habit
    category: outcomes
    title: Habit
    body: Comes back without being asked.
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "base", {"deck.yaml": BASE_DECK, "cards/10-cards.yaml": BASE_CARDS})


def child(tmp_path: Path, deck_yaml: str, cards: str | None = None, name: str = "child") -> Path:
    files = {"deck.yaml": deck_yaml}
    if cards is not None:
        files["cards/10-ours.yaml"] = cards
    return write(tmp_path / name, files)


def errors(folder: Path) -> str:
    with pytest.raises(DeckError) as info:
        load_deck(folder)
    return info.value.diagnostics.format()


def ids(deck: Deck) -> list[str]:
    return [c.id for c in deck.cards]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith(needle):
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_child_inherits_everything_it_does_not_say(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, "extends: ../base\n"))
    assert deck.title == "Base deck"
    assert deck.subtitle == "The deck others build on"
    assert deck.edition == "2.0"
    assert deck.card.size_name == "bridge"
    assert [c.id for c in deck.categories] == ["audiences", "outcomes"]
    assert ids(deck) == ["new-visitor", "returning-visitor", "habit"]
    assert deck.brand.name == "Base Co"
    assert deck.root == tmp_path / "child"


def test_card_with_an_existing_id_replaces_it_in_place(tmp_path: Path, base: Path) -> None:
    folder = child(tmp_path, "extends: ../base\n", """\
        category: audiences
        cards:
          - id: new-visitor
            title: First-timer
            body: Our own words.
        """)
    deck = load_deck(folder)
    assert ids(deck) == ["new-visitor", "returning-visitor", "habit"]
    card = deck.card_by_id("new-visitor")
    assert card is not None
    assert (card.title, card.body) == ("First-timer", "Our own words.")
    assert card.pos.file == folder / "cards" / "10-ours.yaml"


def test_remove_drops_cards_of_the_base(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, "extends: ../base\nremove: [returning-visitor, habit]\n"))
    assert ids(deck) == ["new-visitor"]
    assert [c.id for c in deck.categories] == ["audiences", "outcomes"]


def test_recolouring_a_category_keeps_its_other_keys(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, """\
        extends: ../base
        categories:
          - id: outcomes
            color: "#AA0000"
        """))
    assert [c.id for c in deck.categories] == ["audiences", "outcomes"]
    outcomes = deck.category("outcomes")
    assert outcomes.color.hex == "#AA0000"
    assert (outcomes.name, outcomes.question, outcomes.role) == (
        "Outcomes", "Why does it matter?", "why")
    assert deck.category("audiences").color.hex == "#1D5E8C"
    assert deck.category("audiences").blanks == 3


def test_adding_a_card_and_a_category(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, """\
        extends: ../base
        categories:
          - id: products
            name: Our products
            question: What do we sell?
            color: "#8A3B12"
        """, """\
        category: audiences
        cards:
          - id: churned
            title: Churned customer
            body: Left last year.
          - id: savings-account
            category: products
            title: Savings account
            body: Our best seller.
        """))
    assert [c.id for c in deck.categories] == ["audiences", "outcomes", "products"]
    # Print order follows the categories; a new card joins the end of its category.
    assert ids(deck) == ["new-visitor", "returning-visitor", "churned", "habit",
                         "savings-account"]
    assert deck.category("products").role is None


def test_a_new_category_still_needs_name_and_colour(tmp_path: Path, base: Path) -> None:
    text = errors(child(tmp_path, """\
        extends: ../base
        categories:
          - id: products
            question: What do we sell?
        """))
    assert "categories[0]" in text
    assert "name" in text and "color" in text


def test_brand_merges_key_by_key(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, """\
        extends: ../base
        brand:
          colors: {primary: "#ABCDEF"}
        """))
    colors = {name: color.hex for name, color in deck.brand.colors.items()}
    assert colors == {"primary": "#ABCDEF", "text": "#222222", "back": "#334455"}
    assert deck.brand.name == "Base Co"

    deck = load_deck(child(tmp_path, """\
        extends: ../base
        brand: {name: Client Co, colors: {highlight: "#00FF00"}}
        """, name="other"))
    assert deck.brand.name == "Client Co"
    assert deck.brand.colors["primary"].hex == "#112233"
    assert deck.brand.colors["highlight"].hex == "#00FF00"


def test_card_settings_merge_key_by_key(tmp_path: Path, base: Path) -> None:
    deck = load_deck(child(tmp_path, "extends: ../base\ncard: {safe: 4mm}\n"))
    assert deck.card.size_name == "bridge"
    assert round(deck.card.bleed / 72 * 25.4, 3) == 2.0
    assert round(deck.card.safe / 72 * 25.4, 3) == 4.0


def test_chained_extends_down_to_the_builtin_deck(tmp_path: Path) -> None:
    middle = write(tmp_path / "agency", {
        "deck.yaml": """\
            deck: {title: Agency deck}
            extends: builtin:prepersonalization
            brand: {name: Agency, colors: {primary: "#123456"}}
            categories:
              - id: audiences
                color: "#0B6E4F"
            """,
        "cards/10-agency.yaml": """\
            category: audiences
            cards:
              - id: agency-persona
                title: Agency persona
                body: Written by the agency.
            """,
    })
    client = write(tmp_path / "clients" / "acme", {
        "deck.yaml": """\
            deck: {title: Acme deck}
            extends: ../../agency
            remove: [returning-visitor]
            brand: {name: Acme}
            """,
        "cards/10-acme.yaml": """\
            category: audiences
            cards:
              - id: agency-persona
                title: Acme persona
                body: Rewritten for Acme.
            """,
    })
    builtin = load_deck(BUILTIN)
    agency = load_deck(middle)
    deck = load_deck(client)
    assert deck.title == "Acme deck"
    assert deck.subtitle == builtin.subtitle
    assert deck.brand.name == "Acme"
    assert deck.brand.colors["primary"].hex == "#123456"
    assert deck.category("audiences").color.hex == "#0B6E4F"
    assert deck.category("audiences").name == builtin.category("audiences").name
    assert [c.id for c in deck.categories] == [c.id for c in builtin.categories]
    assert "returning-visitor" in ids(agency)
    assert "returning-visitor" not in ids(deck)
    assert len(deck.cards) == len(builtin.cards)  # one added in the middle, one removed
    persona = deck.card_by_id("agency-persona")
    assert persona is not None and persona.title == "Acme persona"
    assert deck.layout_dirs == builtin.layout_dirs


def test_extends_cycle_names_the_file_and_line(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"deck.yaml": "deck: {title: A}\nextends: ../b\n"})
    b = write(tmp_path / "b", {"deck.yaml": "# B\ndeck: {title: B}\n\nextends: ../a\n"})
    with pytest.raises(DeckError) as info:
        load_deck(a)
    (diag,) = info.value.diagnostics.items
    assert diag.field == "extends" and "cycle" in diag.message
    assert (diag.pos.file.resolve(), diag.pos.line, diag.pos.col) == (
        (b / "deck.yaml").resolve(), 4, 1)
    assert "extends: ../a" in diag.format()  # the source line is shown

    text = errors(write(tmp_path / "self", {"deck.yaml": "deck: {title: S}\nextends: .\n"}))
    assert "cycle" in text and "deck.yaml:2:1: extends:" in text


def test_missing_base_is_a_diagnostic(tmp_path: Path) -> None:
    folder = write(tmp_path / "d", {"deck.yaml": "deck: {title: D}\nextends: ../nowhere\n"})
    text = errors(folder)
    assert f"deck.yaml:{line_of(folder / 'deck.yaml', 'extends')}:1: extends:" in text
    assert "'../nowhere' is not a deck folder" in text
    assert "Traceback" not in text


def test_unknown_builtin_is_a_diagnostic(tmp_path: Path) -> None:
    folder = write(tmp_path / "d", {"deck.yaml": "deck: {title: D}\nextends: builtin:prepers\n"})
    text = errors(folder)
    assert "deck.yaml:2:1: extends:" in text
    assert "no built-in deck 'prepers'" in text
    assert "builtin:prepersonalization" in text


def test_remove_of_an_unknown_id_suggests_the_closest(tmp_path: Path, base: Path) -> None:
    folder = child(tmp_path, "extends: ../base\nremove:\n  - returning-vistor\n")
    text = errors(folder)
    assert "deck.yaml:3:5: remove:" in text
    assert "no card 'returning-vistor'" in text
    assert "did you mean 'returning-visitor'?" in text


def test_remove_needs_extends(tmp_path: Path) -> None:
    text = errors(write(tmp_path / "d", {
        "deck.yaml": "deck: {title: D}\nremove: [x]\ncategories: []\n"}))
    assert "`remove` needs `extends`" in text


def test_problems_in_the_base_point_at_the_base(tmp_path: Path, base: Path) -> None:
    (base / "cards" / "10-cards.yaml").write_text(
        BASE_CARDS.replace("title: Habit", "title: [Habit"), encoding="utf-8")
    text = errors(child(tmp_path, "extends: ../base\n"))
    assert "10-cards.yaml" in text
