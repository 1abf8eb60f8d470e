"""Loading a deck folder: units, sizes, colours, order, copies, recipes, extends, catalogue."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.resources import data_dir
from deckgen.units import MM, Color, UnitError, mm, parse_color, parse_length
from test_diagnostics import SEED_CARDS, SEED_DECK, edit, make_deck, problems

BUILTIN = data_dir("deck")


def close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


# Units


@pytest.mark.parametrize(("text", "points"), [
    ("3mm", 3 * MM), ("3 mm", 3 * MM), ("3", 3 * MM), ("0.5", 0.5 * MM), (".5mm", 0.5 * MM),
    ("1cm", 10 * MM), ("0.125in", 9.0), ("12pt", 12.0), (" 2.54cm ", 72.0), ("0", 0.0),
])
def test_parse_length(text: str, points: float) -> None:
    assert close(parse_length(text), points)


@pytest.mark.parametrize("text", ["3 furlongs", "mm", "", "3mmm", "1e3mm", "3,5mm", "three"])
def test_parse_length_rejects(text: str) -> None:
    with pytest.raises(UnitError, match="is not a length"):
        parse_length(text)


def test_lengths_in_deck_yaml(tmp_path: Path) -> None:
    deck_yaml = edit(edit(SEED_DECK, "bleed: 3mm", "bleed: 0.125in"), "safe: 3mm", "safe: 0.5cm")
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert close(deck.card.bleed, 9.0)
    assert close(deck.card.safe, mm(5))


def test_bare_numbers_are_millimetres(tmp_path: Path) -> None:
    deck_yaml = edit(edit(SEED_DECK, "bleed: 3mm", "bleed: 2"), "safe: 3mm", "safe: 4.5")
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert close(deck.card.bleed, mm(2))
    assert close(deck.card.safe, mm(4.5))


def test_card_section_defaults(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, "card:\n  size: poker\n  bleed: 3mm\n  safe: 3mm\n", "")
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert deck.card.size_name == "poker"
    assert (round(deck.card.width / MM, 2), round(deck.card.height / MM, 2)) == (63.5, 88.9)
    assert close(deck.card.bleed, mm(3)) and close(deck.card.safe, mm(3))
    assert deck.paper == "a4"


# Sizes


@pytest.mark.parametrize(("name", "size_mm"), [
    ("poker", (63.5, 88.9)), ("bridge", (57.15, 88.9)), ("tarot", (70, 120)),
    ("mini", (44, 63.5)), ("square", (70, 70)), ("a6", (105, 148)), ("Poker", (63.5, 88.9)),
    ("A6", (105, 148)),
])
def test_size_presets(tmp_path: Path, name: str, size_mm: tuple[float, float]) -> None:
    deck = load_deck(make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker",
                                                        f"size: {name}")))
    assert deck.card.size_name == name.lower()
    assert close(deck.card.width, mm(size_mm[0]))
    assert close(deck.card.height, mm(size_mm[1]))


@pytest.mark.parametrize(("value", "size_mm"), [
    ("{width: 2.5in, height: 3.5in}", (63.5, 88.9)),
    ("{width: 80, height: 120mm}", (80, 120)),
    ("\n    width: 6cm\n    height: 250pt", (60, 250 / MM)),
])
def test_custom_sizes(tmp_path: Path, value: str, size_mm: tuple[float, float]) -> None:
    deck = load_deck(make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker",
                                                        f"size: {value}")))
    assert deck.card.size_name == "custom"
    assert close(deck.card.width, mm(size_mm[0]))
    assert close(deck.card.height, mm(size_mm[1]))


@pytest.mark.parametrize("value", ["{width: 5mm, height: 88mm}", "{width: 63mm, height: 2m}",
                                   "{width: 63mm, height: 400mm}"])
def test_custom_sizes_out_of_range(tmp_path: Path, value: str) -> None:
    found = problems(make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker",
                                                        f"size: {value}")))
    assert len(found) == 1
    assert found[0].field.startswith("card.size.")


# Colours


@pytest.mark.parametrize(("text", "rgb", "cmyk"), [
    ("#1F3A5F", (0x1F / 255, 0x3A / 255, 0x5F / 255), None),
    ("#ffffff", (1.0, 1.0, 1.0), None),
    ("#abc", (0xAA / 255, 0xBB / 255, 0xCC / 255), None),
    ("cmyk(100, 0, 0, 0)", (0.0, 1.0, 1.0), (1.0, 0.0, 0.0, 0.0)),
    ("CMYK(0%, 50%, 100%, 20%)", (0.8, 0.4, 0.0), (0.0, 0.5, 1.0, 0.2)),
])
def test_parse_color(text: str, rgb: tuple[float, float, float],
                     cmyk: tuple[float, float, float, float] | None) -> None:
    color = parse_color(text)
    assert all(close(a, b) for a, b in zip(color.rgb, rgb, strict=True))
    if cmyk is None:
        assert color.cmyk is None
    else:
        assert color.cmyk is not None
        assert all(close(a, b) for a, b in zip(color.cmyk, cmyk, strict=True))


@pytest.mark.parametrize("text", ["1F3A5F", "#12345", "#GGGGGG", "cmyk(120,0,0,0)",
                                  "cmyk(1,2,3)", "rgb(1,2,3)", "", "cmyk(nan,0,0,0)"])
def test_parse_color_rejects(text: str) -> None:
    with pytest.raises(UnitError):
        parse_color(text)


def test_colours_in_deck_yaml(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, '{primary: "#1F3A5F", text: "#1A1A1A"}',
                     '{primary: "#1F3A5F", back: "cmyk(100, 50, 0, 10)"}')
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert deck.brand.colors["primary"].hex == "#1F3A5F"
    assert deck.brand.colors["back"].cmyk == (1.0, 0.5, 0.0, 0.1)
    assert deck.category("audiences").color.hex == "#2E6F95"
    assert deck.color("missing", Color((0.0, 0.0, 0.0))) == Color((0.0, 0.0, 0.0))


# The whole seed deck


def test_seed_deck_fields(tmp_path: Path) -> None:
    root = make_deck(tmp_path)
    deck = load_deck(root)
    assert isinstance(deck, Deck)
    assert (deck.title, deck.subtitle, deck.edition, deck.language) == (
        "Test deck", "For the loader tests", "1.0", "en")
    assert deck.brand.name == "Test Co" and deck.brand.logo is None
    assert [c.id for c in deck.categories] == ["audiences", "triggers", "recipes"]
    audiences = deck.category("audiences")
    assert (audiences.name, audiences.role, audiences.question, audiences.blanks) == (
        "Audiences", "who", "Who is it for?", 2)
    assert deck.category("recipes").role is None
    assert deck.category("triggers").blanks is None  # not given: it shares a sheet
    visitor = deck.card_by_id("new-visitor")
    assert visitor is not None
    assert visitor.body == "Arrives with no history."
    assert visitor.prompts == ("What would earn a second visit?",)
    assert visitor.items == () and visitor.examples == ()
    lapsed = deck.card_by_id("lapsed")
    assert lapsed is not None and lapsed.items == ("Cancelled", "Card expired")
    # Positions, for diagnostics found later (layouts, overflow).
    assert visitor.where("body").file == root / "cards" / "10-audiences.yaml"
    assert visitor.where("body").line == 5
    assert set(deck.sources) >= {root / "deck.yaml", root / "cards" / "20-triggers.yaml"}


def test_deck_is_immutable(tmp_path: Path) -> None:
    deck = load_deck(make_deck(tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        deck.title = "Other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        deck.cards[0].title = "Other"  # type: ignore[misc]


def test_text_is_kept_as_written(tmp_path: Path) -> None:
    cards = {"20-triggers.yaml": SEED_CARDS["20-triggers.yaml"] + """\
  - id: traps
    title: "Yes"
    subtitle: 0x1F
    body: |
      Two lines,
      **bold** and *italic*.
    items: [No, off, 1e3, null-ish, ~]
"""}
    found = problems(make_deck(tmp_path, cards=cards))
    # `~` is YAML's empty value: an empty bullet is a mistake, the rest is text.
    assert [(d.field, d.message) for d in found] == [("cards[1].items[4]", "must not be empty")]
    cards = {"20-triggers.yaml": cards["20-triggers.yaml"].replace(", ~]", "]")}
    deck = load_deck(make_deck(tmp_path / "again", cards=cards))
    card = deck.card_by_id("traps")
    assert card is not None
    assert (card.title, card.subtitle) == ("Yes", "0x1F")
    assert card.body == "Two lines,\n**bold** and *italic*.\n"
    assert card.items == ("No", "off", "1e3", "null-ish")


# Order and copies


def test_card_order_is_category_order_then_file_order(tmp_path: Path) -> None:
    cards: dict[str, str | bytes | None] = {
        "10-audiences.yaml": None,
        "20-triggers.yaml": None,
        "30-recipes.yaml": None,
        "05-mixed.yaml": """\
category: triggers
cards:
  - {id: t1, title: T1}
  - {id: a1, title: A1, category: audiences}
  - {id: t2, title: T2}
  - {id: r1, title: R1, category: recipes}
""",
        "07-more.yml": "category: audiences\ncards:\n  - {id: a2, title: A2}\n",
        "100-late.yaml": "category: triggers\ncards:\n  - {id: t0, title: T0}\n",
        "50-last.yaml": "category: audiences\ncards:\n  - {id: a3, title: A3}\n",
        "notes.txt": "not a card file",
    }
    deck = load_deck(make_deck(tmp_path, cards=cards))
    # Files in name order ("05" < "07" < "100" < "50"), each category in deck.yaml's order.
    assert [c.id for c in deck.cards] == ["a1", "a2", "a3", "t1", "t2", "t0", "r1"]
    assert [c.id for c in deck.cards_in("triggers")] == ["t1", "t2", "t0"]


def test_category_order_follows_deck_yaml(tmp_path: Path) -> None:
    recipes = SEED_DECK.split("  - id: recipes\n")[1]
    deck_yaml = SEED_DECK.split("  - id: audiences\n")[0] + "  - id: recipes\n" + recipes \
        + "  - id: audiences\n" + SEED_DECK.split("  - id: audiences\n")[1].split(
            "  - id: recipes\n")[0]
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert [c.id for c in deck.categories] == ["recipes", "audiences", "triggers"]
    assert [c.id for c in deck.cards] == ["welcome", "new-visitor", "lapsed", "first-session"]


def test_copies(tmp_path: Path) -> None:
    deck = load_deck(make_deck(tmp_path))
    assert {c.id: c.copies for c in deck.cards} == {
        "new-visitor": 1, "lapsed": 2, "first-session": 1, "welcome": 1}


def test_empty_card_file_is_fine(tmp_path: Path) -> None:
    deck = load_deck(make_deck(tmp_path, cards={"40-empty.yaml": "# nothing yet\n",
                                                "41-none.yaml": "category: triggers\ncards: []\n"}))
    assert len(deck.cards) == 4


# Recipes


def test_recipe_parsing(tmp_path: Path) -> None:
    deck_yaml = SEED_DECK + """\
  - id: outcomes
    name: Outcomes
    role: why
    color: "#2F6E34"
"""
    cards = {
        "25-outcomes.yaml": "category: outcomes\ncards:\n  - {id: saves-time, title: Saves time}\n",
        "30-recipes.yaml": """\
category: recipes
cards:
  - id: welcome
    title: Welcome
    recipe:
      why: saves-time
      when: [first-session]
      who: [new-visitor, lapsed]
  - id: blank-recipe
    title: Your own
    recipe:
      who:
  - id: plain
    title: Not a recipe
""",
    }
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml, cards=cards))
    welcome = deck.card_by_id("welcome")
    assert welcome is not None
    # Roles come back in the fixed role order, whatever order the file used.
    assert welcome.recipe == (("who", ("new-visitor", "lapsed")), ("when", ("first-session",)),
                              ("why", ("saves-time",)))
    assert deck.card_by_id("blank-recipe").recipe == (("who", ()),)  # type: ignore[union-attr]
    assert deck.card_by_id("plain").recipe == ()  # type: ignore[union-attr]
    assert welcome.where("recipe.why").line == 6


# Extends, remove and merging


BASE_CHILD = """\
extends: ../base
remove: [first-session]
deck:
  title: Child deck
brand:
  colors: {text: "#000000", accent: "#FF0000"}
categories:
  - id: triggers
    color: "#123456"
  - id: extras
    name: Extras
    color: "#654321"
"""


def test_extends_merges_categories_brand_and_cards(tmp_path: Path) -> None:
    make_deck(tmp_path, name="base")
    cards: dict[str, str | bytes | None] = {n: None for n in SEED_CARDS}
    cards["10-mine.yaml"] = """\
category: audiences
cards:
  - id: lapsed
    title: Lapsed (our words)
  - id: extra-card
    title: Extra
    category: extras
  - id: welcome
    title: Welcome again
    category: recipes
    recipe: {who: [new-visitor]}
"""
    deck = load_deck(make_deck(tmp_path, deck_yaml=BASE_CHILD, cards=cards, name="child"))
    assert deck.title == "Child deck"
    assert deck.subtitle == "For the loader tests"  # inherited key by key
    assert [c.id for c in deck.categories] == ["audiences", "triggers", "recipes", "extras"]
    triggers = deck.category("triggers")
    assert (triggers.name, triggers.role, triggers.color.hex) == ("Triggers", "when", "#123456")
    assert deck.brand.name == "Test Co"
    assert {k: c.hex for k, c in deck.brand.colors.items()} == {
        "primary": "#1F3A5F", "text": "#000000", "accent": "#FF0000"}
    assert [c.id for c in deck.cards] == ["new-visitor", "lapsed", "welcome", "extra-card"]
    assert deck.card_by_id("lapsed").title == "Lapsed (our words)"  # type: ignore[union-attr]
    assert deck.card_by_id("lapsed").items == ()  # type: ignore[union-attr]
    assert deck.root == tmp_path / "child"


def test_extends_builtin(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml="extends: builtin:prepersonalization\n"
                     "deck:\n  title: Our deck\nbrand:\n  name: Our Co\n",
                     cards={n: None for n in SEED_CARDS})
    deck = load_deck(root)
    builtin = load_deck(BUILTIN)
    assert deck.title == "Our deck" and deck.brand.name == "Our Co"
    assert [c.id for c in deck.cards] == [c.id for c in builtin.cards]
    assert deck.catalogue == builtin.catalogue
    assert (BUILTIN / "deck.yaml").resolve() in {p.resolve() for p in deck.sources}


# Catalogue


def test_catalogue(tmp_path: Path) -> None:
    catalogue = """\
catalogue:
  - {name: Welcome email, family: onboarding, level: feature, channel: email}
  - name: Shelf
    family: recommendations
    level: experience
    channel: app
    note: "Because you read: a shelf."
"""
    deck = load_deck(make_deck(tmp_path, files={"catalogue.yaml": catalogue}))
    assert [(e.name, e.family, e.level, e.channel, e.note) for e in deck.catalogue] == [
        ("Welcome email", "onboarding", "feature", "email", None),
        ("Shelf", "recommendations", "experience", "app", "Because you read: a shelf."),
    ]


def test_no_catalogue(tmp_path: Path) -> None:
    assert load_deck(make_deck(tmp_path)).catalogue == ()


# The built-in deck


def test_builtin_deck_loads() -> None:
    deck = load_deck(BUILTIN)
    assert deck.title
    assert deck.card.size_name == "poker"
    ids = [c.id for c in deck.cards]
    assert len(ids) == len(set(ids))
    order = [c.id for c in deck.categories]
    positions = [order.index(c.category) for c in deck.cards]
    assert positions == sorted(positions)
    roles = {c.id: c.role for c in deck.categories}
    by_id = {c.id: c for c in deck.cards}
    recipes = [c for c in deck.cards if c.recipe]
    assert recipes
    for card in recipes:
        for role, refs in card.recipe:
            for ref in refs:
                assert roles[by_id[ref].category] == role
    assert deck.catalogue
    assert {e.level for e in deck.catalogue} <= {
        "function", "feature", "experience", "product", "portfolio"}
