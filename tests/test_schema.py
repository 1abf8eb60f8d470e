"""`deckgen schema` and the schema lines of `deckgen new`: editor completion that agrees with
the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import BUILTIN
from deckgen.cli import main
from test_fields import quiz_deck


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
        "cards.schema.json", "deck.schema.json"]


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
