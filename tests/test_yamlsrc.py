"""Reading YAML: the fast libyaml path and the Python path see the same nodes and positions."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUILTIN
from deckgen.deck import yamlsrc as ys
from deckgen.diagnostics import Diagnostics


def shape(node: ys.Node | None) -> object:
    """A node tree as plain data, positions included, to compare two parses."""
    if node is None:
        return None
    where = (node.pos.line, node.pos.col)
    if isinstance(node, ys.Scalar):
        return ("scalar", node.value, node.plain, node.null, where)
    if isinstance(node, ys.Seq):
        return ("seq", [shape(item) for item in node.items], where)
    return ("map", [(shape(k), shape(v)) for k, v in node.entries], where)


def both(text: str) -> tuple[object, object]:
    path = Path("deck.yaml")
    fast, slow = Diagnostics(), Diagnostics()
    first = shape(ys.parse_yaml(text, path, fast))
    second = shape(ys.parse_yaml_python(text, path, slow))
    assert fast.sorted() == slow.sorted()
    return first, second


def test_every_file_of_the_builtin_deck_reads_the_same_both_ways() -> None:
    files = sorted(BUILTIN.rglob("*.yaml"))
    assert len(files) > 10
    for file in files:
        fast, slow = both(file.read_text(encoding="utf-8"))
        assert fast == slow, file


def test_yaml_1_1_traps_stay_text_with_quotes_remembered() -> None:
    fast, slow = both("title: No\nedition: '1.0'\nlevel: 3\nempty:\n")
    assert fast == slow
    assert fast == ("map", [
        (("scalar", "title", True, False, (1, 1)), ("scalar", "No", True, False, (1, 8))),
        (("scalar", "edition", True, False, (2, 1)), ("scalar", "1.0", False, False, (2, 10))),
        (("scalar", "level", True, False, (3, 1)), ("scalar", "3", True, False, (3, 8))),
        (("scalar", "empty", True, False, (4, 1)), ("scalar", "", True, True, (4, 7))),
    ], (1, 1))


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(VALUES, st.booleans(), st.sampled_from([None, False, True]))
def test_any_document_reads_the_same_both_ways(value: object, unicode: bool,
                                               flow: bool | None) -> None:
    text = yaml.safe_dump({"cards": value}, allow_unicode=unicode, default_flow_style=flow)
    fast, slow = both(text)
    assert fast == slow
