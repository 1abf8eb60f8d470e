"""Shared fixtures: the built-in deck, small decks written on the fly, PDF helpers."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from deckgen.resources import data_dir

REPO = Path(__file__).resolve().parent.parent
BUILTIN = data_dir("deck")
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")

MINI_DECK = """\
deck:
  title: Test Deck
card:
  size: {size}
  bleed: 3mm
  safe: 3mm
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
    color: "#A5472A"
    blanks: 1
  - id: recipes
    name: Recipes
    question: If this, then what?
    color: "#30343B"
    layout: recipe
    blanks: 1
"""

MINI_CARDS = """\
category: audiences
cards:
  - id: new-visitor
    title: New visitor
    subtitle: First time here
    body: Arrives with no history. What would **earn** a second visit?
    prompts: ["What do we know at the door?"]
  - id: lapsed
    title: Lapsed subscriber
    body: Left last month.
    items: [Cancelled, Card expired, Moved abroad]
  - id: first-session
    category: triggers
    title: First session
    body: The very first visit.
  - id: welcome
    category: recipes
    title: Welcome
    body: If a new visitor arrives for the first time, greet them.
    recipe:
      who: [new-visitor]
      when: first-session
"""


@pytest.fixture
def make_deck(tmp_path: Path) -> Callable[..., Path]:
    """Write a small deck folder; `cards` maps file names to YAML text."""

    def make(deck_yaml: str | None = None, cards: dict[str, str] | None = None,
             size: str = "poker", files: dict[str, bytes] | None = None) -> Path:
        root = tmp_path / "deck"
        (root / "cards").mkdir(parents=True, exist_ok=True)
        text = deck_yaml if deck_yaml is not None else MINI_DECK.format(size=size)
        (root / "deck.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        for name, body in (cards if cards is not None else {"10-cards.yaml": MINI_CARDS}).items():
            (root / "cards" / name).write_text(textwrap.dedent(body), encoding="utf-8")
        for name, data in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return root

    return make


def font_names(reader: PdfReader) -> dict[str, bool]:
    """Every font used in the document: base name -> embedded as a TrueType file."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        stack = [resources.get_object()]
        seen: set[int] = set()
        while stack:
            res = stack.pop()
            if id(res) in seen:
                continue
            seen.add(id(res))
            for font in (res.get("/Font") or {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                descriptor = target.get("/FontDescriptor")
                embedded = bool(descriptor and "/FontFile2" in descriptor.get_object())
                fonts[str(font["/BaseFont"])] = embedded
            for xobj in (res.get("/XObject") or {}).values():
                xobj = xobj.get_object()
                if xobj.get("/Subtype") == "/Form" and "/Resources" in xobj:
                    stack.append(xobj["/Resources"].get_object())
    return fonts
