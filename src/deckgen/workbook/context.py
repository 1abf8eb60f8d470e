"""Workbook context: takes a deck and the card drawer, gives paper, palette, styles and faces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from deckgen.deck.model import Card, Category, Deck
from deckgen.deck.workbook_model import Workbook
from deckgen.draw.faces import Face
from deckgen.i18n import word
from deckgen.units import WHITE, Color, mm
from deckgen.workbook.typeset import Fonts, deck_fonts, hyphenation_lang, paragraph

Flowables = list[Flowable]


class CardFaces(Protocol):
    """What the workbook needs from the card drawer (deckgen.draw.renderer.CardRenderer)."""

    def front(self, card: Card) -> Face: ...

    def back(self, card: Card) -> Face: ...

    def blank(self, category: Category) -> Face: ...

    def element_boxes(self, card: Card) -> dict[str, tuple[float, float, float, float]]:
        """Where each element of the card's front drew: (left, bottom, right, top) points."""
        ...


# Paper and page geometry

PAPERS = {"a4": A4, "letter": LETTER}
MARGIN_X = mm(20)
MARGIN_TOP = mm(24)
MARGIN_BOTTOM = mm(20)
GAP = mm(4)


@dataclass(frozen=True)
class Palette:
    primary: Color
    on_primary: Color  # text on a primary background
    text: Color
    muted: Color
    rule: Color
    tint: Color  # a pale wash of the primary colour for boxes
    faint: Color  # even paler, for alternate rows and write-in areas
    ink: Color  # the pen that fills in example worksheets


def make_palette(deck: Deck) -> Palette:
    primary = deck.color("primary", Color((0.12, 0.23, 0.37)))
    text = deck.color("text", Color((0.1, 0.1, 0.1)))
    on_primary = WHITE if primary.contrast(WHITE) >= 3 else text
    return Palette(
        primary=primary,
        on_primary=on_primary,
        text=text,
        muted=text.mix(WHITE, 0.42),
        rule=text.mix(WHITE, 0.78),
        tint=primary.mix(WHITE, 0.88),
        faint=primary.mix(WHITE, 0.95),
        # A ballpoint blue by default, so filled-in words never pass for printed ones.
        ink=deck.color("ink", Color((0.09, 0.30, 0.78))),
    )


def rl(color: Color) -> colors.Color:
    return colors.Color(*color.rgb)


@dataclass
class Styles:
    body: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    kicker: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    quote: ParagraphStyle
    bullet: ParagraphStyle
    check: ParagraphStyle
    card_title: ParagraphStyle
    caption: ParagraphStyle
    sheet_label: ParagraphStyle
    sheet_small: ParagraphStyle
    toc: list[ParagraphStyle]


def make_styles(fonts: Fonts, pal: Palette, language: str = "en") -> Styles:
    text, muted, primary = rl(pal.text), rl(pal.muted), rl(pal.primary)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        # A word too long for its cell breaks after a hyphen it has ("Push-" / "Benachrichtigung")
        # before it is cut anywhere.
        base: dict[str, Any] = dict(fontName=fonts.regular, fontSize=9.5, leading=13.5,
                                    textColor=text, bulletFontName=fonts.regular,
                                    spaceAfter=0, spaceBefore=0, embeddedHyphenation=1)
        base.update(kw)
        return ParagraphStyle(name, **base)

    body = style("body", spaceAfter=6)
    return Styles(
        body=body,
        lead=style("lead", fontSize=12, leading=17, spaceAfter=10),
        small=style("small", fontSize=8.5, leading=11.5, spaceAfter=3),
        tiny=style("tiny", fontSize=7, leading=9, textColor=muted),
        h1=style("h1", fontName=fonts.black, fontSize=24, leading=29, textColor=primary,
                 spaceAfter=10, keepWithNext=1),
        h2=style("h2", fontName=fonts.heading, fontSize=14, leading=18, textColor=primary,
                 spaceBefore=14, spaceAfter=6, keepWithNext=1),
        h3=style("h3", fontName=fonts.heading, fontSize=10.5, leading=14, spaceBefore=10,
                 spaceAfter=4, keepWithNext=1),
        kicker=style("kicker", fontName=fonts.bold, fontSize=8, leading=11, textColor=primary,
                     spaceAfter=2, keepWithNext=1),
        cell=style("cell", fontSize=8.5, leading=11.5),
        cell_bold=style("cell_bold", fontName=fonts.bold, fontSize=8.5, leading=11.5),
        cell_head=style("cell_head", fontName=fonts.bold, fontSize=7.5, leading=10,
                        textColor=muted),
        quote=style("quote", fontName=fonts.italic, fontSize=10, leading=14.5),
        bullet=style("bullet", leftIndent=11, bulletIndent=0, spaceAfter=3),
        check=style("check", leftIndent=15, bulletIndent=0, spaceAfter=4,
                    bulletFontName=fonts.fallback, bulletFontSize=10),
        card_title=style("card_title", fontName=fonts.heading, fontSize=9.5, leading=12),
        # Captions sit in narrow cells: a long name breaks at a hyphenation point, with a
        # hyphen, rather than wherever the cell ends ("AUTHENTICATIO" / "N").
        caption=style("caption", fontSize=6.5, leading=8, alignment=TA_CENTER,
                      hyphenationLang=hyphenation_lang(language)),
        sheet_label=style("sheet_label", fontName=fonts.heading, fontSize=10, leading=12.5),
        sheet_small=style("sheet_small", fontSize=7.5, leading=9.5, textColor=muted),
        toc=[
            style("toc0", fontName=fonts.heading, fontSize=10.5, leading=13.5, spaceBefore=5,
                  textColor=text),
            style("toc1", fontSize=9, leading=11.8, leftIndent=12, textColor=text),
        ],
    )


# Context shared by every section


class FaceCache:
    """Faces by card, made once: the renderer may do real work per face."""

    def __init__(self, renderer: CardFaces) -> None:
        self.renderer = renderer
        self._fronts: dict[str, Face] = {}
        self._blanks: dict[str, Face] = {}

    def front(self, card: Card) -> Face:
        if card.id not in self._fronts:
            self._fronts[card.id] = self.renderer.front(card)
        return self._fronts[card.id]

    def blank(self, category: Category) -> Face:
        if category.id not in self._blanks:
            self._blanks[category.id] = self.renderer.blank(category)
        return self._blanks[category.id]


@dataclass
class Context:
    deck: Deck
    wb: Workbook
    faces: FaceCache
    fonts: Fonts
    pal: Palette
    st: Styles
    page: tuple[float, float]
    keys: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, deck: Deck, renderer: CardFaces, paper: str) -> Context:
        if paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
        fonts = deck_fonts(deck)
        pal = make_palette(deck)
        return cls(deck, deck.workbook or Workbook(), FaceCache(renderer), fonts, pal,
                   make_styles(fonts, pal, deck.language), PAPERS[paper])

    @property
    def width(self) -> float:
        return self.page[0] - 2 * MARGIN_X

    def key(self) -> str:
        """A new bookmark key; numbered in story order so rebuilds give the same bytes."""
        self.keys.append(f"s{len(self.keys) + 1}")
        return self.keys[-1]

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return paragraph(word(self.deck, text), style or self.st.body, self.fonts)

    def w(self, text: str, **values: object) -> str:
        """An engine word in the deck's language (deckgen.i18n.word)."""
        return word(self.deck, text, **values)

    def title(self) -> str:
        return self.wb.title or self.w("Facilitator workbook")
