"""Cover and contents sections: take the context, give the cover page and the table of contents."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer, TableStyle

from deckgen.units import mm
from deckgen.workbook.blocks import draw_face
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.doc import LOGO_BOX, Contents, Heading, Mark, draw_logo, new_page
from deckgen.workbook.typeset import draw_text, plain, to_markup

# Cover and contents


def cover(ctx: Context) -> Flowables:
    return [Mark("Cover", ctx)]


def draw_cover(c: Canvas, ctx: Context) -> None:
    deck, fonts, pal = ctx.deck, ctx.fonts, ctx.pal
    w, h = c._pagesize
    band_bottom = h * 0.42
    c.saveState()
    c.setFillColor(rl(pal.primary))
    c.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
    x, width = mm(22), w - mm(44)
    brand_y = h - mm(30)
    # The brand's name only where it adds something: it defaults to the deck's title.
    brand = deck.brand.name if plain(deck.brand.name).strip().lower() != plain(
        deck.title).strip().lower() else ""
    if deck.brand.logo is None or draw_logo(c, deck.brand.logo, x, brand_y - mm(4),
                                            *LOGO_BOX) is None:
        c.setFillColor(rl(pal.on_primary))
        draw_text(c, x, brand_y, brand, fonts.bold, 13, fonts)
    on = rl(pal.on_primary)
    title = ParagraphStyle("cover-title", fontName=fonts.black, fontSize=38, leading=42,
                           textColor=on)
    sub = ParagraphStyle("cover-sub", fontName=fonts.regular, fontSize=15, leading=20,
                         textColor=on)
    kicker = ParagraphStyle("cover-kicker", fontName=fonts.bold, fontSize=10, leading=13,
                            textColor=on)
    blocks = [Paragraph(to_markup(ctx.title().upper(), fonts), kicker), Spacer(1, mm(4)),
              Paragraph(to_markup(deck.title, fonts), title)]
    if deck.subtitle:
        blocks += [Spacer(1, mm(3)), Paragraph(to_markup(deck.subtitle, fonts), sub)]
    y = band_bottom + mm(40)
    for block in reversed(blocks):
        _, bh = block.wrap(width, h)
        block.drawOn(c, x, y)
        y += bh
    _draw_card_fan(c, ctx, w / 2, band_bottom)
    _draw_category_strip(c, ctx, x, mm(40), width)
    c.setFillColor(rl(pal.text))
    details = [ctx.w("{cards} cards in {categories} categories", cards=len(deck.cards),
                     categories=len(deck.categories))]
    if deck.edition:
        details.insert(0, ctx.w("Edition {edition}", edition=deck.edition))
    draw_text(c, x, mm(30), "  ·  ".join(details), fonts.regular, 10, fonts)
    c.setFillColor(rl(pal.primary))
    draw_text(c, x, mm(22), brand, fonts.bold, 10, fonts)
    c.restoreState()


def _draw_card_fan(c: Canvas, ctx: Context, cx: float, cy: float) -> None:
    """A hand of real cards, one per category, straddling the edge of the cover band.

    The cards overlap, so each category shows its shortest title: it stays readable.
    """
    cards = [min(cards, key=lambda card: len(plain(card.title)))
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
        draw_face(c, face, f"front:{card.id}", -face.width * scale / 2, 0, scale, ctx.pal.rule)
        c.restoreState()


def _draw_category_strip(c: Canvas, ctx: Context, x: float, y: float, width: float) -> None:
    """One bar per category in its colour: the deck's palette at a glance."""
    cats = ctx.deck.categories
    if not cats:
        return
    bar = width / len(cats)
    for i, cat in enumerate(cats):
        c.setFillColor(rl(cat.color))
        c.rect(x + i * bar, y, bar - 1.5, mm(3), stroke=0, fill=1)


def contents(ctx: Context) -> Flowables:
    toc = Contents(levelStyles=ctx.st.toc, dotsMinLevel=1,
                   tableStyle=TableStyle([("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
                                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                          ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                          ("TOPPADDING", (0, 0), (-1, -1), 0),
                                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    intro = ctx.wb.intro or (_default_intro(ctx),)
    out = [*new_page(), Heading("Contents", ctx.st.h1, ctx, level=0, toc=False)]
    out += [ctx.p(text, ctx.st.body) for text in intro]
    out += [Spacer(1, mm(4)), toc]
    return out


def _default_intro(ctx: Context) -> str:
    return ctx.w("This workbook goes with the {title}. It shows how the cards work, gives "
                 "printable worksheets for working with them and lists every card with its text.",
                 title=ctx.deck.title)
