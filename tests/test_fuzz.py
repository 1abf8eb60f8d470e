"""Property tests: whatever a user writes, the loader answers with a Deck or with diagnostics.

Mutated text (lines deleted or doubled, values replaced by odd text, huge numbers, deep nesting,
hostile YAML, random bytes, truncation) and mutated structure (any field replaced by lists, maps,
numbers, nothing or long text) must give a Deck or a DeckError, never another exception; a deck
that loads must also pass through the drawer's checks without raising.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError, forget_sources
from deckgen.draw.renderer import CardRenderer
from deckgen.resources import data_dir
from test_diagnostics import SEED_CARDS, SEED_DECK, edit, png_bytes
from yamltree import paths, put

BUILTIN = data_dir("deck")
FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=25)

# The seed deck with assets, and a deck that extends it, so paths and merging are fuzzed too.
SEED_FILES: dict[str, str] = {
    "deck/deck.yaml": edit(edit(SEED_DECK, "  name: Test Co\n",
                                "  name: Test Co\n  logo: assets/logo.png\n"),
                           "    blanks: 2\n", "    blanks: 2\n    icon: assets/who.png\n"),
    **{f"deck/cards/{n}": t for n, t in SEED_CARDS.items()},
    "child/deck.yaml": """\
extends: ../deck
remove: [lapsed]
deck:
  title: Child deck
brand:
  colors: {text: "#000000"}
categories:
  - id: triggers
    color: "#123456"
  - id: extras
    name: Extras
    color: "cmyk(0, 50, 100, 10)"
""",
    "child/cards/10-mine.yaml": """\
category: extras
cards:
  - id: new-visitor
    title: Our visitor
    category: audiences
  - id: extra
    title: Extra
    recipe: {who: new-visitor, when: [first-session]}
""",
}
ASSETS = {"deck/assets/logo.png": png_bytes((3, 2)), "deck/assets/who.png": png_bytes((2, 2))}


def builtin_files() -> dict[str, str]:
    names = ["deck.yaml", "catalogue.yaml", *(f"cards/{p.name}" for p in
                                                sorted((BUILTIN / "cards").glob("*.yaml")))]
    return {n: (BUILTIN / n).read_text(encoding="utf-8") for n in names
            if (BUILTIN / n).is_file()}


class Folder:
    """Deck folders written once; each example swaps one file's content, then restores it."""

    def __init__(self, root: Path, files: dict[str, str], decks: tuple[str, ...],
                 assets: dict[str, bytes] | None = None) -> None:
        self.root = root
        self.files = files
        self.decks = decks
        for rel, body in {**files, **(assets or {})}.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")

    def load_with(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.write_bytes(data)
        forget_sources()
        try:
            for deck in self.decks:
                load_or_diagnose(self.root / deck)
        finally:
            path.write_text(self.files[rel], encoding="utf-8")


def load_or_diagnose(root: Path) -> Deck | None:
    """The property: a Deck, or a DeckError whose diagnostics all format; nothing else."""
    try:
        return load_deck(root)
    except DeckError as error:
        assert error.diagnostics, "a DeckError must carry at least one diagnostic"
        text = error.diagnostics.format()  # every diagnostic can be shown
        assert all(d.message for d in error.diagnostics.items), text
        return None


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    return Folder(tmp_path_factory.mktemp("seed"), SEED_FILES, ("deck", "child"), ASSETS)


@pytest.fixture(scope="module")
def builtin(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    root = tmp_path_factory.mktemp("builtin")
    folder = Folder(root, builtin_files(), ("",))
    if (BUILTIN / "assets").is_dir():
        shutil.copytree(BUILTIN / "assets", root / "assets", dirs_exist_ok=True)
    return folder


def test_seeds_are_valid(seed: Folder, builtin: Folder) -> None:
    for root in (seed.root / "deck", seed.root / "child", builtin.root):
        assert isinstance(load_deck(root), Deck)


# Text mutations


ODD_VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from([
        "", "~", "null", "No", "yes", "0x1F", "1e400", "-0", ".nan", "[]", "{}", "[", "{", "]",
        "'", '"', "|", ">", "&a", "*a", "*nowhere", "&a [*a]", "? x", "- x", ": x", "#x", "@x",
        "`x", "%YAML 1.1", "---", "...", "!!python/object/apply:os.system [echo]",
        "!!binary aGk=", "!custom x", "<<: *a", "\t", "\u00a0", "\u200b", "\ufeff", "\U0001f600",
        "e\u0301", "\u202eevil", "'#1F3A5F", "cmyk(1e999,0,0,0)", "3 furlongs", "-5mm",
        "../../../etc/passwd", "/etc/passwd", "assets/../../x.png", "C:\\x.png", '"x\\0y.png"',
        "x" * 300 + ".png", "assets", "assets/logo.png", "assets/who.png", "../deck", "../child",
        ".", "..", "/", "builtin:nope", "builtin:prepersonalization", "deck.yaml",
    ]),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=1200).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=1200).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: "[" * n),
    st.integers(min_value=1, max_value=100_000).map(lambda n: "x" * n),
)


@st.composite
def mutated(draw: st.DrawFn, files: dict[str, str]) -> tuple[str, bytes]:
    """One file of `files`, changed in one or a few ways."""
    rel = draw(st.sampled_from(sorted(files)))
    lines = files[rel].split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(["delete", "duplicate", "value", "insert", "indent", "dedent"]))
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "value" and lines:
            head, sep, _ = lines[i].partition(": ")
            lines[i] = (head + sep if sep else lines[i] + ": ") + draw(ODD_VALUES)
        elif op == "insert":
            lines.insert(i, draw(ODD_VALUES))
        elif op == "indent" and lines:
            lines[i] = " " * draw(st.integers(1, 4)) + lines[i]
        elif op == "dedent" and lines:
            lines[i] = lines[i].lstrip()
    data = "\n".join(lines).encode("utf-8")
    byte_op = draw(st.sampled_from(["none", "none", "bytes", "truncate"]))
    if byte_op == "bytes":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif byte_op == "truncate":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return rel, data


@FAST
@given(change=mutated(SEED_FILES))
def test_mutated_seed_text_gives_a_deck_or_diagnostics(seed: Folder,
                                                       change: tuple[str, bytes]) -> None:
    seed.load_with(*change)


@SLOW
@given(change=mutated(builtin_files()))
def test_mutated_builtin_text_gives_a_deck_or_diagnostics(builtin: Folder,
                                                          change: tuple[str, bytes]) -> None:
    builtin.load_with(*change)


# Structural mutations


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.integers(min_value=200, max_value=20_000).map(lambda n: "w" * n),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12,
)


SEED_DOCS = {rel: yaml.safe_load(text) for rel, text in SEED_FILES.items()}
SEED_PATHS = {rel: list(paths(doc)) for rel, doc in SEED_DOCS.items()}


@st.composite
def restructured(draw: st.DrawFn) -> tuple[str, bytes]:
    rel = draw(st.sampled_from(sorted(SEED_DOCS)))
    doc = SEED_DOCS[rel]
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        candidates = list(paths(doc))
        path = draw(st.sampled_from(candidates))
        doc = put(doc, path, draw(VALUES), delete=bool(path) and draw(st.booleans()))
    return rel, yaml.safe_dump(doc, allow_unicode=draw(st.booleans())).encode("utf-8")


@FAST
@given(change=restructured())
def test_any_value_in_any_field_gives_a_deck_or_diagnostics(seed: Folder,
                                                            change: tuple[str, bytes]) -> None:
    seed.load_with(*change)


# Valid structure, odd content: the drawer's checks must not raise either


TEXTS = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
            max_size=30),
    st.sampled_from(["**", "*", "**bold", "*a **b* c**", "a\nb\n\n\nc", "\u00ad" * 40,
                     "W" * 300, "word " * 200, "\U0001f600\u200d\U0001f4bb", "\u0627\u0644",
                     "\t", " ", "\x00", "\x1b[31m", "e\u0301" * 50, "\ufffd"]),
)


@st.composite
def odd_content(draw: st.DrawFn) -> dict[str, Any]:
    deck = yaml.safe_load(SEED_DECK)
    deck["deck"]["title"] = draw(TEXTS)
    deck["card"]["size"] = draw(st.sampled_from(["poker", "bridge", "tarot", "mini", "square",
                                                 "a6", {"width": "20mm", "height": "300mm"},
                                                 {"width": "300mm", "height": "20mm"}]))
    deck["card"]["safe"] = draw(st.sampled_from(["0", "3mm", "5mm"]))
    for cat in deck["categories"]:
        cat["name"] = draw(TEXTS)
        cat["question"] = draw(TEXTS)
    cards = {f"cards/{name}": yaml.safe_load(text) for name, text in SEED_CARDS.items()}
    for doc in cards.values():
        for card in doc["cards"]:
            card["title"] = draw(TEXTS)
            for key in ("subtitle", "body"):
                if draw(st.booleans()):
                    card[key] = draw(TEXTS)
            for key in ("items", "prompts", "examples"):
                if draw(st.booleans()):
                    card[key] = draw(st.lists(TEXTS, max_size=8))
    return {"deck.yaml": deck, **cards}


@settings(FAST, max_examples=60)
@given(docs=odd_content())
def test_drawer_checks_never_raise(tmp_path_factory: pytest.TempPathFactory,
                                   docs: dict[str, Any]) -> None:
    root = tmp_path_factory.mktemp("odd") / "deck"
    for rel, doc in docs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    deck = load_or_diagnose(root)
    if deck is None:
        return
    diags = CardRenderer(deck).check()
    for diag in diags.sorted():
        diag.format()
