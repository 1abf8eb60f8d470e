"""The workbook knows no deck: a deck's own words come from workbook.yaml, checked with positions,
and the docs name the worksheets the code prints by default."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import replace

import pypdf
import pypdfium2

from conftest import BUILTIN, REPO
from deckgen.deck.load import load_deck
from deckgen.deck.workbook_load import check_workbook_refs
from deckgen.deck.workbook_model import SHEET_KINDS, Workbook
from deckgen.diagnostics import Diagnostics
from deckgen.draw.renderer import CardRenderer
from deckgen.workbook.worksheets import DEFAULT_KINDS, DRAWINGS, default_sheet_kinds
from test_workbook import (
    bookmarked_pages,
    build,
    load_workbook,
    make_deck,
    outline_titles,
    page_texts,
    squash,
)
from test_workbook_load import _deck, parse, problems

ENGINE = REPO / "src" / "deckgen" / "workbook"


def _documented_defaults() -> list[str]:
    text = (REPO / "docs" / "workbook-format.md").read_text(encoding="utf-8")
    paragraph = text.split("<!-- default-worksheets")[1].split("\n\n")[0]
    printed = paragraph.split("belong to")[0].rsplit("`jtbd-pitch`", 1)[0]
    return [kind for kind in re.findall(r"`([a-z-]+)`", printed) if kind in SHEET_KINDS]


def test_the_docs_name_the_default_worksheets_in_the_order_the_code_prints_them() -> None:
    documented = _documented_defaults()
    assert documented == list(DEFAULT_KINDS)
    # A deck with everything the conditional sheets need gets every documented sheet, in order.
    deck = make_deck(replace(load_workbook(), worksheets=None))
    assert default_sheet_kinds(deck) == documented
    # A deck with nothing of the kind gets only the sheets that suit any deck.
    bare = replace(make_deck(None, ()), categories=(), catalogue=())
    assert default_sheet_kinds(bare) == ["card-sort", "effort-impact", "dot-vote", "parking-lot"]


def test_every_worksheet_kind_has_a_drawing() -> None:
    assert list(DRAWINGS) == list(SHEET_KINDS)


def _literals() -> set[str]:
    found: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value.strip())
    return found


def test_the_workbook_engine_names_nothing_of_the_built_in_deck() -> None:
    deck = load_deck(BUILTIN)
    wb = deck.workbook
    assert wb is not None and wb.ladder is not None
    names = {cat.id for cat in deck.categories} | {card.id for card in deck.cards}
    names |= {card.family for card in deck.cards if card.family}
    names |= set(wb.families) | set(wb.families.values()) | set(wb.ladder.ids)
    names |= {title for title, _ in ((c.title, 0) for c in deck.cards_in("levels"))}
    names |= {row.word for row in wb.recipe} | {row.label for row in wb.recipe}
    for sheet in wb.sheets.values():
        names |= {label.name for labels in sheet.words.values() for label in labels}
        names |= {sheet.title or "", sheet.note or ""}
    for section in wb.sections.values():
        names |= {section.title or "", *(section.intro or ())}
    # Words the engine uses for itself may match a deck's by chance; these are generic
    # (sms: a card id here, and an acronym the catalogue writes in capitals; Channel: a field
    # of every catalogue entry).
    generic = {"", "Size", "Date", "Recipe", "Search", "Layout", "Service", "Pitched by", "sms",
               "Channel"}
    clash = sorted((names - generic) & _literals())
    assert not clash, f"the engine names the built-in deck: {clash}"
    assert not any("LEVEL_NAMES" in p.read_text(encoding="utf-8") for p in ENGINE.rglob("*.py"))


def parsed(text: str) -> Workbook:
    workbook, diags = parse(text)
    assert workbook is not None, diags.format()
    return workbook


def test_a_decks_own_sheet_words_and_section_texts_reach_the_page() -> None:
    own = parsed("""\
        sheets:
          dot-vote: {title: Vote, candidate: Dish}
          landscape:
            title: Our plates
            columns: [{name: Tasty, note: Would cook again.}, Bland]
        sections:
          glossary: {title: Words we use}
          card-reference: {intro: "Every one of the {count} cards."}
        """)
    # Only the sheets under test, to keep the build small.
    wb = replace(load_workbook(), agendas=(), activities=(), phases=(),
                 worksheets=parsed("worksheets: [dot-vote, landscape]").worksheets)
    deck = make_deck(replace(wb, sheets={**wb.sheets, **own.sheets}, sections=own.sections))
    pdf = pypdf.PdfReader(io.BytesIO(build(deck)))
    pages, texts = bookmarked_pages(pdf), [squash(t) for t in page_texts(pdf)]
    assert "Dish" in texts[pages["Vote"]] and "Idea" not in texts[pages["Vote"]]
    landscape = texts[pages["Our plates"]]
    assert "Tasty" in landscape and "Would cook again." in landscape and "Bland" in landscape
    assert "We admire" not in landscape
    assert "Words we use" in outline_titles(pdf)
    assert f"Every one of the {len(deck.cards)} cards." in texts[pages["Card reference"]]


def test_a_deck_that_declares_nothing_gets_neutral_words() -> None:
    wb = Workbook(worksheets=parsed("worksheets: [roadmap, jtbd-pitch, recipe-builder]").worksheets)
    pdf = pypdf.PdfReader(io.BytesIO(build(make_deck(wb))))
    pages, texts = bookmarked_pages(pdf), [squash(t) for t in page_texts(pdf)]
    roadmap = texts[pages["Roadmap"]]
    assert all(word in roadmap for word in ("Now", "Try", "Run", "Build", "Enable"))
    # Without recipe rows, one row per role, named by the role in capitals.
    recipe = texts[pages["Recipe builder"]]
    assert "WHO" in recipe and "MEASURE" in recipe and "GUARDRAIL" not in recipe
    # Without levels, the pitch's size boxes are left to name.
    pitch = texts[pages["Jobs-to-be-done pitch"]]
    assert "Tiny step" not in pitch and "First step" in pitch


def test_new_keys_are_checked_with_positions_and_suggestions() -> None:
    found = problems("""\
        sheets:
          roadmaps: {title: Plan}
          roadmap: {lane: [A, B]}
        sections:
          glossry: {title: Words}
        recipe:
          - {role: who, word: IF, label: Audience, guardrail: maybe}
          - {role: when, word: AND}
        families: {control-trust: [a, list]}
        """)
    assert found == [
        (2, "sheets.roadmaps", "unknown worksheet 'roadmaps'", "did you mean 'roadmap'?"),
        (3, "sheets.roadmap.lane", "unknown key", "did you mean 'lanes'?"),
        (5, "sections.glossry", "unknown section 'glossry'", "did you mean 'glossary'?"),
        (7, "recipe[0].guardrail", "must be true or false, not the text 'maybe'", None),
        (8, "recipe[1].label", "required field is missing", None),
        (9, "families.control-trust", found[5][2], found[5][3]),
    ]
    assert found[5][2].startswith("must be")


def test_grid_risk_register_and_ladder_must_name_what_the_deck_has() -> None:
    workbook, diags = parse("grid: new-visiter\nrisk-register: risk\nladder: {category: level}\n")
    assert workbook is not None, diags.format()
    check_workbook_refs(workbook, _deck(), diags)
    assert [(d.pos.line, d.field, d.message, d.hint) for d in diags.sorted()] == [
        (1, "grid", "the deck has no card 'new-visiter'", "did you mean 'new-visitor'?"),
        (2, "risk-register", "the deck has no category 'risk'", None),
        (3, "ladder.category", "the deck has no category 'level'", "did you mean 'levels'?"),
    ]


def test_the_built_in_workbook_keeps_its_own_words() -> None:
    deck = load_deck(BUILTIN)
    assert deck.workbook is not None
    diags = Diagnostics()
    check_workbook_refs(deck.workbook, deck, diags)
    assert not diags
    assert default_sheet_kinds(deck)[:2] == ["card-sort", "landscape"]


def _drawn_chars(face: object) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each character of a face as drawn: (char, (left, bottom, right, top)) in card points."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(face.width, face.height))  # type: ignore[attr-defined]
    face.draw(canvas, 0, 0)  # type: ignore[attr-defined]
    canvas.showPage()
    canvas.save()
    pdf = pypdfium2.PdfDocument(buf.getvalue())
    try:
        text = pdf[0].get_textpage()
        return [(text.get_text_range(i, 1), text.get_charbox(i))
                for i in range(text.count_chars())]
    finally:
        pdf.close()


def test_the_drawers_element_boxes_hold_what_each_element_drew() -> None:
    deck = load_deck(BUILTIN)
    card = deck.card_by_id("new-visitor")
    assert card is not None and card.body and card.prompts
    renderer = CardRenderer(deck)
    boxes = renderer.element_boxes(card)
    for name in ("band", "title", "flow.body", "flow.prompts", "footer"):
        assert name in boxes, name
    chars = _drawn_chars(renderer.front(card))
    text = "".join(ch for ch, _ in chars)

    def inside(snippet: str, name: str) -> None:
        start = text.index(snippet)
        left, bottom, right, top = boxes[name]
        for _, (x0, y0, x1, y1) in chars[start:start + len(snippet)]:
            assert left - 0.5 <= x0 and x1 <= right + 0.5, (snippet, name)
            assert bottom - 0.5 <= y0 and y1 <= top + 0.5, (snippet, name)

    assert "earns" in card.prompts[-1] and "history" in card.body
    inside(card.title, "title")
    inside("history", "flow.body")
    inside("earns", "flow.prompts")
    # Parts of a flow are stacked in reading order, without overlap.
    assert boxes["flow.body"][1] >= boxes["flow.prompts"][3] - 0.01


def test_without_anatomy_parts_every_drawn_element_is_named() -> None:
    deck = make_deck(Workbook(anatomy=load_workbook().anatomy, worksheets=()))
    text = squash(" ".join(page_texts(pypdf.PdfReader(io.BytesIO(build(deck))))[:6]))
    for label in ("Band", "Title", "Body", "Prompts", "Footer"):
        assert f"{label} " in text, label
    assert "Category band" not in text


def test_a_long_name_in_a_caption_breaks_with_a_hyphen() -> None:
    deck = make_deck(Workbook(worksheets=()))
    long = replace(deck.categories[0], name="INTERNATIONALIZATION")
    deck = replace(deck, categories=(long, *deck.categories[1:]))
    text = "\n".join(page_texts(pypdf.PdfReader(io.BytesIO(build(deck))))[:6])
    # The blank cards' captions: the name on two lines, broken where a dictionary allows.
    pieces = re.search(r"(INTER\w*)-\n\s*(\w*TION)\b", text)
    assert pieces is not None, "the caption breaks without a hyphen"
    assert pieces.group(1) + pieces.group(2) == "INTERNATIONALIZATION"


def test_only_a_section_with_a_table_takes_column_heads() -> None:
    found = problems("""\
        sections:
          glossary: {columns: [Term]}
          catalogue: {columns: [A, B, C, D, E]}
        """)
    assert [(line, field, message) for line, field, message, _ in found] == [
        (2, "sections.glossary.columns", "unknown key"),
        (3, "sections.catalogue.columns", "has 5 entries; this table has 4 columns"),
    ]
    assert parsed("sections: {catalogue: {columns: [Dish]}}").sections["catalogue"].columns == (
        "Dish",)


def test_an_empty_checklist_stage_is_reported_not_dropped() -> None:
    workbook, diags = parse("checklist:\n  - {when: Before, items: []}\n")
    assert workbook is None
    assert [(d.field, d.message) for d in diags.sorted()] == [("checklist[0].items", "is empty")]
    assert "at least one item" in (diags.sorted()[0].hint or "")
