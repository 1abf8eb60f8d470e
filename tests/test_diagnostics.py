"""Diagnostics: one seeded mistake per test, reported as `file:LINE:COL: field: message`.

Each test writes a small valid deck (`make_deck`), makes ONE mistake in it and checks the exact
head line a user sees, that the source line and a caret under the right column follow, and the
hint where there is one. The working directory is the temporary folder, so paths read
`deck/cards/…`, as they would for a user running `deckgen validate deck`.
"""

from __future__ import annotations

import os
import struct
import textwrap
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError, Diagnostic, forget_sources
from deckgen.resources import data_dir

SEED_DECK = """\
deck:
  title: Test deck
  subtitle: For the loader tests
  edition: "1.0"
  language: en
card:
  size: poker
  bleed: 3mm
  safe: 3mm
paper: a4
brand:
  name: Test Co
  colors: {primary: "#1F3A5F", text: "#1A1A1A"}
categories:
  - id: audiences
    name: Audiences
    role: who
    question: Who is it for?
    color: "#2E6F95"
    blanks: 2
  - id: triggers
    name: Triggers
    role: when
    question: When does it happen?
    color: "#A84B0C"
  - id: recipes
    name: Recipes
    question: If this, then what?
    color: "#2E3338"
"""

SEED_CARDS: dict[str, str] = {
    "10-audiences.yaml": """\
category: audiences
cards:
  - id: new-visitor
    title: New visitor
    body: Arrives with no history.
    prompts: ["What would earn a second visit?"]
  - id: lapsed
    title: Lapsed subscriber
    items: [Cancelled, Card expired]
    copies: 2
""",
    "20-triggers.yaml": """\
category: triggers
cards:
  - id: first-session
    title: First session
    body: The very first visit.
""",
    "30-recipes.yaml": """\
category: recipes
cards:
  - id: welcome
    title: Welcome
    body: If a new visitor arrives for the first time, greet them.
    recipe:
      who: [new-visitor]
      when: first-session
""",
}

AUDIENCES = "deck/cards/10-audiences.yaml"
TRIGGERS = "deck/cards/20-triggers.yaml"
RECIPES = "deck/cards/30-recipes.yaml"
DECK_YAML = "deck/deck.yaml"


def make_deck(tmp_path: Path, deck_yaml: str | bytes | None = None,
              cards: dict[str, str | bytes | None] | None = None,
              files: dict[str, str | bytes] | None = None, name: str = "deck") -> Path:
    """Write the seed deck to `tmp_path/name` with changes; return its folder.

    `cards` adds or replaces files in cards/ (None deletes a seed file); `files` adds any other
    file, by path relative to the deck folder. Text is written as UTF-8, bytes as they are.
    """
    root = tmp_path / name
    (root / "cards").mkdir(parents=True)
    contents: dict[str, str | bytes | None] = {"deck.yaml": SEED_DECK if deck_yaml is None
                                               else deck_yaml}
    merged: dict[str, str | bytes | None] = {**SEED_CARDS, **(cards or {})}
    contents.update({f"cards/{n}": body for n, body in merged.items()})
    contents.update(files or {})
    for rel, body in contents.items():
        if body is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    forget_sources()  # the same path may have held other text in an earlier test
    return root


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one occurrence of `old` replaced (fails loudly if the seed changed)."""
    assert text.count(old) == 1, f"{old!r} should occur once in the seed"
    return text.replace(old, new)


def card_file(name: str, old: str, new: str) -> dict[str, str | bytes | None]:
    return {name: edit(SEED_CARDS[name], old, new)}


def problems(root: Path) -> list[Diagnostic]:
    with pytest.raises(DeckError) as info:
        load_deck(root)
    return info.value.diagnostics.sorted()


def the_problem(root: Path) -> Diagnostic:
    found = problems(root)
    assert len(found) == 1, "\n".join(d.format() for d in found)
    return found[0]


def at(rel: str, needle: str, nth: int = 1, inside: str = "") -> str:
    """`FILE:LINE:COL` of the nth occurrence of `needle` in the file (relative to the cwd).

    With `inside`, the first occurrence of `needle` within the first occurrence of `inside`.
    """
    text = Path(rel).read_text(encoding="utf-8")
    index = -1
    if inside:
        index = text.index(inside) + inside.index(needle)
    for _ in range(0 if inside else nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{rel}:{line}:{col}"


def assert_shown(diag: Diagnostic, head: str, hint: str | None = None) -> list[str]:
    """The diagnostic's text: exact head line, its source line, a caret, the hint if any."""
    lines = diag.format().split("\n")
    assert lines[0] == head
    source = Path(diag.pos.file).read_bytes().decode("utf-8", "replace").splitlines()
    shown = source[diag.pos.line - 1].rstrip()
    assert lines[1] == "    " + (shown if len(shown) <= 200 else shown[:200] + "…")
    prefix = source[diag.pos.line - 1][: diag.pos.col - 1]
    padding = "".join("\t" if ch == "\t" else " " for ch in prefix)
    assert lines[2] == "    " + padding + "^"
    if hint is None:
        assert len(lines) == 3 or lines[3].startswith("  hint: ")
    else:
        assert lines[3] == f"  hint: {hint}"
    return lines


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_seed_deck_is_valid(tmp_path: Path) -> None:
    deck = load_deck(make_deck(tmp_path))
    assert isinstance(deck, Deck)
    assert [c.id for c in deck.cards] == ["new-visitor", "lapsed", "first-session", "welcome"]


# YAML itself


def test_yaml_syntax_error(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "body: The very first visit.", "body: Note: the very first visit."))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, ': the very')}: YAML syntax: mapping values are not allowed here",
                 "put text containing ': ' in quotes")


def test_yaml_unclosed_bracket_points_at_the_bracket(tmp_path: Path) -> None:
    # The parser notices at the end of the file; the caret goes where the list was opened.
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "body: The very first visit.", "body: [The very first visit."))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, '[The')}: YAML syntax: while parsing a flow sequence, "
                 "expected ',' or ']', but got '<stream end>'")


def test_tab_indentation(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "    body: The", "\tbody: The"))
    lines = assert_shown(the_problem(root),
                         f"{at(TRIGGERS, chr(9))}: YAML syntax: while scanning for the next "
                         "token, found character '\\t' that cannot start any token",
                         "indent with spaces, not tabs")
    assert lines[1] == "    \tbody: The very first visit."


def test_not_utf8(tmp_path: Path) -> None:
    latin1 = edit(SEED_CARDS["20-triggers.yaml"], "First session", "Première session")
    root = make_deck(tmp_path, cards={"20-triggers.yaml": latin1.encode("latin-1")})
    diag = the_problem(root)
    # 'è' is byte 0xE8 on line 4, after "    title: Premi" (16 characters).
    assert_shown(diag, f"{TRIGGERS}:4:17: the file is not UTF-8 (byte 0xE8)",
                 "save the file as UTF-8 in your editor")


def test_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf" + SEED_CARDS["20-triggers.yaml"].encode()
    deck = load_deck(make_deck(tmp_path, cards={"20-triggers.yaml": bom}))
    assert deck.card_by_id("first-session") is not None


@pytest.mark.parametrize(("char", "what"), [
    ("\x07", "control character U+0007"), ("\x7f", "control character U+007F"),
    ("\x85\x80", "control character U+0080"), ("\ufffe", "character U+FFFE"),
])
def test_character_yaml_does_not_allow(tmp_path: Path, char: str, what: str) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "very first",
                                               f"véry{char}first"))
    assert_shown(the_problem(root), f"{at(TRIGGERS, char[-1])}: {what} is not allowed in YAML",
                 "delete it; it is invisible in most editors")


def test_not_utf8_column_counts_characters(tmp_path: Path) -> None:
    text = edit(SEED_CARDS["20-triggers.yaml"], "title: First session", "title: Ünïcode \xff")
    root = make_deck(tmp_path, cards={"20-triggers.yaml": text.encode("utf-8").replace(
        "\xff".encode(), b"\xff")})
    diag = the_problem(root)
    assert diag.format().split("\n")[0] == f"{TRIGGERS}:4:20: the file is not UTF-8 (byte 0xFF)"
    assert diag.format().split("\n")[2] == "    " + " " * 19 + "^"


def test_duplicate_key(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "    body: The", "    title: Second title\n    body: The"))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, 'title:', 2)}: title: duplicate key (first given on line 4)",
                 "keep one of them; YAML would silently use the last")


def test_yaml_11_traps_stay_text(tmp_path: Path) -> None:
    deck_yaml = edit(edit(SEED_DECK, "title: Test deck", "title: No"),
                     'edition: "1.0"', "edition: 1.0")
    cards = card_file("20-triggers.yaml", "title: First session", "title: on")
    deck = load_deck(make_deck(tmp_path, deck_yaml=deck_yaml, cards=cards))
    assert deck.title == "No"
    assert deck.edition == "1.0"
    assert deck.card_by_id("first-session").title == "on"  # type: ignore[union-attr]


def test_yaml_tags_are_reported_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "title: First session",
        f'title: !!python/object/apply:os.system ["touch {marker}"]'))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, '!!python')}: YAML tag "
                 "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
                 "remove the '!' tag; deck files hold plain text, numbers and lists")
    assert not marker.exists()


def test_local_tag_is_reported(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "title: First session", "title: !shout First session"))
    assert_shown(the_problem(root), f"{at(TRIGGERS, '!shout')}: YAML tag '!shout' is not allowed")


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
category: triggers
cards: *i
"""


def test_alias_bomb_is_reported_fast(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"20-triggers.yaml": BILLION_LAUGHS})
    started = time.monotonic()
    found = problems(root)
    assert time.monotonic() - started < 20  # a hang guard, generous for a busy machine
    assert len(found) == 1
    assert found[0].format().split("\n")[0].startswith(f"{TRIGGERS}:")
    assert "too many values (aliases?)" in found[0].message
    assert found[0].hint == "write the values out instead of nesting aliases"


@pytest.mark.parametrize("depth", [65, 1000, 1_000_000])
def test_deep_flow_nesting_is_reported_fast(tmp_path: Path, depth: int) -> None:
    # PyYAML slows down with the square of the depth: a million would never finish.
    deep = "category: triggers\ncards: " + "[" * depth + "]" * depth + "\n"
    root = make_deck(tmp_path, cards={"20-triggers.yaml": deep})
    started = time.monotonic()
    diag = the_problem(root)
    assert time.monotonic() - started < 20  # a hang guard, generous for a busy machine
    assert diag.format().split("\n")[0] == (
        f"{TRIGGERS}:2:72: YAML syntax: more than 64 levels of [ ] or {{ }} inside each other")
    assert diag.hint == "flatten the structure"


def test_alias_that_contains_itself(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"20-triggers.yaml": "category: triggers\ncards: &a [*a]\n"})
    assert_shown(the_problem(root), f"{TRIGGERS}:2:8: the YAML is nested too deeply (or an alias "
                 "refers to itself)", "flatten the structure; an alias must not refer to itself")


def test_deep_block_nesting_is_reported(tmp_path: Path) -> None:
    deep = "category: triggers\ncards:\n" + "".join(" " * i + "-\n" for i in range(1, 1200))
    diag = the_problem(make_deck(tmp_path, cards={"20-triggers.yaml": deep}))
    assert diag.pos.file.name == "20-triggers.yaml"
    assert "nested too deeply" in diag.message
    assert diag.hint == "flatten the structure"


def test_key_that_is_not_text(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "20-triggers.yaml", "    body: The", "    [a, b]: c\n    body: The"))
    assert_shown(the_problem(root), f"{at(TRIGGERS, '[a, b]')}: a key must be plain text, "
                 "not a list")


def test_empty_deck_yaml(tmp_path: Path) -> None:
    diag = the_problem(make_deck(tmp_path, deck_yaml="# nothing yet\n"))
    assert diag.format().split("\n")[0] == f"{DECK_YAML}:1:1: deck: deck.yaml is empty"
    assert diag.hint == "start with `deck:` and a `title:`"


def test_file_too_big(tmp_path: Path) -> None:
    big = "category: triggers\ncards: []\n" + "# filler\n" * 500_000
    diag = the_problem(make_deck(tmp_path, cards={"20-triggers.yaml": big}))
    assert diag.format().split("\n")[0] == (
        f"{TRIGGERS}: file is 4,500,029 bytes; the limit is 4,000,000")


# Keys and required fields


def test_unknown_key_did_you_mean(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("10-audiences.yaml", "prompts:", "promts:"))
    assert_shown(the_problem(root), f"{at(AUDIENCES, 'promts')}: cards[0].promts: unknown key",
                 "did you mean 'prompts'?")


def test_misspelt_required_key_reports_both(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "title:", "titel:"))
    found = problems(root)
    assert [d.format().split("\n")[0] for d in found] == [
        f"{at(TRIGGERS, 'id: first')}: cards[0].title: required field is missing",
        f"{at(TRIGGERS, 'titel')}: cards[0].titel: unknown key",
    ]
    assert found[1].hint == "did you mean 'title'?"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "paper: a4", "papper: a4"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'papper')}: papper: unknown key",
                 "did you mean 'paper'?")


def test_missing_card_title(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "    title: First session\n",
                                               ""))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, 'id: first')}: cards[0].title: required field is missing")


def test_empty_card_title(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "title: First session",
                                               "title:"))
    diag = the_problem(root)
    assert diag.format().split("\n")[0] == (
        f"{TRIGGERS}:4:11: cards[0].title: required field is empty")


def test_missing_card_id(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"10-audiences.yaml": edit(
        SEED_CARDS["10-audiences.yaml"], "  - id: lapsed\n    title:", "  - title:")})
    assert_shown(the_problem(root),
                 f"{at(AUDIENCES, 'title: Lapsed')}: cards[1].id: required field is missing")


def test_missing_deck_title(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "  title: Test deck\n", ""))
    assert_shown(the_problem(root),
                 f"{at(DECK_YAML, 'subtitle')}: deck.title: required field is missing")


def test_missing_deck_section(tmp_path: Path) -> None:
    deck_yaml = SEED_DECK.split("card:\n", 1)[1]
    root = make_deck(tmp_path, deck_yaml="card:\n" + deck_yaml)
    assert_shown(the_problem(root), f"{DECK_YAML}:1:1: deck: required section is missing",
                 "add `deck:` with at least `title: Your deck title`")


def test_empty_deck_section(tmp_path: Path) -> None:
    deck_yaml = "deck:\n" + SEED_DECK.split('  language: en\n', 1)[1]
    diag = the_problem(make_deck(tmp_path, deck_yaml=deck_yaml))
    assert diag.format().split("\n")[0] == f"{DECK_YAML}:1:6: deck: required section is empty"


def test_missing_category_name(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "    name: Triggers\n", ""))
    assert_shown(the_problem(root),
                 f"{at(DECK_YAML, 'id: triggers')}: categories[1].name: required field is missing")


def test_missing_category_color(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, '    color: "#A84B0C"\n', ""))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'id: triggers')}: "
                 "categories[1].color: required field is missing")


def test_missing_category_id(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "  - id: recipes\n    name:", "  - name:"),
                     cards={"30-recipes.yaml": None})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'name: Recipes')}: categories[2].id: "
                 "required field is missing",
                 "every category needs an id such as `id: audiences`")


def test_card_without_category(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "category: triggers\n", ""))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, 'id: first')}: cards[0].category: the card has no category",
                 "add `category:` to the card or at the top of the file")


def test_card_file_without_cards(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"20-triggers.yaml": "category: triggers\ncard:\n  - id: a\n"})
    found = problems(root)
    heads = [d.format().split("\n")[0] for d in found]
    assert f"{TRIGGERS}:1:1: cards: required field is missing" in heads
    assert f"{TRIGGERS}:2:1: card: unknown key" in heads
    # The recipe that uses first-session is not blamed: that file could not be read.
    assert len(found) == 2


def test_card_file_that_is_a_list(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"40-more.yaml": "- id: a\n  title: A\n"})
    assert_shown(the_problem(root), "deck/cards/40-more.yaml:1:1: must be a mapping of keys to "
                 "values, not a list", "a card file holds `category:` and a list `cards:`")


# Wrong types


def test_title_as_a_list(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "title: First session",
                                               "title: [First, session]"))
    assert_shown(the_problem(root),
                 f"{at(TRIGGERS, '[First')}: cards[0].title: must be text, not a list",
                 "write it on one line after the colon")


def test_items_as_text(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file(
        "10-audiences.yaml", "items: [Cancelled, Card expired]", "items: Cancelled"))
    assert_shown(the_problem(root), f"{at(AUDIENCES, 'Cancelled')}: cards[1].items: "
                 "must be a list, not the text 'Cancelled'",
                 "write each entry on its own line starting with '- '")


def test_copies_as_text(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("10-audiences.yaml", "copies: 2", "copies: two"))
    assert_shown(the_problem(root),
                 f"{at(AUDIENCES, 'two')}: cards[1].copies: must be a whole number, not 'two'")


def test_copies_zero(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("10-audiences.yaml", "copies: 2", "copies: 0"))
    assert_shown(the_problem(root),
                 f"{at(AUDIENCES, '0', 1)}: cards[1].copies: must be between 1 and 1000, not 0")


def test_categories_as_a_mapping(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=SEED_DECK.split("categories:")[0]
                     + "categories: {audiences: Audiences}\n")
    found = problems(root)
    assert found[-1].format().split("\n")[0] == (
        f"{at(DECK_YAML, '{audiences')}: categories: must be a list, not a mapping")


def test_section_as_text(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "brand:\n  name: Test Co\n  colors: "
                                              '{primary: "#1F3A5F", text: "#1A1A1A"}\n',
                                              "brand: Test Co\n"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'Test Co')}: brand: must be a mapping of "
                 "keys to values, not the text 'Test Co'", "indent the keys below this one")


def test_text_too_long(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "title: First session",
                                               "title: " + "long " * 100))
    # 499: YAML drops the trailing space of a plain value.
    assert_shown(the_problem(root), f"{at(TRIGGERS, 'long')}: cards[0].title: text is 499 "
                 "characters; the limit is 300")


def test_list_too_long(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("10-audiences.yaml", "[Cancelled, Card expired]",
                                               "[" + ", ".join(["x"] * 101) + "]"))
    assert_shown(the_problem(root), f"{at(AUDIENCES, '[x')}: cards[1].items: has 101 entries; "
                 "the limit is 100")


def test_too_many_cards_in_one_file(tmp_path: Path) -> None:
    many = "category: triggers\ncards:\n" + "  - {}\n" * 20_001
    root = make_deck(tmp_path, cards={"40-many.yaml": many})
    started = time.monotonic()
    found = problems(root)
    assert time.monotonic() - started < 30  # a hang guard, generous for a busy machine
    assert [d.format().split("\n")[0] for d in found] == [
        "deck/cards/40-many.yaml:3:3: cards: 20001 cards in one file is too many"]


def test_blanks_out_of_range(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "blanks: 2", "blanks: -1"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '-1')}: categories[0].blanks: must be "
                 "between 0 and 500, not -1")


def test_axes_need_two_labels(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "    body: The",
                                               "    axes: {x: [cheap], y: [slow, fast]}\n"
                                               "    body: The"))
    assert_shown(the_problem(root), f"{at(TRIGGERS, 'x: [')}: cards[0].axes.x: needs exactly two "
                 "labels", "write x: [left end, right end]")


# Colours, units, sizes, paper, language


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("1F3A5F", "'1F3A5F' is not a colour; write #RRGGBB (e.g. \"#1F3A5F\") or cmyk(c, m, y, k)",
     'write "#1F3A5F" in quotes: YAML reads # as the start of a comment'),
    ('"#12345"', "'#12345' is not a colour; write #RRGGBB (e.g. \"#1F3A5F\") or cmyk(c, m, y, k)",
     None),
    ("cmyk(120,0,0,0)", "'cmyk(120,0,0,0)': CMYK values are percentages from 0 to 100", None),
    ("cmyk(a,0,0,0)", "'cmyk(a,0,0,0)': 'a' is not a number", None),
    ("red", "'red' is not a colour; write #RRGGBB (e.g. \"#1F3A5F\") or cmyk(c, m, y, k)", None),
])
def test_bad_colour(tmp_path: Path, value: str, message: str, hint: str | None) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, 'color: "#A84B0C"', f"color: {value}"))
    diag = the_problem(root)
    assert_shown(diag, f"{at(DECK_YAML, value, inside=f'color: {value}')}: categories[1].color: "
                 f"{message}", hint)
    assert diag.hint == hint


def test_unquoted_hash_colour_is_a_comment(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, 'color: "#A84B0C"', "color: #A84B0C"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, ' #A84B0C')}: categories[1].color: "
                 "no colour given", 'write the colour in quotes, e.g. "#1F3A5F": YAML reads # '
                 "as the start of a comment")


def test_unquoted_hash_brand_colour_is_not_dropped(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, '  colors: {primary: "#1F3A5F", text: "#1A1A1A"}',
                     '  colors:\n    primary: #1F3A5F')
    assert_shown(the_problem(make_deck(tmp_path, deck_yaml=deck_yaml)),
                 f"{at(DECK_YAML, ' #1F3A5F')}: brand.colors.primary: no colour given",
                 'write the colour in quotes, e.g. "#1F3A5F": YAML reads # as the start of a '
                 "comment")


def test_bad_colour_name(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, "{primary:", "{Primary Blue:")
    assert_shown(the_problem(make_deck(tmp_path, deck_yaml=deck_yaml)),
                 f"{at(DECK_YAML, 'Primary Blue')}: brand.colors.Primary Blue: "
                 "colour names are [a-z0-9-]")


def test_bad_unit(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "bleed: 3mm", "bleed: 3 furlongs"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '3 furlongs')}: card.bleed: '3 furlongs' "
                 "is not a length; write e.g. 3mm, 0.25in, 8pt or a number of mm")


def test_length_out_of_range(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "bleed: 3mm", "bleed: 2in"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '2in')}: card.bleed: 2in is out of range",
                 "use a value from 0mm to 10mm")


def test_safe_zone_too_wide(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker", "size: mini")
                     .replace("safe: 3mm", "safe: 14mm"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '14mm')}: card.safe: the safe zone leaves "
                 "almost no room for text", "use 3mm to 5mm")


def test_unknown_size(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker", "size: pokr"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'pokr')}: card.size: unknown card size "
                 "'pokr'", "did you mean 'poker'?")


def test_custom_size_with_a_misspelt_key(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "size: poker",
                                              "size: {width: 60mm, hieght: 90mm}"))
    found = problems(root)
    assert [d.format().split("\n")[0] for d in found] == [
        f"{at(DECK_YAML, '{width')}: card.size.height: required field is missing",
        f"{at(DECK_YAML, 'hieght')}: card.size.hieght: unknown key",
    ]
    assert found[1].hint == "did you mean 'height'?"


def test_unknown_paper(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "paper: a4", "paper: leter"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'leter')}: paper: unknown paper 'leter'",
                 "did you mean 'letter'?")


def test_bad_language(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "language: en", "language: English"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'English')}: deck.language: 'English' is "
                 "not a language code", "write e.g. en, en_GB or de")


# Ids, categories, roles, recipes


def test_duplicate_card_ids_name_both_places(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"20-triggers.yaml": SEED_CARDS["20-triggers.yaml"]
                                      + "  - id: lapsed\n    title: Lapsed again\n"})
    first = at(AUDIENCES, "id: lapsed").split(":")[1]
    assert_shown(the_problem(root), f"{at(TRIGGERS, 'id: lapsed')}: cards[1].id: card id "
                 f"'lapsed' is used twice (first at cards/10-audiences.yaml:{first})",
                 "give each card its own id")


def test_a_duplicate_id_is_reported_beside_the_cards_other_mistakes(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"20-triggers.yaml": SEED_CARDS["20-triggers.yaml"]
                                      + "  - id: lapsed\n    titel: Lapsed again\n"})
    messages = [f"{d.field}: {d.message}" for d in problems(root)]
    assert "cards[1].title: required field is missing" in messages
    assert "cards[1].titel: unknown key" in messages
    assert any(m.startswith("cards[1].id: card id 'lapsed' is used twice") for m in messages)


@pytest.mark.parametrize("bad", ["New Visitor", "new_visitor", "-new", "new--visitor", "Ünïcode"])
def test_card_id_not_a_slug(tmp_path: Path, bad: str) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "id: first-session",
                                               f"id: {bad}"))
    slug = {"New Visitor": "new-visitor", "new_visitor": "new-visitor", "-new": "new",
            "new--visitor": "new-visitor", "Ünïcode": "n-code"}[bad]
    found = problems(root)
    # The recipe that uses first-session is not blamed as well.
    assert len(found) == 1
    assert_shown(found[0], f"{at(TRIGGERS, bad)}: cards[0].id: '{bad}' is not a valid id",
                 f"use lowercase letters, digits and -, e.g. '{slug}'")


def test_card_id_with_a_newline(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "id: first-session",
                                               'id: "first-session\\n"'))
    assert "is not a valid id" in the_problem(root).message


def test_undeclared_category_did_you_mean(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("20-triggers.yaml", "category: triggers",
                                               "category: trigers"))
    found = problems(root)
    # Only the cause: the recipe using first-session is not blamed for its role as well.
    assert len(found) == 1
    assert_shown(found[0], f"{at(TRIGGERS, 'trigers')}: category: card 'first-session': "
                 "category 'trigers' is not declared in deck.yaml", "did you mean 'triggers'?")


def test_undeclared_category_on_one_card(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("10-audiences.yaml", "    copies: 2",
                                               "    copies: 2\n    category: nowhere"))
    assert_shown(the_problem(root), f"{at(AUDIENCES, 'nowhere')}: category: card 'lapsed': "
                 "category 'nowhere' is not declared in deck.yaml",
                 "declare it under `categories:` in deck.yaml")


def test_category_declared_twice(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=SEED_DECK + '  - id: triggers\n    name: Again\n'
                     '    color: "#000000"\n')
    first = at(DECK_YAML, "id: triggers").split(":")[1]
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'id: triggers', 2)}: categories[3].id: "
                 f"category 'triggers' is declared twice (first on line {first})")


def test_category_id_not_a_slug(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "id: recipes", "id: Recipes!"),
                     cards={"30-recipes.yaml": None})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'Recipes!')}: categories[2].id: "
                 "'Recipes!' is not a valid id", "use lowercase letters, digits and -")


def test_unknown_category_role(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "role: when", "role: wen"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'wen')}: categories[1].role: unknown role "
                 "'wen'", "did you mean 'when'?")


def test_recipe_unknown_id(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("30-recipes.yaml", "[new-visitor]",
                                               "[new-visiter]"))
    assert_shown(the_problem(root), f"{at(RECIPES, '[new')}: recipe.who: card 'welcome': no card "
                 "has the id 'new-visiter'", "did you mean 'new-visitor'?")


def test_recipe_card_of_another_role(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("30-recipes.yaml", "[new-visitor]",
                                               "[first-session]"))
    assert_shown(the_problem(root), f"{at(RECIPES, '[first')}: recipe.who: card 'welcome': "
                 "'first-session' is in category 'triggers' (role when), not a who card",
                 "who takes cards of: Audiences")


def test_recipe_role_no_category_has(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("30-recipes.yaml", "when: first-session",
                                               "when: first-session\n      why: [lapsed]"))
    assert_shown(the_problem(root), f"{at(RECIPES, '[lapsed]')}: recipe.why: card 'welcome': "
                 "'lapsed' is in category 'audiences' (role who), not a why card",
                 "no category has the role 'why'")


def test_unknown_recipe_role(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards=card_file("30-recipes.yaml", "who:", "whom:"))
    assert_shown(the_problem(root), f"{at(RECIPES, 'whom')}: cards[0].recipe.whom: "
                 "unknown recipe role", "did you mean 'who'?")


def test_recipe_as_a_list(tmp_path: Path) -> None:
    root = make_deck(tmp_path, cards={"30-recipes.yaml": SEED_CARDS["30-recipes.yaml"].split(
        "    recipe:")[0] + "    recipe: [new-visitor]\n"})
    assert_shown(the_problem(root), f"{at(RECIPES, '[new')}: cards[0].recipe: must be a mapping "
                 "of keys to values, not a list", "indent the keys below this one")


def test_unknown_family_and_level_out_of_range(tmp_path: Path) -> None:
    # The allowed families are the deck's data: declared values of its `family` field.
    declared = SEED_DECK + "fields:\n  family: {type: text, values: [onboarding, offers]}\n"
    root = make_deck(tmp_path, declared, cards=card_file(
        "20-triggers.yaml", "    body: The", "    family: onbording\n    level: 9\n    body: The"))
    found = problems(root)
    assert [d.format().split("\n")[0] for d in found] == [
        f"{at(TRIGGERS, 'onbording')}: cards[0].family: unknown family 'onbording'",
        f"{at(TRIGGERS, '9')}: cards[0].level: must be between 1 and 5, not 9",
    ]
    assert found[0].hint == "did you mean 'onboarding'?"


# Assets


LOGO = ("  name: Test Co\n", "  name: Test Co\n  logo: {}\n")


def with_logo(value: str) -> str:
    return edit(SEED_DECK, LOGO[0], LOGO[1].format(value))


def png_bytes(size: tuple[int, int] = (2, 2), mode: str = "RGB", fmt: str = "PNG") -> bytes:
    out = BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A real 1×1 PNG whose header claims another size (with a correct header checksum)."""
    data = bytearray(png_bytes((1, 1)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_logo_is_accepted(tmp_path: Path) -> None:
    deck = load_deck(make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                               files={"assets/logo.png": png_bytes()}))
    assert deck.brand.logo == (tmp_path / "deck" / "assets" / "logo.png").resolve()


def test_missing_logo(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/log.png": png_bytes()})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: file "
                 "'assets/logo.png' does not exist", "did you mean 'log.png'?")


def test_logo_outside_the_deck(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(png_bytes())
    root = make_deck(tmp_path, deck_yaml=with_logo("../x.png"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '../x.png')}: brand.logo: '../x.png' points "
                 "outside the deck folder",
                 "copy the file into the deck folder (e.g. assets/) and refer to it there")


def test_logo_symlink_pointing_outside(tmp_path: Path) -> None:
    secret = tmp_path / "outside.png"
    secret.write_bytes(png_bytes())
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"))
    (root / "assets").mkdir()
    try:
        (root / "assets" / "logo.png").symlink_to(secret)
    except OSError:
        pytest.skip("symlinks are not available here")
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: "
                 "'assets/logo.png' points outside the deck folder")


def test_logo_absolute_path(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(png_bytes())
    value = str(tmp_path / "x.png")
    root = make_deck(tmp_path, deck_yaml=with_logo(value))
    assert_shown(the_problem(root), f"{at(DECK_YAML, value)}: brand.logo: '{value}' is an "
                 "absolute path", "put the file in the deck folder (e.g. assets/) and give the "
                 "path relative to it")


@pytest.mark.parametrize(("value", "shown", "why"), [
    ('"assets/lo\\0go.png"', "assets/lo\\x00go.png", "it contains a NUL character"),
    ("x" * 300 + ".png", "x" * 59 + "…", "File name too long"),
])
def test_logo_path_the_system_refuses(tmp_path: Path, value: str, shown: str, why: str) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo(value))
    assert_shown(the_problem(root), f"{at(DECK_YAML, value[:8])}: brand.logo: '{shown}' cannot "
                 f"be used as a path ({why})")


def test_logo_symlink_loop(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"))
    (root / "assets").mkdir()
    try:
        (root / "assets" / "logo.png").symlink_to(root / "assets" / "logo.png")
    except OSError:
        pytest.skip("symlinks are not available here")
    diag = the_problem(root)
    assert diag.field == "brand.logo"
    assert diag.pos.line == 13


def test_logo_is_a_folder(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets"), files={"assets/a.png": png_bytes()})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets')}: brand.logo: 'assets' is not "
                 "a file")


def test_logo_with_the_wrong_suffix(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.gif"),
                     files={"assets/logo.gif": "GIF89a"})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: "
                 "'assets/logo.gif' has the wrong kind of name",
                 "use a file ending in .png or .jpg or .jpeg or .svg")


def test_logo_svg_without_a_size(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.svg"),
                     files={"assets/logo.svg": "<svg/>"})
    assert_shown(the_problem(root), "deck/assets/logo.svg:1:1: brand.logo: SVG 'logo.svg' "
                 "refused: its size (0 × 0) is absurd or empty",
                 "give it a viewBox and a width and height of a few hundred px")


def test_logo_that_is_not_an_image(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/logo.png": "this is text, not a picture\n"})
    diag = the_problem(root)
    head = assert_shown(diag, diag.format().split("\n")[0], "export it again as PNG or JPEG")[0]
    assert head.startswith(f"{at(DECK_YAML, 'assets/logo')}: brand.logo: 'logo.png' is not a "
                           "readable image (")


def test_logo_in_another_image_format(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/logo.png": png_bytes(fmt="GIF")})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: image format "
                 "GIF is not supported", "save it as PNG or JPEG")


def test_truncated_png(tmp_path: Path) -> None:
    data = png_bytes((64, 64))
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/logo.png": data[: len(data) // 2]})
    assert "is not a readable image" in the_problem(root).message


def test_absurdly_large_image_header(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/logo.png": png_claiming(30000, 30000)})
    started = time.monotonic()
    diag = the_problem(root)
    assert time.monotonic() - started < 20  # a hang guard, generous for a busy machine
    assert_shown(diag, f"{at(DECK_YAML, 'assets/logo')}: brand.logo: image is absurdly large",
                 "resize it to at most 4000 pixels")


def test_very_large_image(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"),
                     files={"assets/logo.png": png_claiming(9000, 6000)})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: image is "
                 "9000×6000 pixels, far more than print needs",
                 "resize it to at most 4000 pixels on its long side")


def test_image_file_too_big(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_logo("assets/logo.png"))
    (root / "assets").mkdir()
    with (root / "assets" / "logo.png").open("wb") as f:
        f.write(png_bytes())
        f.truncate(31_000_000)  # sparse: cheap to write
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/logo')}: brand.logo: image is 31 MB; "
                 "the limit is 30 MB", "export it at 300 dpi for its printed size")


def test_missing_category_icon(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "    blanks: 2",
                                              "    blanks: 2\n    icon: assets/who.png"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/who')}: categories[0].icon: file "
                 "'assets/who.png' does not exist",
                 "paths are relative to the deck folder, e.g. assets/logo.png")


def test_font_file_outside_the_deck(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=edit(SEED_DECK, "  name: Test Co\n",
                                              "  name: Test Co\n  fonts: {body: ../x.ttf}\n"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '../x.ttf')}: brand.fonts.body: '../x.ttf' "
                 "points outside the deck folder")


BUNDLED_OR_PATH = ("Bundled fonts: Lato, DejaVu Sans; or give the path of a .ttf file in the "
                   "deck folder")


def with_font(value: str) -> str:
    return edit(SEED_DECK, "  name: Test Co\n", f"  name: Test Co\n  fonts: {{heading: {value}}}\n")


def test_font_path_without_ttf_outside_the_deck(tmp_path: Path) -> None:
    (tmp_path / "font-file").write_bytes((data_dir("fonts") / "lato" / "Lato-Regular.ttf")
                                         .read_bytes())
    root = make_deck(tmp_path, deck_yaml=with_font("../font-file"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, '../font-file')}: brand.fonts.heading: "
                 "'../font-file' points outside the deck folder",
                 "copy the file into the deck folder (e.g. assets/) and refer to it there")


def test_font_path_that_loops(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_font("assets/loop"))
    (root / "assets").mkdir()
    try:
        (root / "assets" / "loop").symlink_to(root / "assets" / "loop")
    except OSError:
        pytest.skip("symlinks are not available here")
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/loop')}: brand.fonts.heading: "
                 "'assets/loop' cannot be used as a path (a symbolic link loop)", BUNDLED_OR_PATH)


def test_font_file_without_ttf_suffix(tmp_path: Path) -> None:
    font = (data_dir("fonts") / "lato" / "Lato-Regular.ttf").read_bytes()
    root = make_deck(tmp_path, deck_yaml=with_font("assets/brand"), files={"assets/brand": font})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets/brand')}: brand.fonts.heading: "
                 "'assets/brand' has the wrong kind of name", "use a file ending in .ttf")


def test_misspelt_font_name(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_font("Latto"))
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'Latto')}: brand.fonts.heading: unknown "
                 "font 'Latto'", f"did you mean 'Lato'? {BUNDLED_OR_PATH}")


def test_font_name_that_is_a_folder(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml=with_font("assets"), files={"assets/x.txt": "x"})
    assert_shown(the_problem(root), f"{at(DECK_YAML, 'assets}')}: brand.fonts.heading: "
                 "'assets' is not a file", BUNDLED_OR_PATH)


def test_card_file_linked_from_outside(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(SEED_CARDS["20-triggers.yaml"])
    root = make_deck(tmp_path, cards={"20-triggers.yaml": None})
    try:
        (root / "cards" / "20-triggers.yaml").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks are not available here")
    found = problems(root)
    assert [d.format() for d in found] == [
        f"{TRIGGERS}: card file is a link to a file outside cards/"]


def test_card_file_that_is_a_folder(tmp_path: Path) -> None:
    root = make_deck(tmp_path)
    (root / "cards" / "50-odd.yaml").mkdir()
    assert the_problem(root).format().startswith("deck/cards/50-odd.yaml: not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_card_file_that_is_a_pipe_does_not_hang(tmp_path: Path) -> None:
    root = make_deck(tmp_path)
    os.mkfifo(root / "cards" / "50-pipe.yaml")
    assert the_problem(root).message == "not a regular file"


# Catalogue


def test_catalogue_problems(tmp_path: Path) -> None:
    catalogue = textwrap.dedent("""\
        catalogue:
          - {name: Welcome email, family: onboarding, level: feature, channel: email}
          - {name: Welcome email, family: onboarding, level: feature, channel: app}
          - {name: Shelf, family: shelves, level: feature, channel: app}
          - {name: Quiz, family: onboarding, level: huge, channel: app}
          - {name: Tips, family: onboarding, level: feature}
        """)
    # Families and levels are checked against the values the deck declares for its cards.
    declared = SEED_DECK + textwrap.dedent("""\
        fields:
          family: {type: text, values: [onboarding, offers]}
          level: {type: number, values: [function, feature, experience]}
        """)
    root = make_deck(tmp_path, declared, files={"catalogue.yaml": catalogue})
    cat = "deck/catalogue.yaml"
    found = problems(root)
    assert [d.format().split("\n")[0] for d in found] == [
        f"{cat}:3:5: catalogue[1].name: 'Welcome email' is already in the catalogue (line 2)",
        f"{at(cat, 'shelves')}: catalogue[2].family: unknown family 'shelves'",
        f"{at(cat, 'huge')}: catalogue[3].level: unknown size level 'huge'",
        f"{cat}:6:5: catalogue[4].channel: required field is missing",
    ]


# Extends and remove


def test_extends_missing_folder(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml="extends: ../nowhere\n" + SEED_DECK)
    assert_shown(the_problem(root), f"{DECK_YAML}:1:1: extends: '../nowhere' is not a deck folder "
                 f"(no deck.yaml in {tmp_path.resolve() / 'nowhere'})",
                 "paths are relative to this deck folder")


def test_extends_unknown_builtin(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml="extends: builtin:nope\n" + SEED_DECK)
    assert_shown(the_problem(root), f"{DECK_YAML}:1:1: extends: there is no built-in deck 'nope'",
                 "use builtin:prepersonalization or a path to a deck folder")


def test_extends_cycle(tmp_path: Path) -> None:
    a = make_deck(tmp_path, deck_yaml="extends: ../b\n" + SEED_DECK, name="a")
    b = make_deck(tmp_path, deck_yaml="extends: ../a\n" + SEED_DECK, name="b")
    started = time.monotonic()
    found = problems(a)
    assert time.monotonic() - started < 20  # a hang guard, generous for a busy machine
    assert len(found) == 1
    chain = " → ".join(str(p.resolve()) for p in (a, b, a))
    assert_shown(found[0], f"b/deck.yaml:1:1: extends: decks extend each other in a cycle: {chain}",
                 "one of these decks must stop extending the other")


def test_extends_a_path_the_system_refuses(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml='extends: "../a\\0b"\n' + SEED_DECK)
    assert_shown(the_problem(root), f"{DECK_YAML}:1:1: extends: '../a\\x00b' cannot be used as a "
                 "path (it contains a NUL character)",
                 "give builtin:NAME or a path to a deck folder")


def test_extends_too_many_levels(tmp_path: Path) -> None:
    make_deck(tmp_path, name="d0")
    for i in range(1, 11):
        make_deck(tmp_path, deck_yaml=f"extends: ../d{i - 1}\n",
                  cards=dict.fromkeys(SEED_CARDS), name=f"d{i}")
    found = problems(tmp_path / "d10")
    assert [d.format().split("\n")[0] for d in found] == [
        "d2/deck.yaml:1:1: extends: more than 8 decks extend each other"]


def test_extends_itself(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml="extends: .\n" + SEED_DECK)
    assert "decks extend each other in a cycle" in the_problem(root).message


def test_remove_unknown_id(tmp_path: Path) -> None:
    base = make_deck(tmp_path, name="base")
    child = make_deck(tmp_path, deck_yaml="extends: ../base\nremove: [lapsed, new-visiter]\n"
                      "deck:\n  title: Child\n", cards={n: None for n in SEED_CARDS}, name="child")
    assert base.is_dir()
    assert_shown(the_problem(child), f"{at('child/deck.yaml', 'new-visiter')}: remove: the base "
                 "deck has no card 'new-visiter'", "did you mean 'new-visitor'?")


def test_remove_without_extends(tmp_path: Path) -> None:
    root = make_deck(tmp_path, deck_yaml="remove: [lapsed]\n" + SEED_DECK)
    assert_shown(the_problem(root), f"{DECK_YAML}:1:1: remove: `remove` needs `extends`",
                 "remove drops cards of the deck this one extends; delete the card instead")


def test_deck_folder_missing(tmp_path: Path) -> None:
    found = problems(tmp_path / "nowhere")
    assert [d.format() for d in found] == [
        "nowhere: deck folder does not exist\n"
        "  hint: give the folder that holds deck.yaml, e.g. `deckgen build deck`"]


def test_deck_yaml_given_instead_of_its_folder(tmp_path: Path) -> None:
    root = make_deck(tmp_path)
    found = problems(root / "deck.yaml")
    assert [(d.message, d.hint) for d in found] == [
        ("is a file; deckgen reads a deck folder", f"give the folder instead: `{root}`")]


def test_deck_yaml_missing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    found = problems(tmp_path / "empty")
    assert [d.format().split("\n")[0] for d in found] == ["empty/deck.yaml: deck.yaml is missing"]


# All at once, and the command line


def test_three_mistakes_in_two_files_give_three_diagnostics(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, "size: poker", "size: pokr")
    audiences = edit(edit(SEED_CARDS["10-audiences.yaml"], "copies: 2", "copies: 0"),
                     "prompts:", "promts:")
    found = problems(make_deck(tmp_path, deck_yaml=deck_yaml,
                               cards={"10-audiences.yaml": audiences}))
    assert [d.format().split("\n")[0] for d in found] == [
        f"{at(AUDIENCES, 'promts')}: cards[0].promts: unknown key",
        f"{at(AUDIENCES, '0', 1)}: cards[1].copies: must be between 1 and 1000, not 0",
        f"{at(DECK_YAML, 'pokr')}: card.size: unknown card size 'pokr'",
    ]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, "size: poker", "size: pokr")
    cards = {**card_file("10-audiences.yaml", "copies: 2", "copies: 0"),
             **card_file("30-recipes.yaml", "[new-visitor]", "[new-visiter]")}
    found = problems(make_deck(tmp_path, deck_yaml=deck_yaml, cards=cards))
    assert [d.format().split("\n")[0] for d in found] == [
        f"{at(AUDIENCES, '0', 1)}: cards[1].copies: must be between 1 and 1000, not 0",
        f"{at(RECIPES, '[new')}: recipe.who: card 'welcome': no card has the id 'new-visiter'",
        f"{at(DECK_YAML, 'pokr')}: card.size: unknown card size 'pokr'",
    ]


def test_problems_in_two_files_and_a_broken_one(tmp_path: Path) -> None:
    # A syntax error in one file must not hide the problems in the others.
    cards = {**card_file("10-audiences.yaml", "title: New visitor", "title: [New visitor"),
             **card_file("20-triggers.yaml", "    body: The", "    colour: red\n    body: The")}
    deck_yaml = edit(SEED_DECK, 'color: "#2E3338"', "color: '#2E33'")
    found = problems(make_deck(tmp_path, deck_yaml=deck_yaml, cards=cards))
    assert [(d.pos.file.name, d.field) for d in found] == [
        ("10-audiences.yaml", ""), ("20-triggers.yaml", "cards[0].colour"),
        ("deck.yaml", "categories[2].color")]


def test_validate_cli_reports_and_exits_1(tmp_path: Path) -> None:
    deck_yaml = edit(SEED_DECK, "size: poker", "size: pokr")
    cards = card_file("30-recipes.yaml", "[new-visitor]", "[new-visiter]")
    root = make_deck(tmp_path, deck_yaml=deck_yaml, cards=cards)
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{at(DECK_YAML, 'pokr')}: card.size: unknown card size 'pokr'" in result.output
    assert "    size: pokr\n" in result.output
    assert "  hint: did you mean 'poker'?" in result.output
    assert f"{at(RECIPES, '[new')}: recipe.who:" in result.output
    assert "2 problems found." in result.output
    # Layout and text checks need a loaded deck; the user is told more may follow.
    assert "Layouts, fonts and text fit are checked once these are fixed." in result.output


def test_validate_does_not_promise_more_checks_when_only_they_failed(tmp_path: Path) -> None:
    cards = card_file("30-recipes.yaml", "id: welcome", "id: welcome\n    layout: lst")
    result = CliRunner().invoke(main, ["validate", str(make_deck(tmp_path, cards=cards))])
    assert result.exit_code == 1
    assert "no layout is called 'lst'" in result.output
    assert "checked once these are fixed" not in result.output


@pytest.mark.parametrize("content", [
    b"\x00\x01\x02\xff\xfe",
    b"deck: [\n",
    b"!!python/object/apply:os.system [\"echo hi\"]\n",
    BILLION_LAUGHS.encode(),
])
def test_validate_cli_never_shows_a_traceback(tmp_path: Path, content: bytes) -> None:
    root = make_deck(tmp_path, deck_yaml=content)
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "problem" in result.output


def test_validate_cli_on_the_builtin_deck(monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = data_dir("deck")
    monkeypatch.chdir(builtin.parent)
    result = CliRunner().invoke(main, ["validate", str(builtin)])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    deck = load_deck(builtin)
    assert result.output.strip().splitlines()[-1] == (
        f"{builtin}: {len(deck.cards)} cards in {len(deck.categories)} categories, no problems.")


def test_a_card_with_a_bad_value_still_has_its_unknown_category_reported(
        tmp_path: Path) -> None:
    # Both mistakes in one run: the card is left out for its level, yet its category is checked.
    cards = edit(SEED_CARDS["10-audiences.yaml"], "  - id: lapsed\n",
                 "  - id: lapsed\n    category: audience\n    level: 9\n")
    root = make_deck(tmp_path, cards={"10-audiences.yaml": cards})
    found = [(d.field, d.message) for d in problems(root)]
    assert ("category", "card 'lapsed': category 'audience' is not declared in deck.yaml") \
        in found
    assert any(field.endswith(".level") for field, _ in found), found
    assert len(found) == 2, found
