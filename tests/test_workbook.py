"""The facilitator workbook: sections, bookmarks, card reference, worksheets, fonts, bytes."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2
import pytest
from reportlab.pdfgen.canvas import Canvas

from conftest import BUILTIN
from deckgen.deck import yamlsrc
from deckgen.deck.load import load_deck
from deckgen.deck.model import Brand, Card, CardSpec, CatalogueEntry, Category, Deck
from deckgen.deck.workbook_load import parse_workbook
from deckgen.deck.workbook_model import Workbook
from deckgen.diagnostics import Diagnostics, Pos
from deckgen.draw.renderer import CardRenderer
from deckgen.units import mm, parse_color
from deckgen.workbook import write_workbook

HERE = Path(__file__).parent


# A small deck built directly from the model, and a stand-in for the card drawer.


def _cat(cid: str, name: str, role: str | None, question: str, color: str, blanks: int = 0
         ) -> Category:
    return Category(cid, name, role, question, parse_color(color), None, None, blanks,
                    Pos(Path("deck.yaml")))


CATEGORIES = (
    _cat("audiences", "Audiences", "who", "Who is it for?", "#2E6F95", 2),
    _cat("triggers", "Triggers", "when", "When does it happen?", "#C0622B", 2),
    _cat("content", "Content & design", "what", "What do they see?", "#6B8E23"),
    _cat("channels", "Channels", "where", "Where does it reach them?", "#7B4F9D"),
    _cat("outcomes", "Outcomes", "why", "Why does it matter?", "#B8860B"),
    _cat("measures", "Measures", "measure", "How will we know?", "#2F4F4F"),
    _cat("levels", "Levels", None, "How big is it?", "#555555"),
    _cat("arguments", "Arguments", None, "Why personalize at all?", "#8B3A62"),
    _cat("risks", "Risks", None, "What could stop us?", "#A52A2A"),
    _cat("recipes", "Recipes", None, "How do the ingredients combine?", "#1F3A5F"),
)


def _card(cid: str, title: str, category: str, **kw: object) -> Card:
    return Card(id=cid, title=title, category=category, **kw)  # type: ignore[arg-type]


CARDS = (
    _card("new-visitor", "New visitor", "audiences", body="Arrives with no history.",
          prompts=("What would earn a second visit?",)),
    _card("lapsed-subscriber", "Lapsed subscriber", "audiences", body="Paid once, then left."),
    _card("first-session", "First session", "triggers", body="The very first visit."),
    _card("payment-failed", "Payment failed", "triggers", body="A renewal did not go through."),
    _card("recommendation-shelf", "Recommendation shelf", "content",
          body="A row of titles chosen for this reader.", items=("Because you read", "Popular")),
    _card("email", "Email", "channels", body="Arrives later; read on any device."),
    _card("habit", "Habit", "outcomes", body="Reading becomes a routine."),
    _card("time-to-first-value", "Time to first value", "measures",
          body="Minutes from sign-up to the first page read."),
    _card("level-function", "Tiny step", "levels", body="One rule on one screen."),
    _card("level-feature", "Small feature", "levels", body="A module a team owns."),
    _card("level-experience", "Whole journey", "levels", body="Several modules in sequence."),
    _card("level-product", "Own product", "levels", body="Sold or used on its own."),
    _card("level-portfolio", "Many products", "levels", body="A family of products."),
    _card("arguments-grid", "The argument grid", "arguments", layout="grid",
          items=("Delight readers", "Save readers time", "Grow the business", "Run leaner"),
          examples=("Helps readers ↔ Helps the company", "Adds value ↔ Removes effort")),
    _card("consent", "Consent and privacy", "risks", body="Do people know what we collect?"),
    _card("taxonomy-debt", "Taxonomy debt", "risks", body="Titles lack the tags we need."),
    _card("nurture", "Nurture", "recipes", body="Turn a browser into a reader.",
          recipe=(("who", ("new-visitor",)), ("when", ("first-session",)),
                  ("what", ("recommendation-shelf",)), ("where", ("email",)),
                  ("why", ("habit",)), ("measure", ("time-to-first-value",)))),
)

CATALOGUE = (
    CatalogueEntry("Welcome series", "Onboarding", "experience", "Email", "Three emails"),
    CatalogueEntry("Setup wizard", "Onboarding", "feature", "App"),
    CatalogueEntry("Because you read", "Recommendations", "feature", "App", None),
)

WORKBOOK_YAML = """\
title: Facilitator workbook
intro: A short guide for the person running the day.
anatomy: new-visitor
phases:
  - {id: kickstart, name: Kickstart, summary: Why and how big.}
  - {id: plan, name: Plan your work, summary: Recipes from cards.}
roles:
  - name: Facilitator
    count: "1"
    does: [Keeps time, Keeps the room honest]
participants:
  - {who: Product lead, why: Owns the roadmap.}
checklist:
  - when: Four weeks before
    items: [Book the room, Invite the team]
  - when: After
    items: [Send the photos]
materials:
  in_person: [Printed deck, Sticky notes]
  remote: [Whiteboard board, Card images]
agendas:
  - id: one-day
    title: One day
    days:
      - start: "09:00"
        slots:
          - {title: Welcome, minutes: 15}
          - {activity: size-it, minutes: 45}
          - {break: Lunch, minutes: 60}
          - {activity: write-recipes, minutes: 90}
activities:
  - id: size-it
    title: Size it
    phase: kickstart
    purpose: See how big each example is.
    grouping: Whole group
    materials: [Level cards]
    worksheet: sizing-ladder
    steps:
      - {do: Deal the level cards in a row., minutes: 5}
      - {do: Place each example on a level., minutes: 30}
    say: ["Where would our best work sit?"]
    categories: [levels]
    output: A wall of examples by size.
    pitfalls: [Arguing about one example for too long.]
  - id: write-recipes
    title: Write recipes
    phase: plan
    purpose: Combine cards into if-then recipes.
    steps:
      - {do: Pick an audience card., minutes: 10}
    cards: [nurture, new-visitor]
    categories: [audiences]
    output: Three recipes.
worksheets: [landscape, sizing-ladder, four-arguments, risk-register, recipe-builder,
             jtbd-pitch, effort-impact, dot-vote, roadmap, parking-lot, card-sort]
glossary:
  - {term: Recipe, definition: An if-then sentence built from cards.}
  - {term: Connected experience, definition: A moment that needs several systems.}
ladder: {category: levels, ids: [function, feature, experience, product, portfolio]}
risk-register: risks
anatomy_parts:
  - {element: band, name: Category band, note: Which question the card answers.}
  - {element: title, name: Title}
  - {element: flow.body, name: Body}
  - {element: flow.prompts, name: Prompts}
  - {element: footer, name: Footer and id}
recipe:
  - {role: who, word: IF, label: Audience}
  - {role: when, word: AND, label: Trigger}
  - {role: what, word: THEN, label: Content}
  - {role: where, word: VIA, label: Channel}
  - {role: why, word: SO THAT, label: Outcome}
  - {role: measure, word: MEASURE, label: Measure}
  - {role: measure, word: GUARDRAIL, label: must not get worse, guardrail: true}
sections:
  catalogue: {title: Interaction catalogue, columns: [Interaction]}
sheets:
  landscape: {title: Landscape of connected experience}
  four-arguments: {title: Four arguments}
  risk-register: {title: Gap and risk register}
"""


def load_workbook(text: str = WORKBOOK_YAML) -> Workbook:
    diags = Diagnostics()
    node = yamlsrc.parse_yaml(text, Path("workbook.yaml"), diags)
    assert node is not None, diags.format()
    workbook = parse_workbook(node, diags)
    assert workbook is not None and not diags, diags.format()
    return workbook


def make_deck(workbook: Workbook | None = None, cards: tuple[Card, ...] = CARDS) -> Deck:
    return Deck(
        root=Path("."), title="Test Deck", subtitle="Cards for a test workshop", edition="1.0",
        language="en",
        card=CardSpec("poker", mm(63.5), mm(88.9), mm(3), mm(3)),
        paper="a4",
        brand=Brand("Pagewise", None, {"primary": parse_color("#1F3A5F")}, {}),
        categories=CATEGORIES, cards=cards, catalogue=CATALOGUE, workbook=workbook,
    )


@dataclass
class FakeFace:
    """Draws a card the way a layout would: band, title, body, prompts, id footer."""

    card: Card | None
    category: Category
    width: float = mm(63.5)
    height: float = mm(88.9)
    bleed: float = mm(3)
    form_key: str | None = None

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        color = self.category.color
        canvas.saveState()
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(x - self.bleed, y - self.bleed, self.width + 2 * self.bleed,
                    self.height + 2 * self.bleed, stroke=0, fill=1)
        canvas.setFillColorRGB(*color.rgb)
        canvas.rect(x - self.bleed, y + self.height - mm(12), self.width + 2 * self.bleed,
                    mm(12) + self.bleed, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont("Lato-Bold", 7)
        canvas.drawString(x + mm(4), y + self.height - mm(8), self.category.name.upper())
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        if self.card is not None:
            canvas.setFont("Lato-Black", 13)
            canvas.drawString(x + mm(4), y + self.height - mm(22), self.card.title)
            canvas.setFont("Lato-Regular", 8)
            if self.card.body:
                canvas.drawString(x + mm(4), y + self.height - mm(32), self.card.body[:40])
            for i, prompt in enumerate(self.card.prompts):
                canvas.drawString(x + mm(4), y + mm(24) - i * mm(5), prompt[:40])
            canvas.setFont("Lato-Regular", 6)
            canvas.drawString(x + mm(4), y + mm(5), self.card.id)
        canvas.restoreState()


class FakeRenderer:
    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.fronts_drawn: list[str] = []

    def front(self, card: Card) -> FakeFace:
        self.fronts_drawn.append(card.id)
        return FakeFace(card, self.deck.category(card.category))

    def back(self, card: Card) -> FakeFace:
        cat = self.deck.category(card.category)
        return FakeFace(None, cat, form_key=f"back:{cat.id}")

    def blank(self, category: Category) -> FakeFace:
        return FakeFace(None, category, form_key=f"blank:{category.id}")

    def element_boxes(self, card: Card) -> dict[str, tuple[float, float, float, float]]:
        """Where FakeFace.draw puts each part, as the card drawer reports its elements."""
        w, h = mm(63.5), mm(88.9)
        boxes = {"band": (0.0, h - mm(12), w, h), "title": (mm(4), h - mm(23), w - mm(4),
                                                             h - mm(18)),
                 "footer": (mm(4), mm(4), w - mm(4), mm(7))}
        if card.body:
            boxes["flow.body"] = (mm(4), h - mm(33), w - mm(4), h - mm(29))
        if card.prompts:
            boxes["flow.prompts"] = (mm(4), mm(24) - len(card.prompts) * mm(5), w - mm(4),
                                     mm(27))
        return boxes


def build(deck: Deck, paper: str | None = None) -> bytes:
    out = io.BytesIO()
    write_workbook(deck, FakeRenderer(deck), out, paper=paper)
    return out.getvalue()


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return build(make_deck(load_workbook()))


@pytest.fixture(scope="module")
def reader(full_pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(full_pdf))


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)  # type: ignore[attr-defined]

    walk(reader.outline)
    return titles


def bookmarked_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    """Outline title -> index of the page it points to."""
    pages: dict[str, int] = {}

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages[item.title] = reader.get_destination_page_number(item)  # type: ignore

    walk(reader.outline)
    return pages


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# Tests


def test_every_section_has_a_bookmark(reader: pypdf.PdfReader) -> None:
    titles = outline_titles(reader)
    for section in ("Cover", "Contents", "How to use the deck", "Roles and participants",
                    "Planning checklist", "Materials", "Agenda", "One day", "Kickstart",
                    "Size it", "Plan your work", "Write recipes", "Worksheets",
                    "Card reference", "Interaction catalogue", "Glossary"):
        assert section in titles, section


def toc_lines(pdf: bytes, page_index: int) -> dict[str, int]:
    """Each contents line as its title and the page number printed on the same line."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        page = doc[page_index]
        textpage = page.get_textpage()
        width = page.get_width()
        lines: dict[str, int] = {}
        for i in range(textpage.count_rects()):
            _, bottom, _, top = textpage.get_rect(i)
            row = textpage.get_text_bounded(0, bottom + 1, width, top - 1)
            match = re.fullmatch(r"([^.]+?)[\s.]*(\d+)", squash(row).strip())
            if match:
                lines[match.group(1).strip()] = int(match.group(2))
        return lines
    finally:
        doc.close()


def test_contents_lists_sections_with_their_page_numbers(full_pdf: bytes,
                                                         reader: pypdf.PdfReader) -> None:
    texts = page_texts(reader)
    lines = toc_lines(full_pdf, 1)
    for section in ("How to use the deck", "Agenda", "Size it", "Worksheets", "Four arguments",
                    "Card reference", "Glossary"):
        assert section in lines, f"{section} missing from contents"
        page = lines[section]
        assert section in squash(texts[page - 1]), f"{section} is not on page {page}"


def test_card_reference_shows_every_card(reader: pypdf.PdfReader) -> None:
    texts = page_texts(reader)
    start = next(i for i, t in enumerate(texts) if "All 17 cards" in t)
    reference = squash(" ".join(texts[start:]))
    for card in CARDS:
        assert card.id in reference, card.id
        assert card.title in reference, card.title


def test_recipe_cards_spell_out_their_ingredients(reader: pypdf.PdfReader) -> None:
    text = squash(" ".join(page_texts(reader)))
    # One labelled line per ingredient; ids that only repeat the title are left out.
    assert ("IF New visitor AND First session THEN Recommendation shelf VIA Email "
            "SO THAT Habit MEASURE Time to first value") in text


def test_recipe_ingredients_show_ids_that_differ_from_their_titles() -> None:
    happier = _card("satisfaction", "Happier reader", "outcomes", body="Reads more, likes it.")
    kept = (replace(card, recipe=tuple((role, ("satisfaction",) if role == "why" else ids)
                                       for role, ids in card.recipe))
            for card in CARDS if card.id != "habit")
    cards = (*kept, happier)
    text = squash(" ".join(page_texts(pypdf.PdfReader(io.BytesIO(
        build(make_deck(load_workbook(), cards)))))))
    assert "VIA Email SO THAT Happier reader (satisfaction) MEASURE Time to first value" in text


def test_worksheets_use_the_decks_own_labels(reader: pypdf.PdfReader) -> None:
    texts = [squash(t) for t in page_texts(reader)]
    pages = bookmarked_pages(reader)

    def sheet(title: str) -> str:
        return texts[pages[title]]

    ladder = sheet("Sizing ladder")
    for level in ("Tiny step", "Small feature", "Whole journey", "Own product", "Many products"):
        assert level in ladder
    grid = sheet("Four arguments")
    for label in ("Helps readers", "Helps the company", "Adds value", "Removes effort",
                  "Delight readers", "Run leaner"):
        assert label in grid
    recipe = sheet("Recipe builder")
    for word in ("IF", "AND", "THEN", "VIA", "SO THAT", "MEASURE", "GUARDRAIL", "Audiences",
                 "Triggers"):
        assert word in recipe
    assert "Consent and privacy" in sheet("Gap and risk register")
    for title in ("Landscape of connected experience", "Jobs-to-be-done pitch",
                  "Effort and impact", "Dot-vote tally", "Roadmap", "Parking lot",
                  "Co-create the cards"):
        assert sheet(title)


def test_wide_worksheets_are_landscape_pages(reader: pypdf.PdfReader) -> None:
    pages = bookmarked_pages(reader)

    def wide(title: str) -> bool:
        box = reader.pages[pages[title]].mediabox
        return float(box.width) > float(box.height)

    for title in ("Landscape of connected experience", "Sizing ladder", "Gap and risk register",
                  "Effort and impact", "Roadmap"):
        assert wide(title), title
    for title in ("Four arguments", "Recipe builder", "Parking lot", "Card reference"):
        assert not wide(title), title


def test_activity_spread_has_steps_minutes_and_cards(reader: pypdf.PdfReader) -> None:
    texts = [squash(t) for t in page_texts(reader)]
    start = next(i for i, t in enumerate(texts) if "KICKSTART · ACTIVITY 1 OF 1" in t)
    assert start % 2 == 1, "an activity starts on a left-hand (even) page"
    spread = texts[start] + texts[start + 1]
    for expected in ("See how big each example is.", "Whole group", "Deal the level cards",
                     "30 min", "One day: 45 min", "Where would our best work sit?",
                     "Tiny step", "A wall of examples by size.", "Arguing about one example"):
        assert expected in spread, expected


def test_agenda_has_real_clock_times(reader: pypdf.PdfReader) -> None:
    text = squash(" ".join(page_texts(reader)))
    assert "09:00–09:15" in text and "09:15–10:00" in text and "11:00–12:30" in text
    assert "Day 1 · 09:00–12:30" in text


def test_anatomy_labels_the_parts_of_a_real_card(reader: pypdf.PdfReader) -> None:
    text = squash(" ".join(page_texts(reader)[:6]))
    for part in ("Category band", "Title", "Body", "Prompts", "Footer and id"):
        assert part in text


def test_all_fonts_are_embedded_truetype(full_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(full_pdf))
    seen: set[str] = set()

    def fonts_of(resources: object, depth: int = 0) -> None:
        if not isinstance(resources, dict) or depth > 4:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            seen.add(str(font["/BaseFont"]))
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            fonts_of(xobj.get("/Resources"), depth + 1)

    for page in reader.pages:
        fonts_of(page.get("/Resources"))
    assert seen
    assert not any("Helvetica" in name or "Times" in name or "Courier" in name for name in seen)


def test_same_input_gives_the_same_bytes(full_pdf: bytes) -> None:
    assert build(make_deck(load_workbook())) == full_pdf


def test_letter_paper(reader: pypdf.PdfReader) -> None:
    pdf = pypdf.PdfReader(io.BytesIO(build(make_deck(load_workbook()), paper="letter")))
    box = pdf.pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert round(float(reader.pages[1].mediabox.width)) == 595


def test_a_deck_without_workbook_yaml_still_gets_a_workbook() -> None:
    pdf = pypdf.PdfReader(io.BytesIO(build(make_deck(None))))
    titles = outline_titles(pdf)
    # Sheets that need deck data appear when the cards supply it (families, roles, a card on
    # the grid layout); levels and risks are declared in workbook.yaml, so they stay out.
    for section in ("Cover", "How to use the deck", "Worksheets", "Co-create the cards",
                    "Recipe builder", "Two-by-two grid", "Landscape of examples",
                    "Effort and impact", "Dot-vote tally", "Parking lot", "Card reference",
                    "Catalogue"):
        assert section in titles, section
    for absent in ("Agenda", "Glossary", "Planning checklist", "Sizing ladder", "Risk register",
                   "Jobs-to-be-done pitch", "Roadmap", "Interaction catalogue"):
        assert absent not in titles, absent
    text = squash(" ".join(page_texts(pdf)))
    for cat in CATEGORIES:
        assert cat.question in text


def test_a_generic_deck_gets_generic_sheets() -> None:
    cards = tuple(c for c in CARDS if c.category in ("audiences", "triggers"))
    cats = tuple(replace(c, role=None) for c in CATEGORIES[:2])
    deck = replace(make_deck(None, cards), categories=cats, catalogue=())
    pdf = pypdf.PdfReader(io.BytesIO(build(deck)))
    titles = outline_titles(pdf)
    assert "Co-create the cards" in titles and "Dot-vote tally" in titles
    assert "Recipe builder" not in titles and "Two-by-two grid" not in titles
    assert "Risk register" not in titles
    assert "Landscape of examples" not in titles
    assert "Catalogue" not in titles


def test_each_card_face_is_made_once_and_drawn_once_per_pass(full_pdf: bytes) -> None:
    deck = make_deck(load_workbook())
    renderer = FakeRenderer(deck)
    write_workbook(deck, renderer, io.BytesIO())
    assert sorted(renderer.fronts_drawn) == sorted({c.id for c in CARDS})
    reader = pypdf.PdfReader(io.BytesIO(full_pdf))
    forms: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        xobjects = resources.get("/XObject") or {}
        forms.update(name for name in xobjects if name.startswith("/FormXob.card"))
    assert len(forms) >= len(CARDS)


def test_writes_to_a_path(tmp_path: Path) -> None:
    deck = make_deck(load_workbook())
    target = tmp_path / "workbook.pdf"
    write_workbook(deck, FakeRenderer(deck), target)
    assert target.read_bytes().startswith(b"%PDF")


def test_unknown_paper_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="paper"):
        build(make_deck(None), paper="a3")



def fonts_of(reader: pypdf.PdfReader, text: str) -> set[str]:
    """The base fonts that pieces of page text equal to `text` are set in."""
    found: set[str] = set()

    def visit(piece: str, _cm: object, _tm: object, font: Any, _size: object) -> None:
        if piece.strip() == text and font is not None:
            found.add(str(font["/BaseFont"]).split("+")[-1])

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return found


def test_user_text_reaches_the_workbook_verbatim() -> None:
    odd = _card("odd", "R&D <beta>", "audiences", body="Q&A: x < y & z > w; <b>not a tag</b>",
                items=("Tom & Jerry",), prompts=("Is 2 < 3?",), subtitle="<i>still</i> & text",
                examples=("A&B",))
    deck = replace(make_deck(load_workbook(), (*CARDS, odd)), title="R&D <beta> & more")
    text = squash(" ".join(page_texts(pypdf.PdfReader(io.BytesIO(build(deck))))))
    for shown in ("R&D <beta>", "Q&A: x < y & z > w; <b>not a tag</b>", "Tom & Jerry",
                  "Is 2 < 3?", "<i>still</i> & text", "A&B", "R&D <beta> & more"):
        assert shown in text, shown
    assert "&amp;" not in text and "&lt;" not in text


def test_emphasis_in_the_workbook_is_read_as_the_cards_read_it() -> None:
    card = _card("marked", "Marked **up**", "audiences",
                 body="plain *slanted* then **heavy** and \\*starred\\*",
                 items=("*a **b* c**",))
    pdf = pypdf.PdfReader(io.BytesIO(build(make_deck(load_workbook(), (*CARDS, card)))))
    text = squash(" ".join(page_texts(pdf)))
    assert "plain slanted then heavy and *starred*" in text
    assert "a b c" in text  # markers that do not pair up are read as the card drawer reads them
    assert fonts_of(pdf, "slanted") == {"Lato-Italic"}
    assert fonts_of(pdf, "heavy") == {"Lato-Bold"}
    assert fonts_of(pdf, "a b c") == {"Lato-Italic"}


# The built-in deck, with its own workbook.yaml and the real card drawer, on Letter paper


@pytest.fixture(scope="module")
def builtin_letter() -> bytes:
    deck = load_deck(BUILTIN)
    out = io.BytesIO()
    write_workbook(deck, CardRenderer(deck), out, paper="letter")
    return out.getvalue()


def toc_entries(pdf: bytes, pages: range) -> list[tuple[str, int]]:
    """The contents lines, in order, as (title, printed page number)."""
    doc = pypdfium2.PdfDocument(pdf)
    entries: list[tuple[str, int]] = []
    try:
        for index in pages:
            page = doc[index]
            textpage = page.get_textpage()
            rows: list[str] = []
            for i in range(textpage.count_rects()):
                _, bottom, _, top = textpage.get_rect(i)
                row = squash(textpage.get_text_bounded(0, bottom + 1, page.get_width(), top - 1))
                if not rows or rows[-1] != row:
                    rows.append(row)
            for row in rows:
                if match := re.fullmatch(r"([^.]+?)[\s.]*(\d+)", row.strip()):
                    entries.append((match.group(1).strip(), int(match.group(2))))
    finally:
        doc.close()
    return entries


def outline_in_order(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """Every outline entry in document order as (title, 1-based page number)."""
    found: list[tuple[str, int]] = []

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title,  # type: ignore[attr-defined]
                              reader.get_destination_page_number(item) + 1))  # type: ignore

    walk(reader.outline)
    return found


def test_contents_on_letter_fits_and_every_entry_points_at_its_page(
        builtin_letter: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(builtin_letter))
    outline = outline_in_order(reader)
    pages = dict(outline)
    first_section = outline[outline.index(("Contents", pages["Contents"])) + 1][1]
    toc_pages = range(pages["Contents"] - 1, first_section - 1)
    assert len(toc_pages) == 1, "the contents fit on one page"
    entries = toc_entries(builtin_letter, toc_pages)
    assert len(entries) > 20
    assert entries[-1][0] == "Glossary"
    position = 0
    for title, page in entries:
        # Titles repeat (an activity and its worksheet): match them in order.
        position = next(i for i in range(position, len(outline)) if outline[i][0] == title)
        assert outline[position][1] == page, f"{title}: contents say {page}"
        position += 1


def test_no_glyph_is_missing(full_pdf: bytes, builtin_letter: bytes) -> None:
    # A character the chosen face lacks is drawn as nothing and extracted as NUL.
    for pdf in (full_pdf, builtin_letter):
        for number, text in enumerate(page_texts(pypdf.PdfReader(io.BytesIO(pdf))), 1):
            assert "\x00" not in text and "\ufffd" not in text, f"page {number}: {text[:200]!r}"



def test_sizing_ladder_shows_each_level_without_cutting_it(builtin_letter: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(builtin_letter))
    ladder = squash(page_texts(reader)[bookmarked_pages(reader)["Sizing ladder"]])
    assert "…" not in ladder
    for card in load_deck(BUILTIN).cards_in("levels"):
        assert card.body and squash(card.body).split(". ")[0] in ladder, card.id


def test_catalogue_channels_print_as_written_in_whole_words() -> None:
    # Channels are the titles of Channels cards, printed as the deck writes them.
    catalogue = (CatalogueEntry("Text reminder", "Messaging", "function", "SMS", "A nudge"),
                 CatalogueEntry("Trial journey", "Messaging", "experience", "Multi-channel"),
                 CatalogueEntry("Team rollout", "Messaging", "portfolio", "Organization"))
    # `levels:` maps the catalogue's level ids onto the names of the deck's level cards.
    deck = replace(make_deck(load_workbook()), catalogue=catalogue)
    text = squash(" ".join(page_texts(pypdf.PdfReader(io.BytesIO(build(deck))))))
    assert "Text reminder Tiny step SMS A nudge" in text
    assert "Multi-channel" in text and "Organization" in text


def test_get_ready_pulls_each_card_once(reader: pypdf.PdfReader) -> None:
    texts = [squash(t) for t in page_texts(reader)]
    opener = texts[bookmarked_pages(reader)["Plan your work"]]
    assert "Pull every card of: Audiences (2)." in opener
    # New visitor is an audience: pulled with its category, not listed again.
    assert "Pull these cards too: Nurture." in opener


def test_the_builtin_workbook_names_cards_by_their_codes(builtin_letter: bytes) -> None:
    deck = load_deck(BUILTIN)
    reader = pypdf.PdfReader(io.BytesIO(builtin_letter))
    texts = [squash(t) for t in page_texts(reader)]
    pages = bookmarked_pages(reader)
    reference = " ".join(texts[pages["Card reference"]:])
    for card in deck.cards:
        assert f"{card.title} " in reference and deck.reference(card) in reference, card.id
    # A recipe's second measure is its guardrail, not an alternative.
    assert ("MEASURE Recovery rate (ME-07) GUARDRAIL Opt-out rate (ME-09)"
            in reference), reference
    # The catalogue gives the code of the Channels card (and of the Levels card) it names.
    catalogue = " ".join(texts[pages["Interaction catalogue"]:])
    assert "Welcome email series Feature LV-02 Email CH-05" in catalogue
    # The category legend gives each category's range of codes.
    legend = texts[pages["The categories"]] if "The categories" in pages else " ".join(texts[:6])
    assert "13 AU-01 – AU-13" in legend, legend
    # Filled-in worksheets are written with codes, as the instructions ask.
    everything = " ".join(texts)
    assert "Write card codes, such as AU-01, in the boxes" in everything
    example = next(t for t in texts if "A recipe, filled in" in t)
    assert "AU-07" in example and "at-risk-subscriber" not in example


def test_the_remote_agenda_lists_the_remote_kit_not_printed_materials(
        builtin_letter: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(builtin_letter))
    texts = [squash(t) for t in page_texts(reader)]
    remote = [t for t in texts if "Remote, five sessions · Session" in t and "MATERIALS" in t]
    assert remote
    joined = " ".join(remote)
    remote_part = joined[joined.index("Remote, five sessions · Session"):]
    assert "The Four arguments frame, card images: Arguments" in remote_part
    for printed in ("flip chart", "A3", "one deck per table"):
        assert printed not in remote_part, printed


def test_each_activity_is_one_spread_on_letter(builtin_letter: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(builtin_letter))
    outline = outline_in_order(reader)
    workbook = load_deck(BUILTIN).workbook
    assert workbook is not None
    titles = [title for title, _ in outline]
    for phase in workbook.phases:
        acts = [a for a in workbook.activities if a.phase == phase.id]
        start = titles.index(phase.name)
        pages = []
        for act in acts:  # the first entry after the phase: worksheets repeat some titles
            start = titles.index(act.title, start)
            pages.append(outline[start][1])
        assert all(page % 2 == 0 for page in pages), (phase.name, pages)
        # Two pages each: a spread that spilled would push the next one on by a notes page.
        assert [b - a for a, b in itertools.pairwise(pages)] == [2] * (len(pages) - 1), pages


def test_cover_names_the_deck_once_when_the_brand_is_the_deck() -> None:
    deck = make_deck(load_workbook())
    unbranded = replace(deck, brand=replace(deck.brand, name=deck.title))
    cover = pypdf.PdfReader(io.BytesIO(build(unbranded))).pages[0].extract_text()
    assert cover.count("Test Deck") == 1
    branded = pypdf.PdfReader(io.BytesIO(build(deck))).pages[0].extract_text()
    assert branded.count("Pagewise") == 2  # at the top and at the foot
