"""Declared fields: a deck's own card data, read, checked, laid out and listed."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.diagnostics import DeckError, forget_sources
from deckgen.draw.renderer import CardRenderer
from deckgen.outputs.build import BuildOptions, build

QUIZ_DECK = """\
deck:
  title: Capital Quiz
card: {size: poker}
fields:
  title: {type: text, required: false}
  value: {type: text, required: true}
  tip: {type: markup}
  refs: {type: list}
  points: {type: number, min: 1, max: 10, integer: true}
  link: {type: url}
  see: {type: refs}
categories:
  - id: europe
    name: Europe
    question: Which capital?
    color: "#1D5E8C"
    layout: quiz
"""

QUIZ_CARDS = """\
category: europe
cards:
  - id: france
    title: France
    value: "7"
    body: Its capital sits on the Seine.
    tip: Think of a *tower*.
    refs: [Atlas p. 12, Encyclopaedia vol. 3]
    points: 3
    link: https://example.org/france
    see: [spain]
  - id: spain
    value: "9"
    body: Its capital is near the centre of the country.
"""

QUIZ_LAYOUT = """\
quiz:
  extends: standard
  elements:
    value:
      kind: text
      field: value
      top: 0
      left: 0
      height: 12mm
      font: heading
      weight: black
      size: 14
    flow:
      fields: [body, {field: tip, label: Tip, italic: true}, {field: refs, label: Sources},
               {field: see, label: See also}]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # diagnostics name files relative to the working folder


def quiz_deck(tmp_path: Path, deck: str = QUIZ_DECK, cards: str = QUIZ_CARDS,
              layout: str = QUIZ_LAYOUT) -> Path:
    root = tmp_path / "quiz"
    (root / "cards").mkdir(parents=True)
    (root / "layouts").mkdir()
    (root / "deck.yaml").write_text(deck, encoding="utf-8")
    (root / "cards" / "cards.yaml").write_text(cards, encoding="utf-8")
    (root / "layouts" / "quiz.yaml").write_text(layout, encoding="utf-8")
    return root


def page_text(pdf: Path, page: int) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return str(doc[page].get_textpage().get_text_range())
    finally:
        doc.close()


def problems(root: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        deck = load_deck(root)
        diags = CardRenderer(deck).check()
        if diags:
            raise DeckError(diags)
    return [d.format() for d in info.value.diagnostics.sorted()]


def test_a_deck_with_its_own_fields_builds_and_shows_them(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path)
    build(root, tmp_path / "out", BuildOptions(outputs=frozenset({"print-shop"})))
    front = page_text(tmp_path / "out" / "cards-print-shop.pdf", 0)
    for shown in ("7", "France", "Seine", "TIP", "tower", "SOURCES", "Atlas p. 12",
                  "SEE ALSO", "spain"):
        assert shown in front, (shown, front)


def test_a_refs_field_shows_the_title_of_the_card_it_names(tmp_path: Path) -> None:
    cards = QUIZ_CARDS.replace("  - id: spain\n", "  - id: spain\n    title: Spain\n")
    root = quiz_deck(tmp_path, cards=cards)
    build(root, tmp_path / "out", BuildOptions(outputs=frozenset({"print-shop"})))
    front = page_text(tmp_path / "out" / "cards-print-shop.pdf", 0)
    assert "Spain" in front


def test_list_json_carries_every_field(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path)
    result = CliRunner().invoke(main, ["list", str(root), "--json"])
    assert result.exit_code == 0, result.output
    cards = {c["id"]: c for c in json.loads(result.output)}
    assert cards["france"]["value"] == "7"
    assert cards["france"]["refs"] == ["Atlas p. 12", "Encyclopaedia vol. 3"]
    assert cards["france"]["points"] == 3
    assert cards["france"]["link"] == "https://example.org/france"
    assert cards["france"]["see"] == ["spain"]
    # A card without a title is named by its id.
    assert cards["spain"]["title"] == "spain"
    assert "tip" not in cards["spain"]


def test_unknown_key_suggests_a_declared_field(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path, cards=QUIZ_CARDS.replace("    tip:", "    tipp:"))
    found = problems(root)
    assert len(found) == 1
    assert "quiz/cards/cards.yaml:7:5: cards[0].tipp: unknown key" in found[0]
    assert "did you mean 'tip'?" in found[0]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("points: 3", "points: three", "cards[0].points: must be a number, not 'three'"),
    ("points: 3", "points: 11", "cards[0].points: must be between 1 and 10, not 11"),
    ("points: 3", "points: 2.5", "cards[0].points: must be a whole number, not '2.5'"),
    ("link: https://example.org/france", "link: example dot org",
     "cards[0].link: 'example dot org' is not a web address"),
    ("see: [spain]", "see: [spian]", "see: card 'france': no card has the id 'spian'"),
    ('value: "7"', "value: [7, 8]", "cards[0].value: must be text, not a list"),
    ('value: "7"', 'value: ""', "cards[0].value: required field is empty"),
])
def test_a_value_of_the_wrong_type_is_a_positioned_error(tmp_path: Path, old: str, new: str,
                                                          message: str) -> None:
    root = quiz_deck(tmp_path, cards=QUIZ_CARDS.replace(old, new))
    found = problems(root)
    assert len(found) == 1, found
    head = found[0].split("\n")[0]
    assert head.startswith("quiz/cards/cards.yaml:"), head
    assert head.endswith(message), head


def test_a_required_field_a_card_lacks_is_reported(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path, cards=QUIZ_CARDS.replace('    value: "9"\n', ""))
    found = problems(root)
    assert [f.split("\n")[0] for f in found] == [
        "quiz/cards/cards.yaml:12:5: cards[1].value: required field is missing"]


def test_a_layout_naming_an_undeclared_field_is_reported_with_a_suggestion(
        tmp_path: Path) -> None:
    root = quiz_deck(tmp_path, layout=QUIZ_LAYOUT.replace("field: value", "field: valeu"))
    found = problems(root)
    assert len(found) == 1
    assert "quiz/layouts/quiz.yaml:6:14: quiz.elements.value.field: no field is called 'valeu'" \
        in found[0]
    assert "did you mean 'value'?" in found[0]


@pytest.mark.parametrize(("decl", "message"), [
    ("  answer: {type: txt}", "fields.answer.type: unknown type 'txt'"),
    ("  category: {type: text}", "fields.category: 'category' is a name deckgen gives a meaning"),
    ("  body: {type: list}", "fields.body.type: 'body' is a markup field already"),
    ("  see: {type: refs, role: whom}", "fields.see.role: unknown role 'whom'"),
    ("  see: {type: list, reference: true}",
     "fields.see.reference: only a text field can be the card reference"),
    ("  see: {type: text, reference: true}\n  code: {type: text, reference: true}",
     "fields.code.reference: 'see' is the card reference already; a deck has one"),
])
def test_a_bad_field_declaration_is_a_positioned_error(tmp_path: Path, decl: str,
                                                       message: str) -> None:
    deck = QUIZ_DECK.replace("  see: {type: refs}\n", decl + "\n")
    root = quiz_deck(tmp_path, deck=deck, cards="category: europe\ncards: []\n",
                     layout="{}\n")
    found = problems(root)
    assert any(message in f.split("\n")[0] for f in found), found


def test_fields_are_inherited_through_extends(tmp_path: Path) -> None:
    base = quiz_deck(tmp_path)
    child = tmp_path / "child"
    (child / "cards").mkdir(parents=True)
    (child / "deck.yaml").write_text("extends: ../quiz\nfields:\n  answer: {type: text}\n",
                                     encoding="utf-8")
    (child / "cards" / "more.yaml").write_text(textwrap.dedent("""\
        category: europe
        cards:
          - {id: italy, value: "4", answer: Rome, tip: On seven hills.}
        """), encoding="utf-8")
    deck = load_deck(child)
    italy = deck.card_by_id("italy")
    assert italy is not None
    assert italy.values["answer"] == "Rome"
    assert italy.values["tip"] == "On seven hills."
    assert base.is_dir()


def _title_top(tmp_path: Path, valign: str) -> float:
    layout = QUIZ_LAYOUT + f"    title: {{valign: {valign}, height: 26%}}\n"
    root = quiz_deck(tmp_path / valign, layout=layout)
    build(root, tmp_path / valign / "out", BuildOptions(outputs=frozenset({"print-shop"})))
    doc = pdfium.PdfDocument(str(tmp_path / valign / "out" / "cards-print-shop.pdf"))
    try:
        page = doc[0].get_textpage()
        text = page.get_text_range()
        start = text.index("France")
        return float(page.get_charbox(start)[3])
    finally:
        doc.close()


def test_valign_moves_text_within_its_box(tmp_path: Path) -> None:
    top = _title_top(tmp_path, "top")
    middle = _title_top(tmp_path, "middle")
    bottom = _title_top(tmp_path, "bottom")
    assert top > middle + 10 > bottom + 20


def test_overriding_blank_does_not_break_an_unused_builtin_layout(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path, layout=QUIZ_LAYOUT + textwrap.dedent("""\
        blank:
          elements:
            lines: {kind: lines, top: 10mm, bottom: 10mm, spacing: 7mm}
        """))
    deck = load_deck(root)
    assert not CardRenderer(deck).check()


def test_a_builtin_layout_broken_by_an_override_is_reported_at_the_override(
        tmp_path: Path) -> None:
    deck = QUIZ_DECK + ('  - id: answers\n    name: Answers\n    color: "#30343B"\n'
                        "    layout: recipe\n")
    root = quiz_deck(tmp_path, deck=deck, layout=QUIZ_LAYOUT + textwrap.dedent("""\
        blank:
          elements:
            lines: {kind: lines, top: 10mm, bottom: 10mm, spacing: 7mm}
        """))
    found = problems(root)
    assert found, "blank-recipe needs the band the override dropped"
    assert all(f.startswith("quiz/layouts/quiz.yaml:") for f in found), found
    assert "the built-in layout 'blank-recipe' builds on your layout 'blank'" in found[0]


def test_a_word_in_a_whole_number_field_gets_its_range_as_the_hint(tmp_path: Path) -> None:
    found = problems(quiz_deck(tmp_path, cards=QUIZ_CARDS.replace("points: 3", "points: three")))
    assert found[0].endswith("hint: write a whole number from 1 to 10"), found


def test_two_cards_with_one_reference_code_are_reported_at_the_second(tmp_path: Path) -> None:
    deck = QUIZ_DECK.replace("  see: {type: refs}\n", "  see: {type: refs}\n"
                             "  code: {type: text, reference: true}\n")
    cards = QUIZ_CARDS.replace("    points: 3\n", "    points: 3\n    code: EU-1\n").replace(
        '    value: "9"\n', '    value: "9"\n    code: eu-1\n')
    found = problems(quiz_deck(tmp_path, deck=deck, cards=cards))
    assert [f.split("\n")[0] for f in found] == [
        "quiz/cards/cards.yaml:15:11: code: card 'spain': code 'eu-1' is card 'france's "
        "already (cards.yaml:10)"]
    assert "give each card its own code" in found[0]


def test_recipe_rows_show_the_reference_code_of_each_card(tmp_path: Path) -> None:
    deck = QUIZ_DECK.replace("  see: {type: refs}\n", "  see: {type: refs}\n"
                             "  code: {type: text, reference: true}\n")
    deck = deck.replace("    layout: quiz\n", "    layout: quiz\n    role: who\n") + """\
  - id: plans
    name: Plans
    question: What then?
    color: "#333333"
    layout: recipe
"""
    cards = QUIZ_CARDS.replace("    points: 3\n", "    points: 3\n    code: EU-01\n") + """\
  - id: tour
    category: plans
    title: A tour
    value: "1"
    recipe: {who: [france, spain]}
"""
    root = quiz_deck(tmp_path, deck=deck, cards=cards)
    build(root, tmp_path / "out", BuildOptions(outputs=("cards",)))
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "cards.pdf"))
    try:
        pages = [str(page.get_textpage().get_text_range()) for page in doc]
    finally:
        doc.close()
    text = next(t for t in pages if "A tour" in t)
    # France with its code; Spain has none, so its line has its title alone.
    lines = [line.strip() for line in text.splitlines()]
    assert "France EU-01" in lines or ("France" in lines and "EU-01" in lines), lines
    assert "Spain" not in text and "spain" in lines, lines


STORY_DECK = """\
deck:
  title: Story Dice
card: {size: poker}
roles: [hero, place, twist]
categories:
  - {id: heroes, name: Heroes, question: Who?, color: "#1D5E8C", role: hero}
  - {id: places, name: Places, question: Where?, color: "#2E6B3A", role: place}
  - {id: stories, name: Stories, question: What happens?, color: "#333333", layout: recipe}
"""

STORY_CARDS = """\
cards:
  - {id: knight, category: heroes, title: A tired knight}
  - {id: harbour, category: places, title: The night harbour}
  - id: ballad
    category: stories
    title: A ballad
    recipe: {place: [harbour], hero: [knight]}
"""


def test_a_deck_declares_its_own_recipe_roles(tmp_path: Path) -> None:
    root = tmp_path / "story"
    (root / "cards").mkdir(parents=True)
    (root / "deck.yaml").write_text(STORY_DECK, encoding="utf-8")
    (root / "cards" / "cards.yaml").write_text(STORY_CARDS, encoding="utf-8")
    deck = load_deck(root)
    assert deck.roles == ("hero", "place", "twist")
    (ballad,) = [c for c in deck.cards if c.id == "ballad"]
    assert [role for role, _ in ballad.recipe] == ["hero", "place"]  # the declared order
    build(root, tmp_path / "out", BuildOptions(outputs=("cards",)))
    doc = pdfium.PdfDocument(str(tmp_path / "out" / "cards.pdf"))
    try:
        text = next(t for t in (str(p.get_textpage().get_text_range()) for p in doc)
                    if "A ballad" in t)
    finally:
        doc.close()
    assert text.index("A tired knight") < text.index("The night harbour")
    # A role the deck does not declare, on a category and in a recipe, names the declared ones.
    (root / "deck.yaml").write_text(STORY_DECK.replace("role: place", "role: where"),
                                    encoding="utf-8")
    (root / "cards" / "cards.yaml").write_text(
        STORY_CARDS.replace("hero: [knight]", "villain: [knight]"), encoding="utf-8")
    forget_sources()  # same sizes, same second: the files must be read again
    found = problems(root)
    assert any("categories[1].role: unknown role 'where'" in f for f in found), found
    assert any("recipe.villain: unknown recipe role" in f and "use hero, place, twist" in f
               for f in found), found
