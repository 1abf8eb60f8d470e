"""`deckgen schema` and the schema lines of `deckgen new`: editor completion that agrees with
the loader."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import BUILTIN
from deckgen.cli import main
from deckgen.deck import yamlsrc
from deckgen.deck.model import Deck
from deckgen.deck.workbook_load import check_workbook_refs, parse_workbook
from deckgen.deck.workbook_schema import workbook_file_schema
from deckgen.diagnostics import Diagnostics
from test_fields import quiz_deck
from test_workbook_load import _deck as small_workbook_deck


def schema_of(deck: Path, which: str = "cards") -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema", str(deck), "--for", which])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def errors(schema: dict[str, Any], document: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(document)]


def test_every_builtin_file_satisfies_its_schema() -> None:
    cards = schema_of(BUILTIN)
    for path in sorted((BUILTIN / "cards").glob("*.yaml")):
        assert errors(cards, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path
    deck = schema_of(BUILTIN, "deck")
    assert errors(deck, yaml.safe_load((BUILTIN / "deck.yaml").read_text("utf-8"))) == []


def test_the_schema_knows_the_decks_own_fields_categories_and_ids(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path)
    schema = schema_of(root)
    card = schema["properties"]["cards"]["items"]
    assert card["required"] == ["id", "value"]
    assert card["properties"]["points"]["maximum"] == 10
    assert card["properties"]["see"]["items"] == {"enum": ["france", "spain"]}
    good = {"category": "europe", "cards": [{"id": "italy", "value": "4", "points": 2}]}
    assert errors(schema, good) == []
    for bad, message in (
        ({"id": "italy", "value": "4", "tipp": "x"}, "'tipp' was unexpected"),
        ({"id": "italy"}, "'value' is a required property"),
        ({"id": "italy", "value": "4", "points": 11}, "11 is greater than the maximum of 10"),
        ({"id": "italy", "value": "4", "category": "asia"}, "'asia' is not one of"),
    ):
        found = errors(schema, {"cards": [bad]})
        assert any(message in e for e in found), (bad, found)


def test_schema_writes_both_files_into_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", str(BUILTIN), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "cards.schema.json", "deck.schema.json", "workbook.schema.json"]


def test_schema_of_a_broken_deck_reports_its_problems(tmp_path: Path) -> None:
    root = quiz_deck(tmp_path, cards="category: europe\ncards:\n  - id: x\n")
    result = CliRunner().invoke(main, ["schema", str(root)])
    assert result.exit_code == 1
    assert "value: required field is missing" in result.output


@pytest.mark.parametrize("base", ["builtin", "quiz"])
def test_new_writes_schema_lines_that_match_its_files(tmp_path: Path, base: str) -> None:
    args = ["new", str(tmp_path / "mine")]
    if base == "quiz":
        args += ["--from", str(quiz_deck(tmp_path))]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    mine = tmp_path / "mine"
    for rel in ("deck.yaml", "cards/10-our-cards.yaml"):
        path = mine / rel
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        schema_path = (path.parent / first.split("=", 1)[1]).resolve()
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        assert errors(schema, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], rel
    # No workbook.yaml is written; the schema for one is, and the base's own workbook.yaml, a
    # likely start for one, satisfies it.
    assert not (mine / "workbook.yaml").exists()
    schema = json.loads((mine / "schemas" / "workbook.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    if base == "builtin":
        text = (BUILTIN / "workbook.yaml").read_text(encoding="utf-8")
        assert errors(schema, yaml12(text)) == []
    assert "schemas/workbook.schema.json" in (mine / "README.md").read_text(encoding="utf-8")


# -- workbook.yaml: the schema and the reader agree ---------------------------------------------


class Yaml12Loader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (1.2 core): `yes`, `9:30` and 2024-03-14
    are text, so the schema sees the values the reader sees."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(("bool", "int", "float",
                                                                    "timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _tag, _pattern, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
        ("float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789")):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern),
                                       list(_first))


def yaml12(text: str) -> object:
    return yaml.load(textwrap.dedent(text), Loader=Yaml12Loader)


def reader_problems(text: str, deck: Deck) -> list[str]:
    diags = Diagnostics()
    node = yamlsrc.parse_yaml(textwrap.dedent(text), Path("workbook.yaml"), diags)
    assert node is not None, diags.format()
    workbook = parse_workbook(node, diags)
    if workbook is not None:
        check_workbook_refs(workbook, deck, diags)
    return [f"{d.field}: {d.message}" for d in diags.sorted()]


WORKBOOK = """\
title: 2024                      # a number is text to the reader
intro: One paragraph.
anatomy: new-visitor
phases:
  - {id: kickstart, name: Kickstart, summary: }
activities:
  - id: size-it
    title: Size it
    phase: kickstart
    purpose: See how big each example is.
    worksheet: sizing-ladder
    steps:
      - {do: Deal the cards., minutes: 5}
      - {do: Place the examples., minutes: 30}
    plans:
      short:
        - {step: 1}
        - {step: 2, minutes: 10}
        - {do: Agree one step up., minutes: 5}
    say: [Word for word.]
    cards: [new-visitor]
    categories: [levels]
agendas:
  - id: short
    title: Short
    remote: true
    days:
      - start: " 9:00"
        slots:
          - {activity: size-it, minutes: 20, note: }
          - {break: Coffee, minutes: 10}
          - {title: Close, minutes: 5, materials: [Pens]}
worksheets: [landscape, {kind: roadmap, title: Our road}]
group: {people: 14, per_idea: 3}
examples:
  - kind: recipe-builder
    fill: {name: Winback, rows: [[new-visitor, First visit]]}
  - kind: jtbd-pitch
    fill: {when: "I start", cards: [new-visitor, ~]}
  - kind: roadmap
    fill: {notes: [[Now, Try, A pilot]]}
ladder: {category: levels, ids: [small, big]}
families: {control-trust: Control & trust, other: }
grid: new-visitor
risk-register: levels
recipe:
  - {role: who, word: IF, label: Audience}
  - {role: measure, word: GUARDRAIL, label: must not get worse, guardrail: true}
anatomy_parts:
  - {element: flow.prompts, name: Prompts}
sheets:
  roadmap:
    lanes: [Try, {name: Run, note: by itself}]
    columns: Now
  dot-vote: {candidate: Idea, note: }
sections:
  catalogue: {title: Catalogue, intro: "{count} entries.", columns: [A, B, C, D]}
  glossary: {intro: [One., Two.]}
"""

# Each wrong in one way: the schema and the reader both reject it.
WRONG_WORKBOOKS = {
    "unknown root key": ("agenda: []", "agenda: unknown key"),
    "unknown key in an activity": (("    purpose: See", "    purpse: See"), "purpse"),
    "text for minutes": (("minutes: 30}", "minutes: half an hour}"), "whole number"),
    "minutes out of range": (("minutes: 30}", "minutes: 601}"), "between 1 and 600"),
    "a list for the title": (("title: 2024 ", "title: [a] "), "must be text"),
    "unknown sheet kind": (("  dot-vote:", "  dot-votes:"), "unknown worksheet 'dot-votes'"),
    "a word a sheet does not take": (("columns: Now", "marks: Now"), "marks: unknown key"),
    "unknown worksheet kind": (("[landscape,", "[landscapes,"), "unknown worksheet"),
    "unknown activity worksheet": (("worksheet: sizing-ladder", "worksheet: ladder"),
                                   "unknown worksheet 'ladder'"),
    "unknown example kind": (("- kind: roadmap", "- kind: dot-vote"), "no filled example"),
    "a key the example's kind does not fill": (("{name: Winback,", "{title: Winback,"),
                                               "title: unknown key"),
    "a row with too few cells": (("[Now, Try, A pilot]", "[Now, A pilot]"), "has 2 cells"),
    "unknown section": (("  glossary: {intro", "  glosary: {intro"), "unknown section"),
    "too many column heads": (("[A, B, C, D]", "[A, B, C, D, E]"), "has 5 entries"),
    "a slot with a title and a break": (("{break: Coffee,", "{break: Coffee, title: C,"),
                                        "give only one of"),
    "a slot without minutes": (("{title: Close, minutes: 5,", "{title: Close,"),
                               "minutes: required field is missing"),
    "a clock time that is none": (('" 9:00"', '"9am"'), "is not a time of day"),
    "a group too large": (("people: 14", "people: 201"), "between 1 and 200"),
    "an empty group number": (("people: 14", "people: "), "whole number, not empty"),
    "yes for a flag": (("remote: true", "remote: yes"), "must be true or false"),
    "an empty required field": (("title: Short", "title: "), "required field is empty"),
    "a kept step with empty minutes": (("{step: 1}", "{step: 1, minutes: }"), "whole number"),
    "an added step without minutes": (("{do: Agree one step up., minutes: 5}",
                                       "{do: Agree one step up.}"), "needs step:"),
    "a bad id": (("id: size-it\n", "id: Size It\n"), "is not an id"),
    "a text too long": (("word: IF,", f"word: {'I' * 21},"), "the limit is 20"),
    "an empty list entry": (("  - {role: who,", "  -\n  - {role: who,"), "empty entry"),
    "a bad element": (("element: flow.prompts", "element: flow prompts"), "not an element"),
    "unknown card": (("anatomy: new-visitor", "anatomy: new-visiter"),
                     "the deck has no card 'new-visiter'"),
    "unknown card in a filled-in row": (("[[new-visitor, First", "[[old-visitor, First"),
                                        "the deck has no card 'old-visitor'"),
    "unknown category": (("risk-register: levels", "risk-register: sizes"),
                         "the deck has no category 'sizes'"),
    "an activity without steps": (("""    steps:
      - {do: Deal the cards., minutes: 5}
      - {do: Place the examples., minutes: 30}
    plans:
      short:
        - {step: 1}
        - {step: 2, minutes: 10}
        - {do: Agree one step up., minutes: 5}
""", "    steps: []\n"), "steps: is empty"),
    "a day without slots": (("""        slots:
          - {activity: size-it, minutes: 20, note: }
          - {break: Coffee, minutes: 10}
          - {title: Close, minutes: 5, materials: [Pens]}
""", "        slots: []\n"), "slots: is empty"),
}


@pytest.fixture(scope="module")
def small_deck() -> Deck:
    return small_workbook_deck()


def test_the_builtin_workbook_satisfies_its_schema() -> None:
    schema = schema_of(BUILTIN, "workbook")
    text = (BUILTIN / "workbook.yaml").read_text(encoding="utf-8")
    assert errors(schema, yaml12(text)) == []
    # The deck's own workbook lends its activity ids to the slots that name one.
    assert "activity: " in text
    wrong = re.sub(r"activity: [a-z-]+", "activity: no-such-activity", text, count=1)
    assert any("'no-such-activity' is not one of" in e for e in errors(schema, yaml12(wrong)))


def test_schema_and_reader_accept_the_same_good_workbook(small_deck: Deck) -> None:
    schema = workbook_file_schema(small_deck)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert errors(schema, yaml12(WORKBOOK)) == []
    assert reader_problems(WORKBOOK, small_deck) == []
    assert errors(schema, yaml12("")) == [] and reader_problems("", small_deck) == []


@pytest.mark.parametrize("case", WRONG_WORKBOOKS)
def test_schema_and_reader_reject_the_same_wrong_workbooks(small_deck: Deck, case: str) -> None:
    change, reader_says = WRONG_WORKBOOKS[case]
    if isinstance(change, tuple):
        assert change[0] in WORKBOOK, change
        text = WORKBOOK.replace(change[0], change[1], 1)
    else:
        text = WORKBOOK + change + "\n"
    found = reader_problems(text, small_deck)
    assert any(reader_says in problem for problem in found), found
    validator = jsonschema.Draft202012Validator(workbook_file_schema(small_deck))
    where = [reader_path(e.absolute_path) for e in validator.iter_errors(yaml12(text))]
    assert where, f"the schema takes what the reader rejects: {found}"
    # ...at the same place: the same field, or one holds the other (an entry and its key).
    fields = [problem.split(": ", 1)[0] for problem in found]
    assert any(a.startswith(b) or b.startswith(a) for a in where for b in fields), (where, found)


def reader_path(parts: Iterable[str | int]) -> str:
    """A JSON path as the reader writes a field: agendas[0].days[0].start."""
    path = ""
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}" if path else part
    return path


def test_the_workbooks_own_ids_are_offered_where_they_are_named(small_deck: Deck) -> None:
    diags = Diagnostics()
    node = yamlsrc.parse_yaml(WORKBOOK, Path("workbook.yaml"), diags)
    assert node is not None
    own = parse_workbook(node, diags)
    schema = workbook_file_schema(small_deck, own)
    assert errors(schema, yaml12(WORKBOOK)) == []
    for old, new in (("activity: size-it", "activity: sizeit"), ("phase: kickstart", "phase: k"),
                     ("      short:", "      long:")):
        text = WORKBOOK.replace(old, new)
        assert reader_problems(text, small_deck), old
        assert errors(schema, yaml12(text)) != [], old
