"""Workbook document: takes the story, gives pages, running header, bookmarks and contents."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.tableofcontents import TableOfContents

from deckgen.draw.images import placed_art
from deckgen.i18n import word
from deckgen.units import Color, mm
from deckgen.workbook.context import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, Context, Flowables, rl
from deckgen.workbook.typeset import draw_text, fit_text, plain, text_width, to_markup

# Headings, bookmarks, running header


class Heading(Paragraph):  # type: ignore[misc]
    """A heading that becomes a bookmark, an outline entry and (optionally) a TOC line."""

    def __init__(self, text: str, style: ParagraphStyle, ctx: Context, *, level: int,
                 outline: str | None = None, toc: bool = True, markup: str | None = None,
                 swatch: Color | None = None) -> None:
        self.swatch = swatch
        if swatch is not None:  # room for the square before the text
            style = ParagraphStyle(f"{style.name}-swatch", parent=style,
                                   leftIndent=style.leftIndent + self._swatch_room(style))
        text = word(ctx.deck, text)
        super().__init__(markup or to_markup(text, ctx.fonts), style)
        self.outline = plain(outline or text)
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
            self.canv.setFillColor(rl(self.swatch))
            self.canv.roundRect(self.style.leftIndent - self._swatch_room(self.style), baseline,
                                side, side, 1, stroke=0, fill=1)
            self.canv.restoreState()


class Mark(Flowable):  # type: ignore[misc]
    """An invisible heading: an outline entry for a page drawn on the canvas (the cover)."""

    _ZEROSIZE = 1

    def __init__(self, outline: str, ctx: Context, level: int = 0, toc: bool = False) -> None:
        super().__init__()
        self.outline = word(ctx.deck, outline)
        self.level = level
        self.toc = toc
        self.key = ctx.key()

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)


class WorkbookDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, out: BinaryIO | str, ctx: Context,
                 draw_cover: Callable[[Canvas, Context], None]) -> None:
        super().__init__(
            out, pagesize=ctx.page, invariant=1, title=f"{ctx.deck.title}: {ctx.title()}",
            author=ctx.deck.brand.name, subject=ctx.title(), creator="deckgen",
            leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, initialFontName=ctx.fonts.regular,
        )
        self.ctx = ctx
        self.section = ""
        self.addPageTemplates(_page_templates(ctx, draw_cover))

    def beforeDocument(self) -> None:
        self.section = ""

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Heading | Mark):
            return
        self.canv.addOutlineEntry(flowable.outline, flowable.key, level=flowable.level,
                                  closed=flowable.level > 0 or None)
        if flowable.toc:
            self.notify("TOCEntry", (flowable.level, escape(flowable.outline), self.page,
                                     flowable.key))
        if flowable.level == 0:
            self.section = flowable.outline


def _page_templates(ctx: Context, draw_cover: Callable[[Canvas, Context], None]
                    ) -> list[PageTemplate]:
    w, h = ctx.page
    lw, lh = landscape(ctx.page)

    def frame(name: str, width: float, height: float) -> Frame:
        return Frame(MARGIN_X, MARGIN_BOTTOM, width - 2 * MARGIN_X,
                     height - MARGIN_TOP - MARGIN_BOTTOM, id=name, leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0)

    def furniture(canvas: Canvas, doc: WorkbookDoc) -> None:
        _draw_furniture(canvas, doc, ctx)

    def cover(canvas: Canvas, doc: WorkbookDoc) -> None:
        draw_cover(canvas, ctx)

    # The cover's frame holds only the invisible bookmark; the page is drawn on the canvas.
    return [
        PageTemplate("cover", [frame("cover", w, h)], onPage=cover, pagesize=(w, h)),
        PageTemplate("body", [frame("body", w, h)], onPageEnd=furniture, pagesize=(w, h)),
        PageTemplate("landscape", [frame("landscape", lw, lh)], onPageEnd=furniture,
                     pagesize=(lw, lh)),
    ]


def _draw_furniture(c: Canvas, doc: WorkbookDoc, ctx: Context) -> None:
    """Running header (deck, brand, section) and page number, drawn when the page is done."""
    w, h = c._pagesize
    fonts, pal = ctx.fonts, ctx.pal
    c.saveState()
    top = h - MARGIN_TOP + mm(9)
    x = MARGIN_X
    drawn = (draw_logo(c, ctx.deck.brand.logo, x, top - 1.5, mm(16), mm(4.5))
             if ctx.deck.brand.logo is not None else None)
    if drawn is not None:
        x += drawn + mm(3)
    c.setFillColor(rl(pal.primary))
    left = ctx.deck.title.upper()
    if ctx.deck.brand.name and ctx.deck.brand.name.lower() not in ctx.deck.title.lower():
        left += "  ·  " + ctx.deck.brand.name
    section = doc.section
    right_room = w - MARGIN_X - x - text_width(left, fonts.bold, 7, fonts) - mm(10)
    draw_text(c, x, top, left, fonts.bold, 7, fonts)
    c.setFillColor(rl(pal.muted))
    draw_text(c, w - MARGIN_X, top, fit_text(section, fonts.regular, 7.5, right_room, fonts),
              fonts.regular, 7.5, fonts, align="right")
    c.setStrokeColor(rl(pal.rule))
    c.setLineWidth(0.5)
    c.line(MARGIN_X, top - mm(2.5), w - MARGIN_X, top - mm(2.5))
    page = c.getPageNumber()
    # Page numbers sit on the outer edge, as in a printed booklet (odd pages on the right).
    c.setFillColor(rl(pal.text))
    if page % 2:
        draw_text(c, w - MARGIN_X, mm(11), str(page), fonts.bold, 8.5, fonts, align="right")
    else:
        draw_text(c, MARGIN_X, mm(11), str(page), fonts.bold, 8.5, fonts)
    c.restoreState()


# The largest place the logo appears (the cover); every use shares one image resampled for it,
# so the PDF embeds the logo once, at print resolution, whatever the size of the source file.
LOGO_BOX = (mm(45), mm(14))


def draw_logo(c: Canvas, path: Path, x: float, y: float, width: float,
              height: float) -> float | None:
    """Draw the brand logo fitted in a box with its lower-left at (x, y); its drawn width."""
    try:
        # A CMYK workbook's canvas converts every colour it sets; the logo must match it.
        cmyk = getattr(c, "_enforceColorSpace", None) is not None
        image = placed_art(path, *LOGO_BOX, cmyk=cmyk)
        w, h = image.fit_size(width, height)
        image.draw(c, x, y, w, h)
    except Exception:  # a logo ReportLab cannot read is the loader's to report, not a crash here
        return None
    return float(w)


class Contents(TableOfContents):  # type: ignore[misc]
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


def new_page(template: str = "body") -> Flowables:
    return [NextPageTemplate(template), PageBreak()]


def section_text(ctx: Context, key: str, title: str, intro: str | None
                 ) -> tuple[str, tuple[str, ...]]:
    """A section's title and introduction: the deck's own under `sections:`, else the engine's."""
    own = ctx.wb.sections.get(key)
    title = word(ctx.deck, title)
    intros = (word(ctx.deck, intro),) if intro else ()
    if own is None:
        return title, intros
    return own.title or title, own.intro if own.intro is not None else intros


def new_section(ctx: Context, title: str, kicker: str | None = None,
                intro: str | None = None, *, key: str | None = None,
                count: int | None = None, values: Mapping[str, str] | None = None) -> Flowables:
    """A new page with a section heading; `key` lets the deck give its own title and intro.

    `{count}` in an introduction reads as `count` (how many cards or entries follow), so that
    a deck's own text never states a number that goes stale; `{name}` reads as `values[name]`.
    """
    title, intros = section_text(ctx, key, title, intro) if key else (
        title, (intro,) if intro else ())
    out = new_page()
    if kicker:
        out.append(ctx.p(word(ctx.deck, kicker).upper(), ctx.st.kicker))
    out.append(Heading(title, ctx.st.h1, ctx, level=0))
    if count is not None:
        intros = tuple(text.replace("{count}", str(count)) for text in intros)
    for name, value in (values or {}).items():
        intros = tuple(text.replace("{" + name + "}", value) for text in intros)
    out += [ctx.p(text, ctx.st.lead) for text in intros]
    return out


def subheading(ctx: Context, title: str, level: int = 1, toc: bool = True) -> Heading:
    return Heading(title, ctx.st.h2, ctx, level=level, toc=toc)
