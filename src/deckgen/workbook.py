"""Workbook output: the facilitator workbook PDF, laid out with ReportLab Platypus."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    DocIf,
    Flowable,
    Frame,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from deckgen.faces import Face
from deckgen.fonts import FontError, FontFamily, load_family
from deckgen.fonts import coverage as font_coverage
from deckgen.images import placed_art
from deckgen.model import LEVEL_NAMES, Card, Category, Deck, slug
from deckgen.text import parse_inline
from deckgen.units import WHITE, Color, mm
from deckgen.workbook_model import (
    WORKSHEET_KINDS,
    Activity,
    Agenda,
    Phase,
    Slot,
    Workbook,
    WorksheetSpec,
)

Flowables = list[Flowable]


class CardFaces(Protocol):
    """What the workbook needs from the card drawer (deckgen.render.CardRenderer)."""

    def front(self, card: Card) -> Face: ...

    def back(self, card: Card) -> Face: ...

    def blank(self, category: Category) -> Face: ...


def write_workbook(deck: Deck, renderer: CardFaces, out: BinaryIO | str | Path, *,
                   paper: str | None = None) -> None:
    """Write the facilitator workbook of `deck` to `out` (a path or a binary file)."""
    ctx = _Context.create(deck, renderer, paper or deck.paper)
    doc = _WorkbookDoc(str(out) if isinstance(out, Path) else out, ctx)
    doc.multiBuild(_story(ctx))


# Fonts


@dataclass(frozen=True)
class _Fonts:
    regular: str  # body family
    bold: str
    italic: str
    bold_italic: str
    heading: str  # heading family, bold
    black: str  # heading family, heaviest
    fallback: str  # supplies glyphs the others lack
    covered: frozenset[str]  # characters the body face draws


def _fonts(deck: Deck) -> _Fonts:
    """The deck's brand fonts (Lato when unset or unusable), DejaVu Sans for missing glyphs."""
    heading = _family(deck, "heading")
    body = _family(deck, "body")
    fallback = load_family("DejaVu Sans")
    # Registered under the regular face's name so <b> and <i> in Paragraphs find the family.
    for family in (body, heading, fallback):
        pdfmetrics.registerFontFamily(family.regular, normal=family.regular, bold=family.bold,
                                      italic=family.italic, boldItalic=family.bold_italic)
    return _Fonts(regular=body.regular, bold=body.bold, italic=body.italic,
                  bold_italic=body.bold_italic, heading=heading.bold, black=heading.black,
                  fallback=fallback.regular, covered=_coverage(body.regular))


def _family(deck: Deck, role: str) -> FontFamily:
    ref = deck.brand.fonts.get(role)
    if ref is not None:
        try:
            return load_family(ref.spec, ref.base_dir)
        except FontError:
            pass  # the card drawer reports an unusable brand font; the workbook carries on
    return load_family("Lato")


def _coverage(font: str) -> frozenset[str]:
    try:
        return font_coverage(font)
    except KeyError:  # registered elsewhere: assume it draws everything
        return frozenset()


# Text


def _plain(text: str) -> str:
    """Text without the inline ** and * markers (for searching and for canvas strings)."""
    return "".join(span.text for span in parse_inline(text))


def _first_words(text: str, count: int) -> str:
    return " ".join(_plain(text).split()[:count])


# Paper and page geometry

_PAPERS = {"a4": A4, "letter": LETTER}
_MARGIN_X = mm(20)
_MARGIN_TOP = mm(24)
_MARGIN_BOTTOM = mm(20)
_GAP = mm(4)


@dataclass(frozen=True)
class _Palette:
    primary: Color
    on_primary: Color  # text on a primary background
    text: Color
    muted: Color
    rule: Color
    tint: Color  # a pale wash of the primary colour for boxes
    faint: Color  # even paler, for alternate rows and write-in areas


def _palette(deck: Deck) -> _Palette:
    primary = deck.color("primary", Color((0.12, 0.23, 0.37)))
    text = deck.color("text", Color((0.1, 0.1, 0.1)))
    on_primary = WHITE if primary.contrast(WHITE) >= 3 else text
    return _Palette(
        primary=primary,
        on_primary=on_primary,
        text=text,
        muted=text.mix(WHITE, 0.42),
        rule=text.mix(WHITE, 0.78),
        tint=primary.mix(WHITE, 0.88),
        faint=primary.mix(WHITE, 0.95),
    )


def _rl(color: Color) -> colors.Color:
    return colors.Color(*color.rgb)


@dataclass
class _Styles:
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


def _styles(fonts: _Fonts, pal: _Palette) -> _Styles:
    text, muted, primary = _rl(pal.text), _rl(pal.muted), _rl(pal.primary)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = dict(fontName=fonts.regular, fontSize=9.5, leading=13.5,
                                    textColor=text, bulletFontName=fonts.regular,
                                    spaceAfter=0, spaceBefore=0)
        base.update(kw)
        return ParagraphStyle(name, **base)

    body = style("body", spaceAfter=6)
    return _Styles(
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
        caption=style("caption", fontSize=6.5, leading=8, alignment=TA_CENTER),
        sheet_label=style("sheet_label", fontName=fonts.heading, fontSize=10, leading=12.5),
        sheet_small=style("sheet_small", fontSize=7.5, leading=9.5, textColor=muted),
        toc=[
            style("toc0", fontName=fonts.heading, fontSize=10.5, leading=13.5, spaceBefore=5,
                  textColor=text),
            style("toc1", fontSize=9, leading=11.8, leftIndent=12, textColor=text),
        ],
    )


def _para(text: str, style: ParagraphStyle, fonts: _Fonts, *, bold: bool = False,
          italic: bool = False, **kw: Any) -> Paragraph:
    return Paragraph(_markup(text, fonts, bold=bold, italic=italic), style, **kw)


def _markup(text: str, fonts: _Fonts, *, bold: bool = False, italic: bool = False) -> str:
    """Paragraph markup for user text: escaped, **bold**, *italic*, DejaVu for missing glyphs.

    The markers are read by the card drawer's parser, so the workbook shows the same emphasis as
    the cards and the tags always nest, whatever the markers; `bold`/`italic` apply throughout.
    """
    out = []
    for span in parse_inline(text, bold, italic):
        chunk = _with_fallback(span.text, fonts)
        if span.italic:
            chunk = f"<i>{chunk}</i>"
        if span.bold:
            chunk = f"<b>{chunk}</b>"
        out.append(chunk)
    return "".join(out).replace("\n", "<br/>")


def _covered(ch: str, covered: frozenset[str]) -> bool:
    return not covered or ch in covered or ch.isspace()


def _with_fallback(text: str, fonts: _Fonts) -> str:
    """Plain text escaped for a Paragraph, with the glyphs the body face lacks from DejaVu."""
    if all(_covered(ch, fonts.covered) for ch in text):
        return escape(text)
    parts = []
    for ch in text:
        if _covered(ch, fonts.covered):
            parts.append(escape(ch))
        else:
            parts.append(f'<font name="{fonts.fallback}">{escape(ch)}</font>')
    return "".join(parts)


def _runs(text: str, font: str, fonts: _Fonts) -> list[tuple[str, str]]:
    """Split text into (font, chunk) runs so that canvas strings never lose a glyph."""
    runs: list[tuple[str, str]] = []
    covered = _coverage(font)
    for ch in text:
        name = font if _covered(ch, covered) else fonts.fallback
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def _text_width(text: str, font: str, size: float, fonts: _Fonts) -> float:
    runs = _runs(text, font, fonts)
    return float(sum(pdfmetrics.stringWidth(chunk, name, size) for name, chunk in runs))


def _draw_text(c: Canvas, x: float, y: float, text: str, font: str, size: float, fonts: _Fonts,
               align: str = "left") -> None:
    width = _text_width(text, font, size, fonts)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for name, chunk in _runs(text, font, fonts):
        c.setFont(name, size)
        c.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, name, size)


def _fit_text(text: str, font: str, size: float, width: float, fonts: _Fonts) -> str:
    """The text, shortened with an ellipsis when it is wider than `width` (labels on sheets)."""
    if _text_width(text, font, size, fonts) <= width:
        return text
    while text and _text_width(text + "…", font, size, fonts) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# Context shared by every section


class _FaceCache:
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
class _Context:
    deck: Deck
    wb: Workbook
    faces: _FaceCache
    fonts: _Fonts
    pal: _Palette
    st: _Styles
    page: tuple[float, float]
    keys: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, deck: Deck, renderer: CardFaces, paper: str) -> _Context:
        if paper not in _PAPERS:
            raise ValueError(f"paper must be one of {', '.join(_PAPERS)}, not {paper!r}")
        fonts = _fonts(deck)
        pal = _palette(deck)
        return cls(deck, deck.workbook or Workbook(), _FaceCache(renderer), fonts, pal,
                   _styles(fonts, pal), _PAPERS[paper])

    @property
    def width(self) -> float:
        return self.page[0] - 2 * _MARGIN_X

    def key(self) -> str:
        """A new bookmark key; numbered in story order so rebuilds give the same bytes."""
        self.keys.append(f"s{len(self.keys) + 1}")
        return self.keys[-1]

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return _para(text, style or self.st.body, self.fonts)

    def title(self) -> str:
        return self.wb.title or "Facilitator workbook"


# Headings, bookmarks, running header


class _Heading(Paragraph):  # type: ignore[misc]
    """A heading that becomes a bookmark, an outline entry and (optionally) a TOC line."""

    def __init__(self, text: str, style: ParagraphStyle, ctx: _Context, *, level: int,
                 outline: str | None = None, toc: bool = True, markup: str | None = None,
                 swatch: Color | None = None) -> None:
        self.swatch = swatch
        if swatch is not None:  # room for the square before the text
            style = ParagraphStyle(f"{style.name}-swatch", parent=style,
                                   leftIndent=style.leftIndent + self._swatch_room(style))
        super().__init__(markup or _markup(text, ctx.fonts), style)
        self.outline = _plain(outline or text)
        self.level = level
        self.toc = toc
        self.key = ctx.key()

    @staticmethod
    def _swatch_room(style: ParagraphStyle) -> float:
        return float(style.fontSize) * 0.72 + mm(2.5)

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, self.height + self.style.fontSize)
        super().draw()
        if self.swatch is not None:
            # A drawn square, not a glyph: no text face needs to carry one.
            side = self.style.fontSize * 0.72
            baseline = self.height - self.style.fontSize
            self.canv.saveState()
            self.canv.setFillColor(_rl(self.swatch))
            self.canv.roundRect(self.style.leftIndent - self._swatch_room(self.style), baseline,
                                side, side, 1, stroke=0, fill=1)
            self.canv.restoreState()


class _Mark(Flowable):  # type: ignore[misc]
    """An invisible heading: an outline entry for a page drawn on the canvas (the cover)."""

    _ZEROSIZE = 1

    def __init__(self, outline: str, ctx: _Context, level: int = 0, toc: bool = False) -> None:
        super().__init__()
        self.outline = outline
        self.level = level
        self.toc = toc
        self.key = ctx.key()

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)


class _WorkbookDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, out: BinaryIO | str, ctx: _Context) -> None:
        super().__init__(
            out, pagesize=ctx.page, invariant=1, title=f"{ctx.deck.title}: {ctx.title()}",
            author=ctx.deck.brand.name, subject=ctx.title(), creator="deckgen",
            leftMargin=_MARGIN_X, rightMargin=_MARGIN_X, topMargin=_MARGIN_TOP,
            bottomMargin=_MARGIN_BOTTOM, initialFontName=ctx.fonts.regular,
        )
        self.ctx = ctx
        self.section = ""
        self.addPageTemplates(_page_templates(ctx))

    def beforeDocument(self) -> None:
        self.section = ""

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, _Heading | _Mark):
            return
        self.canv.addOutlineEntry(flowable.outline, flowable.key, level=flowable.level,
                                  closed=flowable.level > 0 or None)
        if flowable.toc:
            self.notify("TOCEntry", (flowable.level, escape(flowable.outline), self.page,
                                     flowable.key))
        if flowable.level == 0:
            self.section = flowable.outline


def _page_templates(ctx: _Context) -> list[PageTemplate]:
    w, h = ctx.page
    lw, lh = landscape(ctx.page)

    def frame(name: str, width: float, height: float) -> Frame:
        return Frame(_MARGIN_X, _MARGIN_BOTTOM, width - 2 * _MARGIN_X,
                     height - _MARGIN_TOP - _MARGIN_BOTTOM, id=name, leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0)

    def furniture(canvas: Canvas, doc: _WorkbookDoc) -> None:
        _draw_furniture(canvas, doc, ctx)

    def cover(canvas: Canvas, doc: _WorkbookDoc) -> None:
        _draw_cover(canvas, ctx)

    # The cover's frame holds only the invisible bookmark; the page is drawn on the canvas.
    return [
        PageTemplate("cover", [frame("cover", w, h)], onPage=cover, pagesize=(w, h)),
        PageTemplate("body", [frame("body", w, h)], onPageEnd=furniture, pagesize=(w, h)),
        PageTemplate("landscape", [frame("landscape", lw, lh)], onPageEnd=furniture,
                     pagesize=(lw, lh)),
    ]


def _draw_furniture(c: Canvas, doc: _WorkbookDoc, ctx: _Context) -> None:
    """Running header (deck, brand, section) and page number, drawn when the page is done."""
    w, h = c._pagesize
    fonts, pal = ctx.fonts, ctx.pal
    c.saveState()
    top = h - _MARGIN_TOP + mm(9)
    x = _MARGIN_X
    drawn = (_draw_logo(c, ctx.deck.brand.logo, x, top - 1.5, mm(16), mm(4.5))
             if ctx.deck.brand.logo is not None else None)
    if drawn is not None:
        x += drawn + mm(3)
    c.setFillColor(_rl(pal.primary))
    left = ctx.deck.title.upper()
    if ctx.deck.brand.name and ctx.deck.brand.name.lower() not in ctx.deck.title.lower():
        left += "  ·  " + ctx.deck.brand.name
    section = doc.section
    right_room = w - _MARGIN_X - x - _text_width(left, fonts.bold, 7, fonts) - mm(10)
    _draw_text(c, x, top, left, fonts.bold, 7, fonts)
    c.setFillColor(_rl(pal.muted))
    _draw_text(c, w - _MARGIN_X, top, _fit_text(section, fonts.regular, 7.5, right_room, fonts),
               fonts.regular, 7.5, fonts, align="right")
    c.setStrokeColor(_rl(pal.rule))
    c.setLineWidth(0.5)
    c.line(_MARGIN_X, top - mm(2.5), w - _MARGIN_X, top - mm(2.5))
    page = c.getPageNumber()
    # Page numbers sit on the outer edge, as in a printed booklet (odd pages on the right).
    c.setFillColor(_rl(pal.text))
    if page % 2:
        _draw_text(c, w - _MARGIN_X, mm(11), str(page), fonts.bold, 8.5, fonts, align="right")
    else:
        _draw_text(c, _MARGIN_X, mm(11), str(page), fonts.bold, 8.5, fonts)
    c.restoreState()


# The largest place the logo appears (the cover); every use shares one image resampled for it,
# so the PDF embeds the logo once, at print resolution, whatever the size of the source file.
_LOGO_BOX = (mm(45), mm(14))


def _draw_logo(c: Canvas, path: Path, x: float, y: float, width: float,
               height: float) -> float | None:
    """Draw the brand logo fitted in a box with its lower-left at (x, y); its drawn width."""
    try:
        image = placed_art(path, *_LOGO_BOX)
        w, h = image.fit_size(width, height)
        image.draw(c, x, y, w, h)
    except Exception:  # a logo ReportLab cannot read is the loader's to report, not a crash here
        return None
    return float(w)


# The story


def _story(ctx: _Context) -> Flowables:
    sections: list[Callable[[_Context], Flowables]] = [
        _cover, _contents, _how_to_use, _roles, _checklist, _materials, _agendas,
        _activities, _worksheets, _card_reference, _catalogue, _glossary,
    ]
    story: Flowables = []
    for section in sections:
        story += section(ctx)
    return story


def _new_page(template: str = "body") -> Flowables:
    return [NextPageTemplate(template), PageBreak()]


def _section(ctx: _Context, title: str, kicker: str | None = None,
             intro: str | None = None) -> Flowables:
    out = _new_page()
    if kicker:
        out.append(ctx.p(kicker.upper(), ctx.st.kicker))
    out.append(_Heading(title, ctx.st.h1, ctx, level=0))
    if intro:
        out.append(ctx.p(intro, ctx.st.lead))
    return out


def _sub(ctx: _Context, title: str, level: int = 1, toc: bool = True) -> _Heading:
    return _Heading(title, ctx.st.h2, ctx, level=level, toc=toc)


def _bullets(ctx: _Context, items: Iterable[str], style: ParagraphStyle | None = None,
             bullet: str = "•") -> Flowables:
    st = style or ctx.st.bullet
    return [Paragraph(_markup(item, ctx.fonts), st, bulletText=bullet) for item in items]


# A long table's last rows stay together, so its last page never holds just a row or two.
_NO_ORPHAN_END = ("NOSPLIT", (0, -4), (-1, -1))


def _table(rows: list[list[Any]], widths: Sequence[float], ctx: _Context,
           extra: Sequence[tuple[Any, ...]] = (), header: bool = True) -> Table:
    """A booklet table: light rules between rows, a muted header, no vertical lines."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, _rl(ctx.pal.rule)),
    ]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.9, _rl(ctx.pal.primary)))
    commands.extend(extra)
    return Table(rows, colWidths=list(widths), style=TableStyle(commands),
                 repeatRows=1 if header else 0, hAlign="LEFT")


# Cover and contents


def _cover(ctx: _Context) -> Flowables:
    return [_Mark("Cover", ctx)]


def _draw_cover(c: Canvas, ctx: _Context) -> None:
    deck, fonts, pal = ctx.deck, ctx.fonts, ctx.pal
    w, h = c._pagesize
    band_bottom = h * 0.42
    c.saveState()
    c.setFillColor(_rl(pal.primary))
    c.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
    x, width = mm(22), w - mm(44)
    brand_y = h - mm(30)
    # The brand's name only where it adds something: it defaults to the deck's title.
    brand = deck.brand.name if _plain(deck.brand.name).strip().lower() != _plain(
        deck.title).strip().lower() else ""
    if deck.brand.logo is None or _draw_logo(c, deck.brand.logo, x, brand_y - mm(4),
                                             *_LOGO_BOX) is None:
        c.setFillColor(_rl(pal.on_primary))
        _draw_text(c, x, brand_y, brand, fonts.bold, 13, fonts)
    on = _rl(pal.on_primary)
    title = ParagraphStyle("cover-title", fontName=fonts.black, fontSize=38, leading=42,
                           textColor=on)
    sub = ParagraphStyle("cover-sub", fontName=fonts.regular, fontSize=15, leading=20,
                         textColor=on)
    kicker = ParagraphStyle("cover-kicker", fontName=fonts.bold, fontSize=10, leading=13,
                            textColor=on)
    blocks = [Paragraph(_markup(ctx.title().upper(), fonts), kicker), Spacer(1, mm(4)),
              Paragraph(_markup(deck.title, fonts), title)]
    if deck.subtitle:
        blocks += [Spacer(1, mm(3)), Paragraph(_markup(deck.subtitle, fonts), sub)]
    y = band_bottom + mm(40)
    for block in reversed(blocks):
        _, bh = block.wrap(width, h)
        block.drawOn(c, x, y)
        y += bh
    _draw_card_fan(c, ctx, w / 2, band_bottom)
    _draw_category_strip(c, ctx, x, mm(40), width)
    c.setFillColor(_rl(pal.text))
    details = [f"{len(deck.cards)} cards in {len(deck.categories)} categories"]
    if deck.edition:
        details.insert(0, f"Edition {deck.edition}")
    _draw_text(c, x, mm(30), "  ·  ".join(details), fonts.regular, 10, fonts)
    c.setFillColor(_rl(pal.primary))
    _draw_text(c, x, mm(22), brand, fonts.bold, 10, fonts)
    c.restoreState()


def _draw_card_fan(c: Canvas, ctx: _Context, cx: float, cy: float) -> None:
    """A hand of real cards, one per category, straddling the edge of the cover band.

    The cards overlap, so each category shows its shortest title: it stays readable.
    """
    cards = [min(cards, key=lambda card: len(_plain(card.title)))
             for cat in ctx.deck.categories if (cards := ctx.deck.cards_in(cat.id))]
    cards = cards[:5]
    n = len(cards)
    for i, card in enumerate(cards):
        face = ctx.faces.front(card)
        scale = mm(62) / face.height
        offset = i - (n - 1) / 2
        c.saveState()
        c.translate(cx + offset * mm(30), cy - mm(36) - abs(offset) * mm(3))
        c.rotate(-offset * 7)
        c.saveState()
        c.setFillColor(colors.Color(0, 0, 0, alpha=0.18))
        c.roundRect(-face.width * scale / 2 + 1.5, -1.5, face.width * scale,
                    face.height * scale, mm(1.5), stroke=0, fill=1)
        c.restoreState()
        _draw_face(c, face, f"front:{card.id}", -face.width * scale / 2, 0, scale, ctx.pal.rule)
        c.restoreState()


def _draw_category_strip(c: Canvas, ctx: _Context, x: float, y: float, width: float) -> None:
    """One bar per category in its colour: the deck's palette at a glance."""
    cats = ctx.deck.categories
    if not cats:
        return
    bar = width / len(cats)
    for i, cat in enumerate(cats):
        c.setFillColor(_rl(cat.color))
        c.rect(x + i * bar, y, bar - 1.5, mm(3), stroke=0, fill=1)


class _Contents(TableOfContents):  # type: ignore[misc]
    """A table of contents that tightens its line spacing to stay on its page when it can.

    A contents list that spills a line or two onto a page of its own shifts every page after it
    and reads badly; only a list too long for its page even when tight is split.
    """

    _TIGHTER = (1.0, 0.92, 0.85, 0.78)

    def __init__(self, levelStyles: list[ParagraphStyle], **kw: Any) -> None:
        super().__init__(levelStyles=list(levelStyles), **kw)
        self.roomy = list(levelStyles)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size: tuple[float, float] = (0.0, 0.0)
        for factor in self._TIGHTER:
            self.levelStyles = [_tighter(style, factor) for style in self.roomy]
            size = super().wrap(availWidth, availHeight)
            if size[1] <= availHeight:
                break
        return size


def _tighter(style: ParagraphStyle, factor: float) -> ParagraphStyle:
    if factor == 1.0:
        return style
    return ParagraphStyle(f"{style.name}-{factor}", parent=style,
                          leading=max(style.fontSize * 1.12, style.leading * factor),
                          spaceBefore=style.spaceBefore * factor)


def _contents(ctx: _Context) -> Flowables:
    toc = _Contents(levelStyles=ctx.st.toc, dotsMinLevel=1,
                          tableStyle=TableStyle([("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
                                                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                                 ("TOPPADDING", (0, 0), (-1, -1), 0),
                                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    intro = ctx.wb.intro or (_default_intro(ctx),)
    out = [*_new_page(), _Heading("Contents", ctx.st.h1, ctx, level=0, toc=False)]
    out += [ctx.p(text, ctx.st.body) for text in intro]
    out += [Spacer(1, mm(4)), toc]
    return out


def _default_intro(ctx: _Context) -> str:
    return (f"This workbook goes with the {ctx.deck.title}. It shows how the cards work, gives "
            "printable worksheets for working with them and lists every card with its text.")


# How to use the deck


def _how_to_use(ctx: _Context) -> Flowables:
    out = _section(ctx, "How to use the deck", intro=(
        "Every card answers one question. Its colour says which: lay cards of different "
        "colours side by side and you have a sentence, a plan or a recipe."))
    card = _anatomy_card(ctx)
    if card is not None:
        out += [_sub(ctx, "Anatomy of a card"), _Anatomy(ctx, card), Spacer(1, mm(4))]
    out += [_sub(ctx, "The categories"), _legend(ctx)]
    blanks = [cat for cat in ctx.deck.categories if cat.blanks != 0]
    if blanks:
        out += [
            _sub(ctx, "Blank cards"),
            ctx.p("Each category has blank cards. Use them to co-create the deck with the "
                  "team, before or during the workshop: write cards, sort them into groups, "
                  "then keep the ones that matter. In the room, a blank card turns a new idea "
                  "into a card everyone can move around."),
            _thumb_grid(ctx, [(ctx.faces.blank(cat), f"blank:{cat.id}", cat.name, None)
                              for cat in blanks], mm(19)),
        ]
    return out


def _anatomy_card(ctx: _Context) -> Card | None:
    deck = ctx.deck
    if ctx.wb.anatomy is not None and (card := deck.card_by_id(ctx.wb.anatomy.id)) is not None:
        return card
    # Prefer a card that shows every part the callouts name.
    # min() keeps the first of equals, so deck order breaks ties.
    return min(deck.cards, key=lambda c: -bool(c.body) - bool(c.prompts) - (
        _role_of(deck, c) is not None), default=None)


def _role_of(deck: Deck, card: Card) -> str | None:
    for cat in deck.categories:
        if cat.id == card.category:
            return cat.role
    return None


def _category(deck: Deck, category_id: str) -> Category | None:
    for cat in deck.categories:
        if cat.id == category_id:
            return cat
    return None


def _legend(ctx: _Context) -> Table:
    st = ctx.st
    rows: list[list[Any]] = [[
        "", Paragraph("CATEGORY", st.cell_head), Paragraph("QUESTION IT ANSWERS", st.cell_head),
        Paragraph("CARDS", st.cell_head)]]
    extra: list[tuple[Any, ...]] = []
    for i, cat in enumerate(ctx.deck.categories, 1):
        name = f"**{cat.name}**" + (f"\n{_ROLE_WORDS.get(cat.role, cat.role)}" if cat.role else "")
        rows.append(["", _para(name, st.cell, ctx.fonts), _para(cat.question, st.cell, ctx.fonts),
                     Paragraph(str(len(ctx.deck.cards_in(cat.id))), st.cell)])
        extra.append(("BACKGROUND", (0, i), (0, i), _rl(cat.color)))
        extra.append(("LINEBELOW", (0, i), (0, i), 2.5, colors.white))
    widths = [mm(6), ctx.width * 0.3, ctx.width * 0.7 - mm(6) - mm(16), mm(16)]
    return _table(rows, widths, ctx, extra)


_ROLE_WORDS = {
    "who": "who · the audience",
    "what": "what · content and design",
    "when": "when · trigger and context",
    "where": "where · the channel",
    "why": "why · the outcome",
    "measure": "measure · how we know",
}


_Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class _Part:
    label: str
    explain: str
    box: _Box  # in card points


def _locate_parts(face: Face, card: Card, category: Category | None, safe: float
                  ) -> list[_Part]:
    """Find where the card's parts landed by drawing it once and searching its text.

    The layout engine decides where things go; reading the drawn page back keeps the callouts
    right for any layout without the workbook knowing layout internals.
    """
    import pypdfium2

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(face.width, face.height), invariant=1,
                    initialFontName=load_family("Lato").regular)
    face.draw(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    last_prompt = card.prompts[-1] if card.prompts else ""
    wanted = [
        ("Category band", "Colour and name of the category: which question the card answers.",
         category.name if category else "", ""),
        ("Title", "What the card is, in a few words.", card.title, card.title),
        ("Body", "What it means for your product, with an example.", card.body or "",
         card.body or ""),
        ("Prompts", "Questions to ask the room when the card is on the table.",
         card.prompts[0] if card.prompts else "", last_prompt),
        ("Footer and id", "The card's id: write it on worksheets and recipes.", card.id, ""),
    ]
    pdf = pypdfium2.PdfDocument(buf.getvalue())
    try:
        textpage = pdf[0].get_textpage()
        parts = []
        for label, explain, first, last in wanted:
            box = _text_block(textpage, first, last)
            if box is not None:
                left = 0.0 if label == "Category band" else max(box[0] - mm(1.2), mm(0.6))
                right = face.width - (0.0 if label == "Category band" else safe - mm(1.2))
                parts.append(_Part(label, explain,
                                   (left, box[1] - mm(1), right, box[3] + mm(1))))
        return parts
    finally:
        pdf.close()


def _text_block(textpage: Any, first: str, last: str) -> _Box | None:
    """The box from the first words of a text to its last words, as drawn."""
    top = _search_box(textpage, " ".join(_plain(first).split()[:3]), last_match=False)
    if top is None or not last:
        return top
    bottom = _search_box(textpage, " ".join(_plain(last).split()[-2:]), last_match=True)
    if bottom is None or bottom[3] > top[3]:
        return top
    return (min(top[0], bottom[0]), bottom[1], max(top[2], bottom[2]), top[3])


def _search_box(textpage: Any, needle: str, last_match: bool) -> _Box | None:
    for words in (needle, needle.split(" ")[-1 if last_match else 0]):
        if len(words) < 2:
            continue
        searcher = textpage.search(words, match_case=False)
        found = searcher.get_next()
        while last_match and found and (following := searcher.get_next()):
            found = following
        if found:
            index, count = found
            boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
            return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes))
    return None


class _Anatomy(Flowable):  # type: ignore[misc]
    """A real card, enlarged, each located part outlined and named by a callout on the right."""

    def __init__(self, ctx: _Context, card: Card) -> None:
        super().__init__()
        self.ctx = ctx
        self.card = card
        self.face = ctx.faces.front(card)
        self.parts = _locate_parts(self.face, card, _category(ctx.deck, card.category),
                                   ctx.deck.card.safe)
        self.scale = min(mm(100) / self.face.height, ctx.width * 0.48 / self.face.width)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = self.face.height * self.scale + mm(4)
        return aw, self.height

    def draw(self) -> None:
        c, s, face, ctx = self.canv, self.scale, self.face, self.ctx
        card_x, card_y = mm(4), mm(2)
        _draw_face(c, face, f"front:{self.card.id}", card_x, card_y, s, ctx.pal.rule)
        label_x = card_x + face.width * s + mm(20)
        targets = [(p, card_y + (p.box[1] + p.box[3]) / 2 * s) for p in self.parts]
        placed = _spread_labels(targets, [self._label(p, self.width - label_x)
                                          for p in self.parts], self.height)
        primary = _rl(ctx.pal.primary)
        c.setStrokeColor(primary)
        c.setFillColor(primary)
        for (part, target_y), (para, top) in zip(targets, placed, strict=True):
            left, bottom, right, up = (v * s for v in part.box)
            c.setLineWidth(0.8)
            c.setDash(2, 1.5)
            c.roundRect(card_x + left, card_y + bottom, right - left, up - bottom, mm(1))
            c.setDash()
            start_x = card_x + right
            label_y = top - 6
            c.circle(start_x, target_y, 1.6, stroke=0, fill=1)
            path = c.beginPath()
            path.moveTo(start_x, target_y)
            path.lineTo(label_x - mm(9), target_y)
            path.lineTo(label_x - mm(3), label_y)
            path.lineTo(label_x - mm(1), label_y)
            c.setLineWidth(0.7)
            c.drawPath(path, stroke=1, fill=0)
            para.drawOn(c, label_x, top - para.height)

    def _label(self, part: _Part, width: float) -> Paragraph:
        para = _para(f"**{part.label}**\n{part.explain}", self.ctx.st.small, self.ctx.fonts)
        para.wrap(width, self.height)
        return para


def _spread_labels(targets: list[tuple[_Part, float]], paras: list[Paragraph],
                   height: float) -> list[tuple[Paragraph, float]]:
    """Label tops near their targets, pushed apart so no two labels overlap."""
    order = sorted(range(len(targets)), key=lambda i: -targets[i][1])
    tops: dict[int, float] = {}
    floor = height
    for i in order:
        top = min(targets[i][1] + 6, floor)
        tops[i] = top
        floor = top - paras[i].height - mm(3)
    lowest = min((tops[i] - paras[i].height for i in order), default=0.0)
    if lowest < 0:
        tops = {i: t - lowest for i, t in tops.items()}
    return [(paras[i], tops[i]) for i in range(len(targets))]


# Card thumbnails


def _form_name(key: str) -> str:
    return "card" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _draw_face(c: Canvas, face: Face, key: str, x: float, y: float, scale: float,
               border: Color | None) -> None:
    """Draw a face scaled, trimmed (no bleed), as a form XObject drawn once per document."""
    name = _form_name(face.form_key or key)
    if not c.hasForm(name):
        c.beginForm(name, 0, 0, face.width, face.height)
        face.draw(c, 0, 0)
        c.endForm()
    c.saveState()
    c.translate(x, y)
    c.scale(scale, scale)
    # Faces may leave the card stock unpainted; on the cover they sit over colour and shadow.
    c.setFillColor(colors.white)
    c.rect(0, 0, face.width, face.height, stroke=0, fill=1)
    c.doForm(name)
    c.restoreState()
    if border is not None:
        c.saveState()
        c.setStrokeColor(_rl(border))
        c.setLineWidth(0.5)
        c.roundRect(x, y, face.width * scale, face.height * scale, mm(1.2), stroke=1, fill=0)
        c.restoreState()


class _Thumb(Flowable):  # type: ignore[misc]
    def __init__(self, face: Face, key: str, width: float, border: Color) -> None:
        super().__init__()
        self.face = face
        self.key = key
        self.scale = width / face.width
        self.width = width
        self.height = face.height * self.scale
        self.border = border

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _draw_face(self.canv, self.face, self.key, 0, 0, self.scale, self.border)


_ThumbSpec = tuple[Face | None, str, str, str | None]  # face, form key, caption, sub-caption


def _thumb_grid(ctx: _Context, thumbs: Sequence[_ThumbSpec], width: float) -> Table:
    """Thumbnails in rows with captions; a None face is a text-only cell ("+ 6 more")."""
    per_row = max(1, int((ctx.width + mm(3)) // (width + mm(4))))
    cells: list[Any] = []
    for face, key, caption, sub in thumbs:
        text = _markup(caption, ctx.fonts, bold=True) + (
            "<br/>" + _markup(sub, ctx.fonts) if sub else "")
        if face is None:
            # Level with the middle of the thumbnails beside it.
            cells.append([Spacer(1, width * 0.7), Paragraph(text, ctx.st.caption)])
            continue
        cells.append([_Thumb(face, key, width, ctx.pal.rule), Spacer(1, 3),
                      Paragraph(text, ctx.st.caption)])
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return Table(rows, colWidths=[width + mm(4)] * per_row, hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(4)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(3)),
    ]))


# Roles, checklist, materials


def _roles(ctx: _Context) -> Flowables:
    wb = ctx.wb
    if not wb.roles and not wb.participants:
        return []
    out = _section(ctx, "Roles and participants", intro=(
        "A good room mixes the people who decide, the people who build and the people who "
        "talk to customers. Give every role a name before the day."))
    if wb.roles:
        out.append(_sub(ctx, "Roles", toc=False))
        for role in wb.roles:
            head = f"**{role.name}**" + (f"  ·  {role.count}" if role.count else "")
            block: Flowables = [ctx.p(head, ctx.st.h3)]
            block += _bullets(ctx, role.does)
            out.append(KeepTogether(block))
    if wb.participants:
        out.append(_sub(ctx, "Who to invite", toc=False))
        rows: list[list[Any]] = [[Paragraph("WHO", ctx.st.cell_head),
                                  Paragraph("WHY THEY NEED TO BE THERE", ctx.st.cell_head)]]
        rows += [[ctx.p(f"**{p.who}**", ctx.st.cell), ctx.p(p.why or "", ctx.st.cell)]
                 for p in wb.participants]
        out.append(_table(rows, [ctx.width * 0.32, ctx.width * 0.68], ctx))
    return out


def _checklist(ctx: _Context) -> Flowables:
    if not ctx.wb.checklist:
        return []
    out = _section(ctx, "Planning checklist", intro=(
        "Tick as you go. Most workshops that go wrong went wrong in the weeks before."))
    for stage in ctx.wb.checklist:
        out.append(ctx.p(stage.when, ctx.st.h3))
        out += _bullets(ctx, stage.items, ctx.st.check, bullet="☐")
    return out


def _materials(ctx: _Context) -> Flowables:
    mats = ctx.wb.materials
    if mats is None or not (mats.in_person or mats.remote):
        return []
    out = _section(ctx, "Materials", intro=(
        "Everything on these lists fits in one box or one shared folder. Pack it the day "
        "before."))
    half = (ctx.width - _GAP) / 2
    columns: list[Any] = []
    for title, items in (("In the room", mats.in_person), ("Remote", mats.remote)):
        columns.append([ctx.p(title, ctx.st.h3), *_bullets(ctx, items, ctx.st.check, "☐")])
    out.append(Table([columns], colWidths=[half + _GAP, half], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), _GAP),
    ])))
    return out


# Agendas


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _agendas(ctx: _Context) -> Flowables:
    if not ctx.wb.agendas:
        return []
    out = _section(ctx, "Agenda", intro=(
        "Pick the length that fits the team. The one-day version keeps the first two phases "
        "and leaves pitching to a follow-up; the longer versions give each phase room."))
    # A day's table is never split, so today's plan is on one page; short days share a page.
    for agenda in ctx.wb.agendas:
        head: Flowables = [_sub(ctx, agenda.title)]
        if agenda.summary:
            head.append(ctx.p(agenda.summary))
        for day in agenda.days:
            label = f"{day.title}  ·  {_clock(day.start)}–{_clock(day.end)}"
            if len(agenda.days) > 1:
                label = f"{agenda.title}  ·  {label}"
            out.append(KeepTogether([*head, ctx.p(label, ctx.st.h3),
                                     _agenda_table(ctx, day.slots, day.start)]))
            head = []
    return out


def _agenda_table(ctx: _Context, slots: Sequence[Slot], start: int) -> Table:
    st = ctx.st
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in
                              ("TIME", "ACTIVITY", "MATERIALS", "OUTPUT")]]
    extra: list[tuple[Any, ...]] = []
    clock = start
    for i, slot in enumerate(slots, 1):
        act = ctx.wb.activity(slot.activity) if slot.activity else None
        title = act.title if act else slot.title or ""
        phase = ctx.wb.phase(act.phase) if act else None
        name = f"**{title}**" + (f"\n{phase.name}" if phase else "")
        if slot.note:
            name += f"\n*{slot.note}*"
        materials = slot.materials if slot.materials is not None else (
            act.materials if act else ())
        output = slot.output or (act.output if act else None) or ""
        when = f"{_clock(clock)}–{_clock(clock + slot.minutes)}"
        if slot.is_break:
            name = f"**{title}**  ·  {slot.minutes} min"
            extra.append(("BACKGROUND", (0, i), (-1, i), _rl(ctx.pal.faint)))
        else:
            when += f"\n{slot.minutes} min"
        rows.append([ctx.p(when, st.cell), ctx.p(name, st.cell),
                     ctx.p(_capitalised(", ".join(materials)), st.cell),
                     ctx.p(_first_sentence(output), st.cell)])
        clock += slot.minutes
    w = ctx.width
    return _table(rows, [w * 0.14, w * 0.28, w * 0.29, w * 0.29], ctx, extra)


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


# Activities


def _activities(ctx: _Context) -> Flowables:
    wb = ctx.wb
    if not wb.activities:
        return []
    out: Flowables = []
    phases: list[Phase | None] = [*wb.phases] or [None]
    for number, phase in enumerate(phases, 1):
        acts = [a for a in wb.activities
                if (phase is None or a.phase == phase.id)]
        if phase is None:
            out += _section(ctx, "Activities")
        else:
            out += _phase_opener(ctx, phase.name, phase.summary, number, len(phases), acts)
        for i, act in enumerate(acts, 1):
            out += _activity_spread(ctx, act, i, len(acts), phase.name if phase else None)
    orphans = [a for a in wb.activities if a.phase is None] if wb.phases else []
    if orphans:
        out += _section(ctx, "More activities")
        for i, act in enumerate(orphans, 1):
            out += _activity_spread(ctx, act, i, len(orphans), None)
    return out


def _phase_opener(ctx: _Context, name: str, summary: str | None, number: int, total: int,
                  acts: Sequence[Activity]) -> Flowables:
    out = _section(ctx, name, kicker=f"Phase {number} of {total}", intro=summary)
    if not acts:
        return out
    rows: list[list[Any]] = [[Paragraph(h, ctx.st.cell_head) for h in
                              ("ACTIVITY", "TIME", "YOU LEAVE WITH")]]
    for act in acts:
        rows.append([ctx.p(f"**{act.title}**", ctx.st.cell),
                     ctx.p(f"{act.minutes} min", ctx.st.cell),
                     ctx.p(_first_sentence(act.output or ""), ctx.st.cell)])
    w = ctx.width
    out += [Spacer(1, mm(4)), _table(rows, [w * 0.34, w * 0.14, w * 0.52], ctx)]
    ready = _get_ready(ctx, acts)
    if ready:
        out += [ctx.p("Get ready", ctx.st.h3), *_bullets(ctx, ready, ctx.st.check, "☐")]
    return out


def _get_ready(ctx: _Context, acts: Sequence[Activity]) -> list[str]:
    """What to print and which cards to pull before the phase starts."""
    sheets = list(dict.fromkeys(_worksheet_title(ctx, a.worksheet) for a in acts if a.worksheet))
    categories: dict[str, str] = {}
    for act in acts:
        for ref in act.categories:
            cat = _category(ctx.deck, ref.id)
            if cat is not None:
                categories[cat.id] = f"{cat.name} ({len(ctx.deck.cards_in(cat.id))})"
    # A card whose whole category is pulled needs no line of its own.
    cards = list(dict.fromkeys(
        card.title for act in acts for ref in act.cards
        if (card := ctx.deck.card_by_id(ref.id)) is not None and card.category not in categories))
    out = []
    if sheets:
        out.append("**Print** one per table, and one on A3 for the wall: "
                   + _listing(sheets, ", "))
    if categories:
        out.append("**Pull** every card of: " + _listing(list(categories.values()), ", "))
    if cards:
        # Titles may end in "?" or "…": a middle dot reads after them where a comma would not.
        out.append("**Pull** these cards too: " + _listing(cards, "  ·  "))
    return out


def _listing(items: Sequence[str], separator: str) -> str:
    """Items joined, closed with a full stop unless the last already ends a sentence."""
    text = separator.join(items)
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _start_spread(ctx: _Context) -> Flowables:
    """Break to a left-hand (even) page, so an activity faces the reader as one spread.

    When the break lands on a right-hand page that page becomes a ruled notes page.
    """
    notes = [_Lines(ctx, "Notes"), PageBreak()]
    return [*_new_page(), DocIf("doc.page % 2 == 1", notes)]


def _activity_spread(ctx: _Context, act: Activity, index: int, total: int,
                     phase: str | None) -> Flowables:
    st = ctx.st
    kicker = f"{phase}  ·  activity {index} of {total}" if phase else f"Activity {index}"
    out: Flowables = [
        *_start_spread(ctx),
        ctx.p(kicker.upper(), st.kicker),
        _Heading(act.title, st.h1, ctx, level=1),
    ]
    first: Flowables = [ctx.p(act.purpose, st.lead), _facts(ctx, act)]
    if act.materials:
        first.append(ctx.p("Materials", st.h3))
        first += _bullets(ctx, [_capitalised(m) for m in act.materials])
    first += [ctx.p("Steps", st.h3), _steps_table(ctx, act)]
    # The second page of the spread: what to say, the cards, what comes out, what goes wrong.
    second: Flowables = []
    if act.say:
        second += [ctx.p("What to say", st.h3), _quotes(ctx, act.say)]
    rows = _activity_thumbs(ctx, act)
    if rows:
        second.append(ctx.p("Cards used", st.h3))
        second += [_thumb_grid(ctx, row, _THUMB_W) for row in rows]
    if act.output:
        second += [ctx.p("Expected output", st.h3), _boxed(ctx, act.output)]
    if act.pitfalls:
        second.append(ctx.p("Pitfalls", st.h3))
        second += _bullets(ctx, act.pitfalls, bullet="–")
    # Each page of the spread shrinks a little rather than spill a line onto a third page.
    out += [_on_one_page(first), PageBreak()]
    if second:
        out.append(_on_one_page(second))
    out.append(_Lines(ctx, "Notes", least=mm(30)))
    return out


class _OnePage(KeepInFrame):  # type: ignore[misc]
    """Content shrunk to fit what is left of the page, leaving a hair of room below it.

    Shrunk content fills its height to within rounding; the room lets a flowable that follows
    and has nothing to draw (the notes lines on a full page) stay on this page.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = super().wrap(availWidth, availHeight - 3)
        return width, height


def _on_one_page(content: Flowables) -> KeepInFrame:
    return _OnePage(0, 0, content, mode="shrink", hAlign="LEFT")


def _facts(ctx: _Context, act: Activity) -> Table:
    facts = [("TIME", f"{act.minutes} min")]
    if act.grouping:
        facts.append(("GROUPING", act.grouping))
    if act.worksheet:
        facts.append(("WORKSHEET", _worksheet_title(ctx, act.worksheet)))
    per_agenda = _agenda_minutes(ctx.wb.agendas, act.id)
    if per_agenda:
        facts.append(("IN THE AGENDAS", "\n".join(f"{t}: {m} min" for t, m in per_agenda)))
    widths = _fact_widths(ctx.width, len(facts))
    cells = [[ctx.p(label, ctx.st.cell_head), ctx.p(value, ctx.st.cell_bold)]
             for label, value in facts]
    return Table([cells], colWidths=widths, hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("BACKGROUND", (0, 0), (-1, -1), _rl(ctx.pal.tint)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), mm(3)),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(2)),
        ("TOPPADDING", (0, 0), (-1, -1), mm(2.2)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(2.8)),
        ("LINEAFTER", (0, 0), (-2, -1), 1.5, colors.white),
    ]))


def _fact_widths(width: float, count: int) -> list[float]:
    # Time is short, grouping is a phrase: give the phrases the room.
    weights = [0.6] + [1.0] * (count - 1)
    total = sum(weights)
    return [width * w / total for w in weights]


def _agenda_minutes(agendas: Sequence[Agenda], activity_id: str) -> list[tuple[str, int]]:
    out = []
    for agenda in agendas:
        minutes = sum(slot.minutes for day in agenda.days for slot in day.slots
                      if slot.activity == activity_id)
        if minutes:
            out.append((agenda.title, minutes))
    return out


def _steps_table(ctx: _Context, act: Activity) -> Table:
    st = ctx.st
    number = ParagraphStyle("step-number", parent=st.cell_bold, fontSize=11, leading=13,
                            textColor=_rl(ctx.pal.primary))
    # The steps are what the facilitator reads in the room: body size, not table size.
    do = ParagraphStyle("step", parent=st.body, spaceAfter=0)
    rows: list[list[Any]] = []
    elapsed = 0
    for i, step in enumerate(act.steps, 1):
        span = f"{_clock(elapsed)[1:]}–{_clock(elapsed + step.minutes)[1:]}"
        rows.append([Paragraph(str(i), number), ctx.p(step.do, do),
                     ctx.p(f"**{step.minutes} min**\n{span}", st.cell)])
        elapsed += step.minutes
    numbered = ParagraphStyle("minutes", parent=st.cell, alignment=TA_RIGHT)
    for row in rows:
        row[2].style = numbered
    padding = [("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    return _table(rows, [mm(9), ctx.width - mm(9) - mm(20), mm(20)], ctx, padding, header=False)


def _quotes(ctx: _Context, lines: Sequence[str]) -> Table:
    rows = [[ctx.p(f"“{line}”", ctx.st.quote)] for line in lines]
    return Table(rows, colWidths=[ctx.width], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("LINEBEFORE", (0, 0), (0, -1), 2, _rl(ctx.pal.primary)),
        ("LEFTPADDING", (0, 0), (-1, -1), mm(4)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))


def _boxed(ctx: _Context, text: str) -> Table:
    return Table([[ctx.p(text, ctx.st.body)]], colWidths=[ctx.width], hAlign="LEFT",
                 style=TableStyle([
                     ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
                     ("BACKGROUND", (0, 0), (-1, -1), _rl(ctx.pal.tint)),
                     ("LEFTPADDING", (0, 0), (-1, -1), mm(4)),
                     ("RIGHTPADDING", (0, 0), (-1, -1), mm(4)),
                     ("TOPPADDING", (0, 0), (-1, -1), mm(3)),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), mm(2)),
                 ]))


_THUMB_W = mm(24)
_MAX_PER_CATEGORY = 5  # one row with its "+ N more" cell


def _activity_thumbs(ctx: _Context, act: Activity) -> list[list[_ThumbSpec]]:
    """Rows of thumbnails: the cards named by id, then one row per category named."""
    deck = ctx.deck
    named = [card for ref in act.cards if (card := deck.card_by_id(ref.id)) is not None]
    shown = {card.id for card in named}
    rows: list[list[_ThumbSpec]] = []
    if named:
        rows.append([_thumb_spec(ctx, card) for card in dict.fromkeys(named)])
    for ref in act.categories:
        cat = _category(deck, ref.id)
        if cat is None:
            continue
        cards = [c for c in deck.cards_in(cat.id) if c.id not in shown]
        row = [_thumb_spec(ctx, card) for card in cards[:_MAX_PER_CATEGORY]]
        if len(cards) > _MAX_PER_CATEGORY:
            more = len(cards) - _MAX_PER_CATEGORY
            row.append((None, "", f"+ {more} more", f"{cat.name} cards"))
        if row:
            rows.append(row)
    return rows


def _thumb_spec(ctx: _Context, card: Card) -> _ThumbSpec:
    return (ctx.faces.front(card), f"front:{card.id}", card.title, None)


class _Lines(Flowable):  # type: ignore[misc]
    """Ruled lines for notes filling the rest of the frame; nothing when too little is left."""

    def __init__(self, ctx: _Context, title: str | None = None, pitch: float = mm(8),
                 least: float = mm(8)) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = title
        self.pitch = pitch
        self.least = least
        # Space above the title is drawn, not spaceBefore: on a full page the lines vanish
        # rather than push an empty notes page after it.
        self.gap = mm(4) if title else 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = ah - 2 if ah - 2 >= self.least + self.gap else 0
        return self.width, self.height

    def draw(self) -> None:
        if not self.height:
            return
        c = self.canv
        top = self.height - self.gap
        if self.title:
            c.setFillColor(_rl(self.ctx.pal.text))
            _draw_text(c, 0, top - 10, self.title, self.ctx.fonts.heading, 10.5, self.ctx.fonts)
            top -= mm(4)
        c.setStrokeColor(_rl(self.ctx.pal.rule))
        c.setLineWidth(0.4)
        y = top - self.pitch
        while y >= 0:
            c.line(0, y, self.width, y)
            y -= self.pitch


# Worksheets


@dataclass(frozen=True)
class _SheetKind:
    title: str
    note: str
    landscape: bool
    draw: Callable[[Canvas, _Context, float, float], None]


def _worksheet_title(ctx: _Context, kind: str) -> str:
    for spec in _worksheet_specs(ctx):
        if spec.kind == kind and spec.title:
            return spec.title
    return _SHEETS[kind].title


def _worksheet_specs(ctx: _Context) -> tuple[WorksheetSpec, ...]:
    if ctx.wb.worksheets is not None:
        return ctx.wb.worksheets
    return tuple(WorksheetSpec(kind) for kind in _default_sheet_kinds(ctx.deck))


def _default_sheet_kinds(deck: Deck) -> list[str]:
    """Sheets that make sense for this deck: the deck-specific ones only when it has the cards."""
    kinds = ["card-sort"]
    if deck.catalogue or any(card.family for card in deck.cards):
        kinds.append("landscape")  # the deck has interactions to spark it
    if _levels(deck, generic=False):
        kinds.append("sizing-ladder")
    if _grid_card(deck) is not None:
        kinds.append("four-arguments")
    if _risk_titles(deck):
        kinds.append("risk-register")
    if any(cat.role for cat in deck.categories):
        kinds.append("recipe-builder")
    # These need no particular cards.
    kinds += ["jtbd-pitch", "effort-impact", "dot-vote", "roadmap", "parking-lot"]
    return [k for k in WORKSHEET_KINDS if k in kinds]


def _worksheets(ctx: _Context) -> Flowables:
    specs = _worksheet_specs(ctx)
    if not specs:
        return []
    out = _section(ctx, "Worksheets", intro=(
        "Print one copy per table, or enlarge to A3 for the wall. Write card ids in the boxes: "
        "they let anyone rebuild the idea from the deck later."))
    out.append(_sheet_index(ctx, specs))
    for spec in specs:
        kind = _SHEETS[spec.kind]
        out += _new_page("landscape" if kind.landscape else "body")
        out.append(_Heading(spec.title or kind.title, ctx.st.h2, ctx, level=1))
        out.append(ctx.p(spec.note or kind.note, ctx.st.small))
        out.append(_Sheet(ctx, kind.draw))
    out.append(NextPageTemplate("body"))
    return out


def _sheet_index(ctx: _Context, specs: Sequence[WorksheetSpec]) -> Table:
    rows: list[list[Any]] = [[Paragraph(h, ctx.st.cell_head) for h in ("WORKSHEET", "USE IT TO")]]
    for spec in specs:
        kind = _SHEETS[spec.kind]
        rows.append([ctx.p(f"**{spec.title or kind.title}**", ctx.st.cell),
                     ctx.p(_first_sentence(spec.note or kind.note), ctx.st.cell)])
    return _table(rows, [ctx.width * 0.32, ctx.width * 0.68], ctx)


class _Sheet(Flowable):  # type: ignore[misc]
    """A worksheet drawing that takes the rest of the page."""

    def __init__(self, ctx: _Context, draw: Callable[[Canvas, _Context, float, float], None]
                 ) -> None:
        super().__init__()
        self.ctx = ctx
        self.draw_sheet = draw
        self.spaceBefore = mm(3)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 2
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.draw_sheet(self.canv, self.ctx, self.width, self.height)
        self.canv.restoreState()


# Worksheet drawing helpers (canvas coordinates: origin at the sheet's lower-left)


def _box(c: Canvas, x: float, y: float, w: float, h: float, stroke: Color,
         fill: Color | None = None, radius: float = mm(1.5), width: float = 0.6) -> None:
    c.setStrokeColor(_rl(stroke))
    c.setLineWidth(width)
    if fill is not None:
        c.setFillColor(_rl(fill))
    c.roundRect(x, y, w, h, radius, stroke=1, fill=1 if fill is not None else 0)


def _label(c: Canvas, ctx: _Context, x: float, y: float, text: str, size: float = 9,
           bold: bool = True, color: Color | None = None, align: str = "left",
           width: float | None = None) -> None:
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    if width is not None:
        text = _fit_text(text, font, size, width, ctx.fonts)
    c.setFillColor(_rl(color or ctx.pal.text))
    _draw_text(c, x, y, text, font, size, ctx.fonts, align)


def _block(c: Canvas, ctx: _Context, text: str, style: ParagraphStyle, x: float, top: float,
           width: float) -> float:
    """Draw wrapped text with its top at `top`; return its height."""
    para = _para(text, style, ctx.fonts)
    _, h = para.wrap(width, 1000)
    para.drawOn(c, x, top - h)
    return float(h)


def _write_line(c: Canvas, ctx: _Context, x: float, y: float, w: float) -> None:
    c.setStrokeColor(_rl(ctx.pal.rule))
    c.setLineWidth(0.5)
    c.line(x, y, x + w, y)


def _id_boxes(c: Canvas, ctx: _Context, x: float, y: float, count: int, w: float = mm(20),
              h: float = mm(7)) -> float:
    """Boxes to write card ids in; returns their total width."""
    for i in range(count):
        _box(c, x + i * (w + mm(2)), y, w, h, ctx.pal.muted, WHITE, radius=mm(1))
    return count * (w + mm(2)) - mm(2)


def _dots(c: Canvas, ctx: _Context, x: float, y: float, count: int, r: float = mm(1.8),
          per_row: int | None = None) -> None:
    per_row = per_row or count
    c.setStrokeColor(_rl(ctx.pal.muted))
    c.setLineWidth(0.6)
    for i in range(count):
        row, col = divmod(i, per_row)
        c.circle(x + r + col * r * 2.8, y - row * r * 2.8, r, stroke=1, fill=0)


def _arrow(c: Canvas, x1: float, y1: float, x2: float, y2: float, color: Color,
           width: float = 1.2) -> None:
    c.setStrokeColor(_rl(color))
    c.setFillColor(_rl(color))
    c.setLineWidth(width)
    c.line(x1, y1, x2, y2)
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    size = 6
    path = c.beginPath()
    path.moveTo(x2, y2)
    path.lineTo(x2 - ux * size - uy * size * 0.5, y2 - uy * size + ux * size * 0.5)
    path.lineTo(x2 - ux * size + uy * size * 0.5, y2 - uy * size - ux * size * 0.5)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _levels(deck: Deck, generic: bool = True) -> list[tuple[str, str | None]]:
    """Size levels (name, description): the deck's levels cards, else the five generic ones."""
    cat = _category(deck, "levels")
    cards = deck.cards_in(cat.id) if cat else ()
    if len(cards) >= 2:
        return [(card.title, card.body) for card in cards]
    if not generic:
        return []
    names = ["Function", "Feature", "Experience", "Complete product", "Portfolio"]
    return [(name, None) for name in names[:len(LEVEL_NAMES)]]


def _grid_card(deck: Deck) -> Card | None:
    for card in deck.cards:
        if card.layout == "grid" or card.id == "arguments-grid":
            return card
    return None


def _category_with_role(deck: Deck, role: str) -> Category | None:
    for cat in deck.categories:
        if cat.role == role:
            return cat
    return None


def _sheet_landscape(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    columns = [("We admire", "Feels effortless; we would copy it."),
               ("Familiar", "We see it everywhere, ours included."),
               ("We dislike", "Gets in the way, feels pushy or creepy.")]
    strip = mm(16)
    col_w = (w - 2 * _GAP) / 3
    slot_fields = ("Example and where you saw it", "What it does for the person",
                   "Systems behind it")
    for i, (title, sub) in enumerate(columns):
        x = i * (col_w + _GAP)
        _box(c, x, strip + _GAP, col_w, h - strip - _GAP, ctx.pal.rule, ctx.pal.faint)
        _label(c, ctx, x + mm(4), h - mm(8), title, 12, color=ctx.pal.primary)
        _label(c, ctx, x + mm(4), h - mm(13), sub, 8, bold=False, color=ctx.pal.muted)
        slots = 3
        top = h - mm(18)
        slot_h = (top - strip - _GAP - mm(3)) / slots
        for s in range(slots):
            sy = top - (s + 1) * slot_h
            _box(c, x + mm(3), sy + mm(1.5), col_w - mm(6), slot_h - mm(3), ctx.pal.rule, WHITE)
            band = (slot_h - mm(7)) / len(slot_fields)
            for f, name in enumerate(slot_fields):
                band_top = sy + slot_h - mm(3.5) - f * band
                _label(c, ctx, x + mm(6), band_top - mm(3), name, 6.5, bold=False,
                       color=ctx.pal.muted)
                _write_line(c, ctx, x + mm(6), band_top - band + mm(1), col_w - mm(12))
    families = _families(ctx.deck)
    _label(c, ctx, 0, strip - mm(5), "Look across families:", 8)
    text = "  ·  ".join(_family_name(f) for f in families)
    _block(c, ctx, text, ctx.st.sheet_small, mm(34), strip - mm(2), w - mm(34))


def _family_name(family: str) -> str:
    """'control-trust' -> 'Control & trust', 'onboarding' -> 'Onboarding'."""
    parts = family.split("-")
    name = " & ".join(parts) if len(parts) == 2 else " ".join(parts)
    return _sentence_case(name)


def _capitalised(text: str) -> str:
    """The first letter up: materials are written to read well inside a list, in lower case."""
    return text[:1].upper() + text[1:]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text.islower() else text


def _families(deck: Deck) -> list[str]:
    seen: list[str] = []
    for entry in deck.catalogue:
        if entry.family not in seen:
            seen.append(entry.family)
    for card in deck.cards:
        if card.family and card.family not in seen:
            seen.append(card.family)
    return seen or ["onboarding sequences", "setup wizards", "notifications", "recommendations",
                    "search", "messages and offers", "account and settings", "help and support"]


def _sheet_sizing_ladder(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    levels = _levels(ctx.deck)
    n = len(levels)
    col_w = (w - (n - 1) * mm(3)) / n
    foot = mm(24)
    rise = mm(9)
    for i, (name, body) in enumerate(levels):
        x = i * (col_w + mm(3))
        head_h = mm(24)
        head_top = h - (n - 1 - i) * rise
        _box(c, x, head_top - head_h, col_w, head_h, ctx.pal.primary,
             ctx.pal.primary.mix(WHITE, 0.82 - 0.14 * i / max(n - 1, 1)))
        _label(c, ctx, x + mm(3), head_top - mm(6), f"{i + 1}", 8, color=ctx.pal.primary)
        _label(c, ctx, x + mm(8), head_top - mm(6), name, 11, width=col_w - mm(10))
        if body:
            style = ParagraphStyle("lvl", parent=ctx.st.sheet_small, textColor=_rl(ctx.pal.text))
            para = _fitted_para(ctx, _plain(body), style, col_w - mm(6), head_h - mm(10.5))
            para.drawOn(c, x + mm(3), head_top - mm(9) - para.height)
        area_top = head_top - head_h - mm(2)
        _box(c, x, foot, col_w, area_top - foot, ctx.pal.rule, ctx.pal.faint)
        for row, label in enumerate(("Today", "Wanted")):
            y = foot - mm(7) - row * mm(8)
            _box(c, x + mm(3), y - mm(1), mm(4), mm(4), ctx.pal.muted, WHITE, radius=0.8)
            _label(c, ctx, x + mm(9), y, label, 8, bold=False)


# A sentence ends at . ! or ? before a capital (so "e.g. this" stays whole) or at the end.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[A-Z0-9“\"(])|$)", re.DOTALL)


def _fitted_para(ctx: _Context, text: str, style: ParagraphStyle, width: float,
                 height: float) -> Paragraph:
    """The text in a box without cutting a phrase: whole, slightly smaller, or whole sentences.

    Tries the full text, then a smaller size, then the leading sentences that fit; the first
    sentence alone at the smallest size is the last resort.
    """
    sentences = _SENTENCE.findall(text.strip())
    candidates = [" ".join(s.strip() for s in sentences[:n])
                  for n in range(len(sentences), 0, -1)] or [text]
    size = float(style.fontSize)
    sizes = [size, size - 0.5, size - 1.0, size - 1.5]
    # The whole text at every size first: a smaller size loses less than a dropped sentence.
    tries = [(candidates[0], point) for point in sizes]
    tries += [(candidate, point) for candidate in candidates[1:] for point in sizes[:2]]
    tries.append((candidates[-1], sizes[-1]))
    for candidate, point in tries:
        sized = ParagraphStyle(f"{style.name}-{point}", parent=style, fontSize=point,
                               leading=point * style.leading / style.fontSize)
        para = _para(candidate, sized, ctx.fonts)
        _, h = para.wrap(width, 10_000)
        if h <= height:
            break
    return para


def _sheet_four_arguments(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    card = _grid_card(ctx.deck)
    quadrants = list(card.items[:4]) if card and len(card.items) >= 4 else ["", "", "", ""]
    (left, right), (top, bottom) = _grid_axes(card)
    tally_h = mm(44)
    size = min(w - mm(10), h - tally_h - mm(16))
    x0, y0 = mm(10), tally_h + mm(12)
    half = size / 2
    for q, name in enumerate(quadrants):
        qx = x0 + (q % 2) * half
        qy = y0 + (1 - q // 2) * half
        _box(c, qx, qy, half, half, ctx.pal.rule, ctx.pal.faint if q in (0, 3) else WHITE,
             radius=0)
        if name:
            _block(c, ctx, f"**{name}**", ctx.st.sheet_label, qx + mm(4), qy + half - mm(4),
                   half - mm(8))
        else:
            _write_line(c, ctx, qx + mm(4), qy + half - mm(10), half * 0.6)
        _label(c, ctx, qx + mm(4), qy + mm(13), "Votes", 7, bold=False, color=ctx.pal.muted)
        _dots(c, ctx, qx + mm(4), qy + mm(8.5), 24, per_row=12)
    c.setStrokeColor(_rl(ctx.pal.primary))
    c.setLineWidth(1.2)
    c.line(x0 + half, y0, x0 + half, y0 + size)
    c.line(x0, y0 + half, x0 + size, y0 + half)
    # Poles sit outside the grid: horizontal ends below it, vertical ends up its left side.
    _axis_label(c, ctx, f"← {left}" if left else "", x0, y0 - mm(6), "left")
    _axis_label(c, ctx, f"{right} →" if right else "", x0 + size, y0 - mm(6), "right")
    c.saveState()
    c.translate(x0 - mm(3), y0)
    c.rotate(90)
    _axis_label(c, ctx, f"← {bottom}" if bottom else "", 0, 0, "left")
    _axis_label(c, ctx, f"{top} →" if top else "", size, 0, "right")
    c.restoreState()
    _vote_tally(c, ctx, quadrants, w, tally_h)


def _axis_label(c: Canvas, ctx: _Context, text: str, x: float, y: float, align: str) -> None:
    if text:
        _label(c, ctx, x, y, text, 9, color=ctx.pal.primary, align=align)
    else:
        start = x - mm(40) if align == "right" else x
        _write_line(c, ctx, start, y, mm(40))


def _vote_tally(c: Canvas, ctx: _Context, quadrants: Sequence[str], w: float, top: float) -> None:
    """Votes per team and quadrant: the spread shows where each department sees its upside."""
    names = [q or f"Quadrant {i + 1}" for i, q in enumerate(quadrants)]
    cols = [("Team or department", 0.28)] + [(name, 0.18) for name in names]
    _grid_table(c, ctx, cols, w, top, rows=5, row_h=mm(7))


_AXIS_SPLIT = re.compile(r"\s*(?:↔|<->|<>|—|–| vs\.? )\s*")


def _grid_axes(card: Card | None) -> tuple[tuple[str, str], tuple[str, str]]:
    """((left, right), (top, bottom)) axis ends from the grid card, or blanks to write in.

    The card's `axes` field names them; a card without it may state each axis as
    "one end ↔ other end" in `examples`, `prompts` or its subtitle, horizontal first.
    """
    blank = ("", "")
    if card is None:
        return blank, blank
    if card.axes is not None:
        return card.axes
    candidates: list[str] = []
    for text in (*card.examples, *card.prompts, card.subtitle or "", card.body or ""):
        candidates += [part for part in re.split(r"\s*[×]\s*|\n", _plain(text)) if part]
    axes = []
    for text in candidates:
        ends = [e.strip(" .") for e in _AXIS_SPLIT.split(text) if e.strip(" .")]
        if len(ends) == 2:
            axes.append((ends[0], ends[1]))
    if len(axes) >= 2:
        return axes[0], axes[1]
    return (axes[0] if axes else blank), blank


def _sheet_risk_register(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    risks = _risk_titles(ctx.deck)
    top = h
    if risks:
        used = _block(c, ctx, "**Risk cards in the deck:** " + "  ·  ".join(risks),
                      ctx.st.sheet_small, 0, top, w)
        top -= used + mm(4)
    cols = [("Risk or barrier", 0.26), ("Likelihood", 0.11), ("Impact", 0.11),
            ("Mitigation: the first concrete step", 0.30), ("Owner", 0.13), ("By when", 0.09)]
    rows = 9
    _grid_table(c, ctx, cols, w, top, rows=rows, row_h=(top - mm(10)) / rows, dots_for=(1, 2))


def _grid_table(c: Canvas, ctx: _Context, cols: Sequence[tuple[str, float]], w: float,
                top: float, rows: int, row_h: float, dots_for: Sequence[int] = (),
                number: bool = False) -> None:
    """A write-in table with a header row; `dots_for` columns get L / M / H circles."""
    head_h = mm(8)
    c.setFillColor(_rl(ctx.pal.tint))
    c.rect(0, top - head_h, w, head_h, stroke=0, fill=1)
    xs = [0.0]
    for _, frac in cols:
        xs.append(xs[-1] + frac * w)
    for (name, frac), x in zip(cols, xs, strict=False):
        _label(c, ctx, x + mm(2), top - mm(5.5), name, 8, width=frac * w - mm(4))
    c.setStrokeColor(_rl(ctx.pal.rule))
    c.setLineWidth(0.5)
    bottom = top - head_h - rows * row_h
    for r in range(rows + 1):
        y = top - head_h - r * row_h
        c.line(0, y, w, y)
    for x in xs[1:-1]:
        c.line(x, top - head_h, x, bottom)
    for r in range(rows):
        y = top - head_h - (r + 1) * row_h
        if number:
            _label(c, ctx, xs[0] + mm(2), y + row_h / 2 - mm(1.2), str(r + 1), 8, bold=False,
                   color=ctx.pal.muted)
        for col in dots_for:
            _lmh(c, ctx, xs[col] + mm(2), y + row_h / 2)


def _lmh(c: Canvas, ctx: _Context, x: float, y: float) -> None:
    for i, letter in enumerate("LMH"):
        cx = x + mm(2.6) + i * mm(6.5)
        c.setStrokeColor(_rl(ctx.pal.muted))
        c.setLineWidth(0.6)
        c.circle(cx, y, mm(2.4), stroke=1, fill=0)
        _label(c, ctx, cx, y - mm(1), letter, 6.5, bold=False, color=ctx.pal.muted,
               align="center")


def _risk_titles(deck: Deck) -> list[str]:
    cat = _category(deck, "risks")
    return [card.title for card in deck.cards_in(cat.id)] if cat else []


_RECIPE_ROWS = (
    ("IF", "who", "Audience"),
    ("AND", "when", "Trigger or context"),
    ("THEN", "what", "Content or design"),
    ("VIA", "where", "Channel"),
    ("SO THAT", "why", "Outcome"),
    ("MEASURE", "measure", "Measure"),
)


def _sheet_recipe_builder(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    gap = mm(6)
    block_h = (h - gap) / 2
    for i in range(2):
        _recipe_block(c, ctx, w, block_h, h - i * (block_h + gap))


def _recipe_block(c: Canvas, ctx: _Context, w: float, h: float, top: float) -> None:
    """One recipe: a row per ingredient, each with one card-id box and a line to write on."""
    _box(c, 0, top - h, w, h, ctx.pal.rule)
    _label(c, ctx, mm(4), top - mm(7), "Recipe", 10, color=ctx.pal.primary)
    _write_line(c, ctx, mm(22), top - mm(8), w * 0.45)
    _label(c, ctx, w * 0.56, top - mm(7), "Cook", 8, bold=False, color=ctx.pal.muted)
    _write_line(c, ctx, w * 0.56 + mm(9), top - mm(8), w * 0.44 - mm(13))
    measure = _category_with_role(ctx.deck, "measure")
    rows = [(word, _category_with_role(ctx.deck, role), generic)
            for word, role, generic in _RECIPE_ROWS]
    # The measure that must not get worse while the first one improves.
    rows.append(("GUARDRAIL", measure, "A measure that must not get worse"))
    row_h = (h - mm(13)) / len(rows)
    box_x, box_w = mm(62), mm(26)
    for i, (word, cat, generic) in enumerate(rows):
        y = top - mm(12) - (i + 1) * row_h
        color = cat.color if cat else ctx.pal.primary
        c.setFillColor(_rl(color))
        c.rect(mm(4), y + mm(1.5), mm(1.6), row_h - mm(3), stroke=0, fill=1)
        _label(c, ctx, mm(8), y + row_h - mm(6), word, 11, color=color)
        if word == "GUARDRAIL":
            name = f"{cat.name} · must not get worse" if cat else generic
        else:
            name = f"{cat.name} · {cat.question}" if cat else generic
        _label(c, ctx, mm(8), y + row_h - mm(10), name, 6.5, bold=False, color=ctx.pal.muted,
               width=mm(52))
        used = _id_boxes(c, ctx, box_x, y + row_h - mm(10.5), 1, w=box_w)
        _write_line(c, ctx, box_x + used + mm(5), y + row_h - mm(10.5),
                    w - box_x - used - mm(9))
        if i < len(rows) - 1:
            _write_line(c, ctx, mm(4), y, w - mm(8))


def _sheet_jtbd_pitch(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    top = h
    _label(c, ctx, 0, top - mm(6), "Pitch title", 9, color=ctx.pal.primary)
    _write_line(c, ctx, mm(24), top - mm(7), w - mm(24))
    top -= mm(16)
    for lead in ("When", "I want to", "so I can"):
        _label(c, ctx, 0, top - mm(8), lead, 16, color=ctx.pal.primary)
        lead_w = _text_width(lead, ctx.fonts.bold, 16, ctx.fonts) + mm(4)
        _write_line(c, ctx, lead_w, top - mm(9), w - lead_w)
        _write_line(c, ctx, 0, top - mm(19), w)
        top -= mm(25)
    _label(c, ctx, 0, top - mm(6), "Measure: we will know it works when", 9,
           color=ctx.pal.primary)
    _write_line(c, ctx, mm(62), top - mm(7), w - mm(62))
    _write_line(c, ctx, 0, top - mm(16), w)
    top -= mm(24)
    _label(c, ctx, 0, top - mm(5), "Size", 9, color=ctx.pal.primary)
    x = mm(14)
    for name, _ in _levels(ctx.deck):
        _box(c, x, top - mm(6), mm(3.6), mm(3.6), ctx.pal.muted, WHITE, radius=0.8)
        _label(c, ctx, x + mm(5), top - mm(5.2), name, 8, bold=False)
        x += mm(8) + _text_width(name, ctx.fonts.regular, 8, ctx.fonts)
    top -= mm(13)
    _label(c, ctx, 0, top - mm(5), "Recipe cards", 9, color=ctx.pal.primary)
    _id_boxes(c, ctx, mm(26), top - mm(7), 6, w=(w - mm(26) - mm(10)) / 6)
    top -= mm(16)
    boxes = [("Proof of concept", "What we would build first, and how small it can be."),
             ("Business case", "Why it pays: who gains, how much, how soon."),
             ("Operating model", "Who runs it, with which systems and content, every week.")]
    bw = (w - 2 * _GAP) / 3
    box_h = top - mm(12)
    for i, (title, sub) in enumerate(boxes):
        bx = i * (bw + _GAP)
        _box(c, bx, mm(12), bw, box_h, ctx.pal.rule, ctx.pal.faint)
        _label(c, ctx, bx + mm(3), top - mm(6), title, 9.5, color=ctx.pal.primary)
        _block(c, ctx, sub, ctx.st.sheet_small, bx + mm(3), top - mm(8), bw - mm(6))
    _label(c, ctx, 0, mm(3), "Pitched by", 8, bold=False, color=ctx.pal.muted)
    _write_line(c, ctx, mm(18), mm(2.5), w * 0.45)
    _label(c, ctx, w * 0.6, mm(3), "Date", 8, bold=False, color=ctx.pal.muted)
    _write_line(c, ctx, w * 0.6 + mm(10), mm(2.5), w * 0.4 - mm(10))


def _sheet_effort_impact(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    names = [("Quick wins", "High impact, low effort: start here."),
             ("Big bets", "High impact, high effort: plan and fund."),
             ("Fill-ins", "Low impact, low effort: when there is slack."),
             ("Not now", "Low impact, high effort: park it.")]
    x0, y0 = mm(12), mm(12)
    gw, gh = w - x0 - mm(4), h - y0 - mm(2)
    for q, (name, sub) in enumerate(names):
        qx = x0 + (q % 2) * gw / 2
        qy = y0 + (1 - q // 2) * gh / 2
        _box(c, qx, qy, gw / 2, gh / 2, ctx.pal.rule, ctx.pal.tint if q == 0 else
             (ctx.pal.faint if q == 1 else WHITE), radius=0)
        _label(c, ctx, qx + mm(4), qy + gh / 2 - mm(7), name, 11, color=ctx.pal.primary)
        _label(c, ctx, qx + mm(4), qy + gh / 2 - mm(11.5), sub, 7.5, bold=False,
               color=ctx.pal.muted)
    _arrow(c, x0, y0 - mm(5), x0 + gw, y0 - mm(5), ctx.pal.primary)
    _label(c, ctx, x0 + gw / 2, y0 - mm(10.5), "Effort", 9, color=ctx.pal.primary,
           align="center")
    _arrow(c, x0 - mm(5), y0, x0 - mm(5), y0 + gh, ctx.pal.primary)
    c.saveState()
    c.translate(x0 - mm(7.5), y0 + gh / 2)
    c.rotate(90)
    _label(c, ctx, 0, 0, "Impact", 9, color=ctx.pal.primary, align="center")
    c.restoreState()


def _sheet_dot_vote(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    cols = [("#", 0.05), ("Idea or recipe", 0.42), ("Votes: fill one dot per vote", 0.41),
            ("Total", 0.12)]
    rows = 16
    row_h = (h - mm(10)) / rows
    _grid_table(c, ctx, cols, w, h, rows=rows, row_h=row_h, number=True)
    x = w * 0.47 + mm(3)
    radius = min(mm(1.8), row_h / 6)
    count = int((w * 0.41 - mm(6)) // (radius * 2.8))
    for r in range(rows):
        y = h - mm(8) - (r + 0.5) * row_h
        _dots(c, ctx, x, y, count, r=radius)


def _sheet_roadmap(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    columns = [("Now", "next 3 months"), ("Next", "3 to 6 months"), ("Later", "6 to 12 months")]
    lanes = [("Experiments", "A/B tests and pilots"),
             ("Always-on", "rules and models that run by themselves"),
             ("Features and products", "built, owned and measured"),
             ("Foundations", "data, content, consent, people")]
    lane_w = mm(42)
    head_h = mm(12)
    col_w = (w - lane_w) / len(columns)
    row_h = (h - head_h) / len(lanes)
    for i, (name, sub) in enumerate(columns):
        x = lane_w + i * col_w
        fill = ctx.pal.primary.mix(WHITE, 0.7 * i / max(len(columns) - 1, 1))
        ink = WHITE if fill.contrast(WHITE) >= 3 else ctx.pal.text
        c.setFillColor(_rl(fill))
        c.rect(x + 1, h - head_h, col_w - 2, head_h, stroke=0, fill=1)
        _label(c, ctx, x + mm(4), h - mm(7.5), name, 11, color=ink)
        _label(c, ctx, x + mm(4) + _text_width(name, ctx.fonts.bold, 11, ctx.fonts) + mm(3),
               h - mm(7.5), sub, 8, bold=False, color=ink)
    for r, (name, sub) in enumerate(lanes):
        y = h - head_h - (r + 1) * row_h
        _box(c, 0, y + 1, lane_w - mm(2), row_h - 2, ctx.pal.rule, ctx.pal.tint, radius=0)
        _label(c, ctx, mm(3), y + row_h - mm(7), name, 9.5, width=lane_w - mm(6))
        _block(c, ctx, sub, ctx.st.sheet_small, mm(3), y + row_h - mm(9), lane_w - mm(7))
        for i in range(len(columns)):
            _box(c, lane_w + i * col_w + 1, y + 1, col_w - 2, row_h - 2, ctx.pal.rule,
                 radius=0)


def _sheet_parking_lot(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    cols = [("Question, idea or concern", 0.52), ("Raised by", 0.16), ("Owner", 0.16),
            ("Answer by", 0.16)]
    rows = 20
    _grid_table(c, ctx, cols, w, h, rows=rows, row_h=(h - mm(10)) / rows)


def _sheet_card_sort(c: Canvas, ctx: _Context, w: float, h: float) -> None:
    # The categories that have blank cards are the ones meant to be co-created.
    cats = [cat for cat in ctx.deck.categories if cat.blanks != 0] or list(ctx.deck.categories)
    cols = 2 if len(cats) > 3 else 1
    rows = max(1, -(-len(cats) // cols))
    cell_w = (w - (cols - 1) * _GAP) / cols
    cell_h = (h - (rows - 1) * mm(3)) / rows
    for i, cat in enumerate(cats):
        col, row = i % cols, i // cols
        x = col * (cell_w + _GAP)
        y = h - (row + 1) * cell_h - row * mm(3)
        _box(c, x, y, cell_w, cell_h, ctx.pal.rule)
        c.setFillColor(_rl(cat.color))
        c.rect(x, y + cell_h - mm(7), mm(2.2), mm(7), stroke=0, fill=1)
        _label(c, ctx, x + mm(5), y + cell_h - mm(5), cat.name, 9.5, width=cell_w * 0.45)
        _label(c, ctx, x + mm(5) + cell_w * 0.45, y + cell_h - mm(5), cat.question, 7,
               bold=False, color=ctx.pal.muted, width=cell_w * 0.55 - mm(8))
        line_y = y + cell_h - mm(14)
        while line_y > y + mm(3):
            _write_line(c, ctx, x + mm(5), line_y, cell_w - mm(10))
            line_y -= mm(7)


# Each note's first sentence completes "Use it to …" in the worksheet index.
_SHEETS: dict[str, _SheetKind] = {
    "landscape": _SheetKind(
        "Landscape of connected experience",
        "List experiences the team admires, finds familiar or dislikes, from any company. "
        "Under each, name the systems that must work together to make it happen.",
        True, _sheet_landscape),
    "sizing-ladder": _SheetKind(
        "Sizing ladder",
        "Place each example on the step that matches its size. Tick where the team delivers "
        "today and where it wants to be.",
        True, _sheet_sizing_ladder),
    "four-arguments": _SheetKind(
        "Four arguments",
        "Place each idea in the quadrant of the reason it serves. Then each person fills in "
        "three dots where they think the emphasis should be.",
        False, _sheet_four_arguments),
    "risk-register": _SheetKind(
        "Gap and risk register",
        "Name each risk or barrier, rate it, and write one concrete step that reduces it, "
        "with an owner and a date.",
        True, _sheet_risk_register),
    "recipe-builder": _SheetKind(
        "Recipe builder",
        "Build a recipe from one card per row. Write the card id in the box and the recipe "
        "in your own words beside it. Add a guardrail: a measure that must not get worse.",
        False, _sheet_recipe_builder),
    "jtbd-pitch": _SheetKind(
        "Jobs-to-be-done pitch",
        "Pitch one recipe as a job the customer wants done. Say the job in the customer's "
        "words, then how you would prove it, pay for it and run it. One sheet per pitch.",
        False, _sheet_jtbd_pitch),
    "effort-impact": _SheetKind(
        "Effort and impact",
        "Place each recipe or pitch by how much it would change and how hard it is to do.",
        True, _sheet_effort_impact),
    "dot-vote": _SheetKind(
        "Dot-vote tally",
        "Count the votes for each candidate. List the candidates, then each person fills in "
        "their dots. Add the totals before anyone argues.",
        False, _sheet_dot_vote),
    "roadmap": _SheetKind(
        "Roadmap",
        "Place the chosen recipes on the timeline: experiments first, automation once they "
        "prove themselves, and the foundations that make both possible.",
        True, _sheet_roadmap),
    "parking-lot": _SheetKind(
        "Parking lot",
        "Park good questions that would derail the session. Write them here, give each an "
        "owner, and close the list before everyone leaves.",
        False, _sheet_parking_lot),
    "card-sort": _SheetKind(
        "Co-create the cards",
        "Write candidate cards under each category, then circle the ones to keep.",
        False, _sheet_card_sort),
}


# Card reference


def _card_reference(ctx: _Context) -> Flowables:
    deck = ctx.deck
    out = _section(ctx, "Card reference", intro=(
        f"All {len(deck.cards)} cards, by category, with their full text. Card ids are what "
        "you write on worksheets and recipes."))
    for cat in deck.categories:
        cards = deck.cards_in(cat.id)
        if not cards:
            continue
        out.append(CondPageBreak(mm(70)))
        out.append(_category_heading(ctx, cat, len(cards)))
        out.append(ctx.p(cat.question, ctx.st.small))
        out.append(_card_rows(ctx, cards))
    return out


def _category_heading(ctx: _Context, cat: Category, count: int) -> _Heading:
    """A category heading led by a square of its colour, with the number of cards."""
    noun = "card" if count == 1 else "cards"
    markup = (f'{_markup(cat.name, ctx.fonts)}'
              f'<font size="9" color="{ctx.pal.muted.hex}">  ·  {count} {noun}</font>')
    # Bookmarked but left out of the contents, which then fits on one page.
    return _Heading(cat.name, ctx.st.h2, ctx, level=1, markup=markup, toc=False,
                    swatch=cat.color)


def _card_rows(ctx: _Context, cards: Sequence[Card]) -> Table:
    half = ctx.width / 2
    thumb_w = mm(24)
    cells = [_CardEntry(ctx, card, thumb_w, half - mm(5)) for card in cards]
    rows: list[list[Any]] = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    return Table(rows, colWidths=[half, half], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(5)),
        ("TOPPADDING", (0, 0), (-1, -1), mm(3)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(3)),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, _rl(ctx.pal.rule)),
    ]))


class _CardEntry(Flowable):  # type: ignore[misc]
    """A card thumbnail with the card's full text beside it."""

    def __init__(self, ctx: _Context, card: Card, thumb_w: float, width: float) -> None:
        super().__init__()
        self.ctx = ctx
        self.card = card
        self.face = ctx.faces.front(card)
        self.thumb_w = thumb_w
        self.scale = thumb_w / self.face.width
        self.width = width
        self.paras = _card_text(ctx, card)
        self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        # The entry's width never changes, so its text is wrapped once, not once per table pass.
        if not self.height:
            text_w = self.width - self.thumb_w - mm(4)
            text_h = sum(p.wrap(text_w, 1e6)[1] + p.getSpaceBefore() + p.getSpaceAfter()
                         for p in self.paras)
            self.height = max(self.face.height * self.scale, text_h)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        thumb_h = self.face.height * self.scale
        _draw_face(c, self.face, f"front:{self.card.id}", 0, self.height - thumb_h, self.scale,
                   self.ctx.pal.rule)
        y = self.height
        for para in self.paras:
            y -= para.getSpaceBefore() + para.height
            para.drawOn(c, self.thumb_w + mm(4), y)
            y -= para.getSpaceAfter()


def _card_text(ctx: _Context, card: Card) -> list[Paragraph]:
    st, fonts = ctx.st, ctx.fonts
    small = ctx.st.small
    head = _markup(card.title, fonts, bold=True)
    if card.copies > 1:
        head += _markup(f"  ×{card.copies}", fonts)
    meta = [card.id]
    if card.family:  # interaction cards: their family and usual size
        meta.append(_family_name(card.family))
        levels = _levels(ctx.deck)
        if card.level is not None and 1 <= card.level <= len(levels):
            meta.append(levels[card.level - 1][0])
    out = [Paragraph(head, st.card_title),
           Paragraph(f'<font color="{ctx.pal.muted.hex}">{escape("  ·  ".join(meta))}</font>',
                     ParagraphStyle("id", parent=st.tiny, spaceAfter=3))]
    if card.subtitle:
        out.append(_para(card.subtitle, small, fonts, italic=True))
    if card.body:
        out.append(_para(card.body, small, fonts))
    bullet = ParagraphStyle("card-bullet", parent=small, leftIndent=8, spaceAfter=1.5)
    out += [Paragraph(_markup(item, fonts), bullet, bulletText="•") for item in card.items]
    out += [Paragraph(_markup(q, fonts), bullet, bulletText="?") for q in card.prompts]
    if card.examples:
        examples = "; ".join(_markup(example, fonts) for example in card.examples)
        out.append(Paragraph(f"{_markup('For example:', fonts, italic=True)} {examples}", small))
    if card.recipe:
        out += _recipe_lines(ctx, card, small)
    return out


def _recipe_lines(ctx: _Context, card: Card, style: ParagraphStyle) -> list[Paragraph]:
    """The recipe as short labelled lines: IF audience / AND trigger / THEN content / ..."""
    ingredients = dict(card.recipe)
    label_w = mm(15)
    out: list[Paragraph] = []
    for word, role, _ in _RECIPE_ROWS:
        ids = ingredients.get(role, ())
        if not ids:
            continue
        cat = _category_with_role(ctx.deck, role)
        label = cat.color if cat and cat.color.contrast(WHITE) >= 3 else ctx.pal.text
        line = ParagraphStyle(f"recipe-{role}", parent=style, leftIndent=label_w, bulletIndent=0,
                              bulletFontName=ctx.fonts.bold, bulletFontSize=7,
                              bulletColor=_rl(label),
                              spaceBefore=3 if not out else 0, spaceAfter=1)
        names = " or ".join(_card_name(ctx, card_id) for card_id in ids)
        out.append(Paragraph(names, line, bulletText=word))
    return out


def _card_name(ctx: _Context, card_id: str) -> str:
    """A card's title as markup, with its id when the id is not simply the title spelt out."""
    card = ctx.deck.card_by_id(card_id)
    if card is None:
        return escape(card_id)
    name = _markup(card.title, ctx.fonts)
    if slug(_plain(card.title)) != card_id:
        name += f'<font color="{ctx.pal.muted.hex}" size="7"> ({escape(card_id)})</font>'
    return name


# Catalogue and glossary


def _catalogue(ctx: _Context) -> Flowables:
    entries = ctx.deck.catalogue
    if not entries:
        return []
    out = _section(ctx, "Interaction catalogue", kicker="Appendix", intro=(
        f"{len(entries)} interactions to spark the landscape and sizing activities, grouped "
        "by family, each with its usual size and channel."))
    st = ctx.st
    level_names = dict(zip(LEVEL_NAMES, (name for name, _ in _levels(ctx.deck)), strict=False))
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in
                              ("INTERACTION", "SIZE", "CHANNEL", "NOTE")]]
    extra: list[tuple[Any, ...]] = []
    families: list[str] = []
    for entry in entries:
        if entry.family not in families:
            families.append(entry.family)
    for family in families:
        rows.append([ctx.p(f"**{_family_name(family)}**", st.cell_bold), "", "", ""])
        head = len(rows) - 1
        extra += [("SPAN", (0, head), (-1, head)),
                  ("BACKGROUND", (0, head), (-1, head), _rl(ctx.pal.tint)),
                  ("NOSPLIT", (0, head), (-1, head + 1))]  # never a family name alone
        for entry in (e for e in entries if e.family == family):
            rows.append([ctx.p(entry.name, st.cell_bold),
                         ctx.p(level_names.get(entry.level, entry.level), st.cell),
                         ctx.p(_channel_name(entry.channel), st.cell),
                         ctx.p(entry.note or "", st.cell)])
    w = ctx.width
    extra += [("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
              _NO_ORPHAN_END]
    # Channel wide enough for its longest single words ("Multi-channel", "Organization").
    out.append(_table(rows, [w * 0.26, w * 0.14, w * 0.15, w * 0.45], ctx, extra))
    return out


# Written in capitals wherever they appear in a channel name.
_ACRONYMS = {"sms", "mms", "api", "ai", "crm", "cms", "faq", "tv", "qr", "ivr", "rss", "vr",
             "ar", "atm", "pos", "ott", "url"}


def _channel_name(channel: str) -> str:
    """'sms' -> 'SMS', 'web and app' -> 'Web and app'; capitals as written are kept."""
    words = [word.upper() if word.lower() in _ACRONYMS else word
             for word in re.split(r"(\W+)", channel)]
    return _sentence_case("".join(words)) if channel.islower() else "".join(words)


def _glossary(ctx: _Context) -> Flowables:
    entries = ctx.wb.glossary
    if not entries:
        return []
    out = _section(ctx, "Glossary")
    rows: list[list[Any]] = [[ctx.p(f"**{e.term}**", ctx.st.cell), ctx.p(e.definition, ctx.st.cell)]
                             for e in sorted(entries, key=lambda e: e.term.lower())]
    out.append(_table(rows, [ctx.width * 0.26, ctx.width * 0.74], ctx, [_NO_ORPHAN_END],
                      header=False))
    return out

